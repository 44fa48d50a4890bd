/**
 * Issue 4 in a real VS Code: lens timeouts per category, a lens click that runs the hi stand-in
 * into a terminal, the counting status bar, a Test Explorer run that lands on the failing line,
 * and Restricted Mode where nothing spawns.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { repoRoot } from '../support/parser';
import { closeBrowser, killLeftovers, withSession } from './harness';
import { EDITOR_LINES, goToLine, openFile, RUNS_ROWS, runCommand, showHiWorkbench, webviewText } from './workbench';


before(() => killLeftovers());
after(() => closeBrowser());

// The stand-in's test length inside these sessions (seconds).
// Long enough that a second click lands while the first run is still going, even on a loaded machine.
const env = { HI_STANDIN_SECONDS: '15' };

const lens = (page: import('playwright-core').Page, title: string | RegExp) => page.locator('.codelens-decoration a', { hasText: title });

function standinProcesses(): string[] {
  return spawnSync('ps', ['-eo', 'args='], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.includes('cmd/hi/standin.js'));
}


test('6. lenses show the category timeout; a click runs hi into a terminal, the status bar counts, a second click queues; the Runs view follows', async () => {
  await withSession({ name: '06-lens-run', trusted: true, env }, async ({ page, workspace }) => {
    // The hi workbench sidebar stays open: the Runs view shows the run while it happens.
    await showHiWorkbench(page);
    await openFile(page, 'integration/general_test.go');
    await lens(page, '▶ Run with hi (900s)').first().waitFor({ timeout: 60_000 });
    await lens(page, '▶ Run with hi --postgres (1800s)').first().waitFor();
    await lens(page, '▶ Run with hi (2100s)').first().waitFor();
    await openFile(page, 'integration/route_test.go');
    await lens(page, '▶ Run with hi (1200s)').first().waitFor({ timeout: 60_000 });
    // Two route/ACL tests one after another: 1200 s + 1200 s (go test's -timeout bounds the whole run).
    await lens(page, "▶ Run file's tests with hi (2400s)").first().waitFor();

    await lens(page, '▶ Run with hi (1200s)').first().click();
    // The terminal streams the stand-in's output as it happens (only visible rows are in the DOM).
    const terminal = page.locator('.xterm-rows');
    await terminal.filter({ hasText: /Created (hs|ts)-[0-9a-z-]+ container/ }).first().waitFor({ timeout: 30_000 });
    // hi created the run folder: the watcher brings it into the Runs view, marked running.
    await page.locator(RUNS_ROWS, { hasText: 'running' }).first().waitFor({ timeout: 30_000 });
    const status = page.locator('.statusbar-item', { hasText: /hi TestEnablingRoutes \d\d:\d\d \/ 20:00/ });
    await status.first().waitFor({ timeout: 10_000 });
    const first = (await status.first().textContent()) ?? '';
    await page.waitForFunction((before) => [...document.querySelectorAll('.statusbar-item')].some((e) => /hi TestEnablingRoutes \d\d:\d\d/.test(e.textContent ?? '') && e.textContent !== before), first, { timeout: 10_000 });
    // A second click during the run offers Queue or Cancel current; the queued run waits its turn.
    await goToLine(page, 83);
    // Monaco keeps off-screen lenses in the DOM: click the one on screen (TestSubnetRouteACL's).
    await lens(page, '▶ Run with hi (1200s)').filter({ visible: true }).first().click();
    const ask = page.locator('.notification-toast', { hasText: 'Queue TestSubnetRouteACL, or cancel the current run?' });
    await ask.waitFor({ timeout: 10_000 });
    await ask.getByRole('button', { name: 'Queue' }).click();
    await page.locator('.statusbar-item', { hasText: /hi TestEnablingRoutes .*\(\+1\)/ }).first().waitFor({ timeout: 10_000 });
    await page.locator('.statusbar-item', { hasText: /hi TestSubnetRouteACL \d\d:\d\d \/ 20:00/ }).first().waitFor({ timeout: 90_000 });
    // One notification follows the queue: the second run, its place, and how the first ended.
    await page.locator('.notification-toast', { hasText: /running TestSubnetRouteACL \(2 of 2\).*last ✓ TestEnablingRoutes/ }).waitFor({ timeout: 30_000 });
    // When the queue ends, that notification closes and one summary takes its place.
    await page.locator('.notification-toast', { hasText: '2 hi runs finished: 1 passed, 1 failed (TestSubnetRouteACL)' }).waitFor({ timeout: 60_000 });
    await waitForToasts(page, /running TestSubnetRouteACL/, 0);
    assert.equal(await page.locator('.notification-toast', { hasText: 'TestEnablingRoutes passed' }).count(), 0);
    await terminal.filter({ hasText: /✗ failed in \d+s \(exit 1\)/ }).first().waitFor();
    // The run records sit next to the artifacts, one per run, and the lens shows the last run.
    const records = fs
      .readdirSync(path.join(workspace, 'control_logs'))
      .map((d) => path.join(workspace, 'control_logs', d, 'hi-workbench-run.json'))
      .filter((f) => fs.existsSync(f))
      .map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
    assert.equal(records.length, 2);
    const firstRun = records.find((r) => r.test === 'TestEnablingRoutes');
    assert.deepEqual(firstRun.argv, ['node', 'cmd/hi/standin.js', 'run', '^TestEnablingRoutes$', '--timeout=1200s']);
    assert.equal(firstRun.status, 'passed');
    const second = records.find((r) => r.test === 'TestSubnetRouteACL');
    assert.equal(second.status, 'failed');
    assert.ok(Date.parse(second.startedAt) >= Date.parse(firstRun.finishedAt), 'the queued run started after the first ended');
    // The demo's own (record-less) TestSubnetRouteACL run counts too: after this run, 0 of 2 passed.
    const lastRun = lens(page, 'Last run ✗').filter({ hasText: '0 of last 2 passed' });
    await lastRun.first().waitFor({ timeout: 30_000 });
    // The finished runs carry the runner's result; "Last run" reveals that run in the Runs view.
    await page.locator(RUNS_ROWS, { hasText: 'TestEnablingRoutes' }).filter({ hasText: 'passed' }).first().waitFor({ timeout: 30_000 });
    await lastRun.filter({ visible: true }).first().click();
    await page.locator(`${RUNS_ROWS}.selected`, { hasText: 'TestSubnetRouteACL' }).filter({ hasText: 'failed' }).waitFor({ timeout: 30_000 });
  });
});

test('7. the Test Explorer runs through the same runner; per-test results, and the failure message opens at the assertion', async () => {
  await withSession({ name: '07-test-explorer', trusted: true, env: { HI_STANDIN_SECONDS: '1' } }, async ({ page }) => {
    await openFile(page, 'integration/route_test.go');
    await lens(page, '▶ Run with hi (1200s)').first().waitFor({ timeout: 60_000 });
    await runCommand(page, 'View: Show Testing');
    const row = page.locator('.test-explorer .monaco-list-row', { hasText: 'route_test.go' });
    await row.first().waitFor({ timeout: 30_000 });
    await row.first().hover();
    await row.first().locator('.action-label[aria-label^="Run Test"]').first().click();
    await page.locator('.test-explorer .monaco-list-row .codicon-testing-failed-icon').first().waitFor({ timeout: 60_000 });
    // Both tests show their result in the tree.
    await page.locator('.test-explorer .monaco-list-row', { hasText: 'route_test.go' }).first().click();
    await page.keyboard.press('ArrowRight');
    await page.locator('.test-explorer .monaco-list-row', { hasText: 'TestSubnetRouteACL' }).locator('.codicon-testing-failed-icon').first().waitFor({ timeout: 10_000 });
    await page.locator('.test-explorer .monaco-list-row', { hasText: 'TestEnablingRoutes' }).locator('.codicon-testing-passed-icon').first().waitFor({ timeout: 10_000 });
    // The failure message from go test's output reaches the Test Results view, and opening it lands
    // on the failing assertion (route_test.go:110, from testify's Error Trace).
    await page.locator('.panel .action-label', { hasText: 'Test Results' }).first().click();
    // The results list may redraw under the pointer while the run's last output arrives (the hovered
    // row's actions then vanish): hover and click again, a few times, until the editor is there.
    const atAssertion = page.locator('.statusbar-item', { hasText: /Ln 110,/ }).first();
    for (let attempt = 1; ; attempt++) {
      const message = page.locator('.panel .monaco-list-row', { hasText: 'should have 1 item(s)' }).first();
      await message.waitFor({ timeout: 30_000 });
      try {
        await message.hover();
        await message.locator('.action-label').last().click({ timeout: 5_000 });
        await atAssertion.waitFor({ timeout: 10_000 });
        break;
      } catch (error) {
        if (attempt === 4) throw error;
      }
    }
  });
});

test('8. in Restricted Mode the lens says running is disabled and nothing spawns', async () => {
  await withSession({ name: '08-restricted-lens', trusted: false, env }, async ({ page, workspace }) => {
    await openFile(page, 'integration/route_test.go');
    const disabled = lens(page, '▶ Run with hi — disabled in Restricted Mode');
    await disabled.first().waitFor({ timeout: 60_000 });
    assert.equal(await lens(page, '▶ Run with hi (1200s)').count(), 0);
    await disabled.first().click();
    await page.locator('.notification-toast', { hasText: 'Running hi is disabled in Restricted Mode' }).waitFor({ timeout: 30_000 });
    assert.deepEqual(standinProcesses(), []);
    // control_logs holds only the demo's own runs: no run was started or recorded.
    assert.deepEqual(fs.readdirSync(path.join(workspace, 'control_logs')).sort(), fs.readdirSync(path.join(repoRoot, 'demo', 'control_logs')).sort());
  });
});

test('9. hi: Run Doctor shows the checks with their suggestions as a report, joined with the Docker checks', async () => {
  await withSession({ name: '09-doctor', trusted: true, env: { HI_STANDIN_MODE: 'doctor-fail' } }, async ({ page }) => {
    await openFile(page, 'integration/route_test.go');
    await runCommand(page, 'hi: Run Doctor');
    await page.locator('.tab', { hasText: 'hi-doctor.md' }).first().waitFor({ timeout: 30_000 });
    const found = await webviewText(page, (text) => text.includes('Docker Daemon') && text.includes('1 failed'));
    assert.match(found, /Cannot ping Docker daemon/);
    assert.match(found, /💡 Run: docker login/);
    // hi workbench's own checks against the real dockerd come first in the same report.
    const docker = await webviewText(page, (text) => text.includes('Docker environment (hi workbench)') && text.includes('Leftover containers'));
    assert.match(docker, /Docker daemon\s+Docker \S+ \(API [\d.]+\) at unix:\/\/\/var\/run\/docker\.sock/);
    assert.match(docker, /Free disk \(workspace\)\s+[\d.]+ GB free/);
  });
});

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', ...args], { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

/** Counts elements matching `selector` in any frame (webviews live in nested frames). */
async function countInFrames(page: import('playwright-core').Page, selector: string, atLeast: number, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      const n = await frame.evaluate((sel) => document.querySelectorAll(sel).length, selector).catch(() => 0);
      if (n >= atLeast) return n;
    }
    if (Date.now() > deadline) throw new Error(`fewer than ${atLeast} ${selector} in any frame`);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(undefined))));
  }
}

test('14. one run model: a lens run lands in the Test Explorer with a gutter mark; three runs on one commit make a flaky badge, a hover strip, a history chart, and one terminal', async () => {
  await withSession({ name: '14-run-model', trusted: true, env: { HI_STANDIN_SECONDS: '1' }, settings: { 'terminal.integrated.tabs.hideCondition': 'never', 'headscale.docker.checkBeforeRun': false } }, async ({ page, workspace }) => {
    // The same test, three runs, three outcomes, one clean commit.
    fs.writeFileSync(path.join(workspace, 'cmd', 'hi', 'standin-outcomes.json'), JSON.stringify({ TestEnablingRoutes: ['pass', 'fail', 'pass'], '*': 'pass' }));
    git(workspace, 'init', '-q');
    git(workspace, 'add', '-A');
    git(workspace, 'commit', '-qm', 'demo');
    const head = git(workspace, 'rev-parse', 'HEAD');
    await openFile(page, 'integration/route_test.go');
    const run = lens(page, '▶ Run with hi (1200s)').first();
    await run.waitFor({ timeout: 60_000 });
    await run.click();
    await page.locator('.notification-toast', { hasText: 'TestEnablingRoutes passed' }).waitFor({ timeout: 60_000 });
    // The lens run is a TestRun: a passed mark in the editor gutter and in the Testing view.
    await page.locator('.part.editor .monaco-editor .margin .codicon-testing-passed-icon').first().waitFor({ timeout: 30_000 });
    // Each run starts once the lens shows the one before it, as a user would click.
    for (const [outcome, shown] of [['failed', /^Last run ✓/], ['passed', /^Last run ✗.*1 of last 2 passed/]] as const) {
      await lens(page, shown).filter({ visible: true }).first().waitFor({ timeout: 30_000 });
      await lens(page, '▶ Run with hi (1200s)').filter({ visible: true }).first().click();
      await page.locator('.notification-toast', { hasText: `TestEnablingRoutes ${outcome}` }).waitFor({ timeout: 60_000 });
      // Each run's notification replaces the last one's: one hi notification, never a stack.
      await waitForToasts(page, /TestEnablingRoutes (passed|failed) in/, 1);
    }
    await runCommand(page, 'Notifications: Show Notifications');
    const centre = page.locator('.notifications-center .notification-list-item', { hasText: /TestEnablingRoutes (passed|failed) in/ });
    await centre.first().waitFor({ timeout: 10_000 });
    assert.equal(await centre.count(), 1, 'the notification centre holds the last summary only');
    // Its links work: "Open artifacts" reveals the run in the Runs view.
    await centre.first().locator('a', { hasText: 'Open artifacts' }).click();
    await page.locator(`${RUNS_ROWS}.selected`, { hasText: 'TestEnablingRoutes' }).first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Escape');
    const badge = lens(page, `⚠ flaky (passed and failed on ${head.slice(0, 7)})`).filter({ visible: true }).first();
    await badge.waitFor({ timeout: 30_000 });
    await lens(page, 'Last run ✓').filter({ hasText: '2 of last 3 passed' }).filter({ visible: true }).first().waitFor();
    // The hover over the test name shows the last results as a strip, oldest first.
    const line = (fs.readFileSync(path.join(workspace, 'integration/route_test.go'), 'utf8').split('\n').findIndex((l) => l.startsWith('func TestEnablingRoutes')) + 1);
    await goToLine(page, line);
    await page.keyboard.press('End');
    await page.locator(`${EDITOR_LINES} .view-line`, { hasText: 'func TestEnablingRoutes' }).first().locator('span span', { hasText: /^TestEnablingRoutes$/ }).first().hover();
    const hover = page.locator('.monaco-hover', { hasText: 'Last 3 runs (oldest → newest): ✓ ✗ ✓' });
    await hover.first().waitFor({ timeout: 30_000 });
    assert.match((await hover.first().textContent()) ?? '', /⚠ flaky/);
    // One hi terminal, reused for all three runs and cleared for each: its first line is the exact
    // command of the last run and where it ran.
    assert.equal(await page.locator('.terminal-tabs-entry').count(), 1);
    // Scroll the terminal to its top with the mouse wheel, as a user would.
    await page.locator('.terminal-wrapper.active .xterm-screen, .xterm-screen').first().hover();
    for (let i = 0; i < 10; i++) await page.mouse.wheel(0, -2000);
    const top = page.locator('.xterm-rows > div').first();
    await page.waitForFunction((el) => (el?.textContent ?? '').startsWith('$ cd '), await top.elementHandle(), { timeout: 10_000 });
    const rows = (await page.locator('.xterm-rows > div').allTextContents()).join('');
    assert.ok(rows.replace(/\s+/g, ' ').startsWith(`$ cd ${workspace} && node cmd/hi/standin.js run "^TestEnablingRoutes\\$" --timeout=1200s`), rows.slice(0, 300));
    assert.equal(rows.split('$ cd ').length - 1, 1, 'earlier runs were cleared');
    // The flaky badge opens the test's history: a chart with a mark per run.
    await badge.click();
    await webviewText(page, (t) => t.includes('Test history: TestEnablingRoutes') && t.includes('3 runs') && t.includes('⚠ flaky'));
    assert.equal(await countInFrames(page, 'svg .mark-passed', 2), 2);
    assert.equal(await countInFrames(page, 'svg .mark-failed', 1), 1);
    await countInFrames(page, 'a[href^="command:hi.revealRun"]', 3);
    // The Testing view holds the same runs: the last result per test.
    await runCommand(page, 'View: Show Testing');
    await expandTestRow(page, 'route_test.go');
    await page.locator('.test-explorer .monaco-list-row', { hasText: 'TestEnablingRoutes' }).locator('.codicon-testing-passed-icon').first().waitFor({ timeout: 30_000 });
  });
});

/** Waits until exactly `count` notification toasts match (a replaced notification animates out). */
async function waitForToasts(page: import('playwright-core').Page, text: RegExp, count: number): Promise<void> {
  await page.waitForFunction(
    ([source, flags, n]) => [...document.querySelectorAll('.notification-toast')].filter((t) => new RegExp(source as string, flags as string).test(t.textContent ?? '')).length === n,
    [text.source, text.flags, count] as const,
    { timeout: 15_000 },
  );
}

async function expandTestRow(page: import('playwright-core').Page, text: string): Promise<void> {
  const row = page.locator('.test-explorer .monaco-list-row', { hasText: text }).first();
  await row.waitFor({ timeout: 30_000 });
  if ((await row.getAttribute('aria-expanded')) !== 'true') {
    await row.click();
    await page.keyboard.press('ArrowRight');
  }
}

test('15. hi: Run Phase… runs a two-test phase one test at a time and ends with a summary table', async () => {
  const settings = { 'headscale.phases': [{ name: 'Two tests', tests: ['TestEnablingRoutes', 'TestSubnetRouteACL'] }], 'headscale.runner.cleanEnvironment': false, 'headscale.docker.checkBeforeRun': false };
  await withSession({ name: '15-phase', trusted: true, env: { HI_STANDIN_SECONDS: '1' }, settings }, async ({ page }) => {
    await openFile(page, 'integration/route_test.go');
    await lens(page, '▶ Run with hi (1200s)').first().waitFor({ timeout: 60_000 });
    await runCommand(page, 'hi: Run Phase…');
    const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Two tests' });
    await pick.first().waitFor({ timeout: 30_000 });
    assert.match((await pick.first().textContent()) ?? '', /2 tests/);
    await pick.first().click();
    const summary = await webviewText(page, (t) => t.includes('Two tests: summary') && / of 2 passed/.test(t), 120_000);
    assert.match(summary, /1 of 2 passed/);
    assert.match(summary, /TestEnablingRoutes\s+✓ passed/);
    assert.match(summary, /TestSubnetRouteACL\s+✗ failed\s+\d+s\s+(code|infrastructure|unknown)\s+\d{8}-\d{6}-[0-9a-f]{6}/);
    // The phase reports once, in the table: no end-of-run notification per test.
    assert.equal(await page.locator('.notification-toast', { hasText: /passed in|failed in|hi runs finished/ }).count(), 0);
  });
});
