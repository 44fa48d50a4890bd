/**
 * Issue 3's specs in a real VS Code: diagnostics and the Problems panel, hover, quick fix,
 * and Restricted Mode. Expected rule codes come from the analyzer itself (via the CLI), so the
 * specs check that VS Code shows what the server computed, not a hard-coded list.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { repoRoot } from '../support/parser';
import { closeBrowser, killLeftovers, withSession, type Session } from './harness';
import { goToLine, openFile, openProblems, problemRows, visibleLines, waitForLine } from './workbench';

const routeTest = 'integration/route_test.go';
const routeText = fs.readFileSync(path.join(repoRoot, 'demo', routeTest), 'utf8');
const lineOf = (needle: string) => routeText.split('\n').findIndex((l) => l.includes(needle)) + 1;

/** Rule codes the analyzer reports for the file at a severity the Problems panel lists (not hints). */
function expectedCodes(): string[] {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'check', path.join(repoRoot, 'demo', routeTest), '--format', 'json'], { encoding: 'utf8' });
  const rows = JSON.parse(r.stdout) as { rule: string; severity: string }[];
  return [...new Set(rows.filter((x) => x.severity !== 'hint').map((x) => x.rule))].sort();
}

before(() => killLeftovers());
after(() => closeBrowser());

async function withSessionNamed(name: string, trusted: boolean, body: (s: Session) => Promise<void>): Promise<void> {
  await withSession({ name, trusted }, body);
}

/** Opens the demo route test at its first flagged statement and waits for the squiggles there. */
async function openAtFindings(page: Session['page']): Promise<void> {
  await openFile(page, routeTest);
  await goToLine(page, lineOf('_, _, err = router.Execute'));
  await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 60_000 });
}

test('1. opening a demo test shows squiggles, and the Problems panel lists them with rule codes', async () => {
  await withSessionNamed('01-diagnostics', true, async ({ page }) => {
    await openAtFindings(page);
    await openProblems(page);
    const codes = expectedCodes();
    assert.ok(codes.length >= 6, `demo file should exercise many rules, got ${codes}`);
    await page.locator('.markers-panel .monaco-list-row', { hasText: codes[0] }).first().waitFor();
    const rows = await problemRows(page);
    for (const code of codes) assert.ok(rows.some((r) => r.includes(`hi workbench${code}`)), `Problems panel has no row for ${code}: ${JSON.stringify(rows)}`);
  });
});

test('2. hovering a flagged range shows the rule explanation', async () => {
  await withSessionNamed('02-hover', true, async ({ page }) => {
    await openAtFindings(page);
    await goToLine(page, lineOf('_, _, err = router.Execute'));
    await page.keyboard.press('F8');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const hover = page.locator('.monaco-hover:visible');
    await hover.filter({ hasText: 'Never put a state-changing call inside EventuallyWithT' }).first().waitFor({ timeout: 30_000 });
    const text = (await hover.first().textContent()) ?? '';
    assert.match(text, /ewt-mutating-call/);
  });
});

test('3. Ctrl+. offers the quick fix; applying it changes the text and the diagnostic disappears', async () => {
  await withSessionNamed('03-quick-fix', true, async ({ page }) => {
    await openAtFindings(page);
    await goToLine(page, lineOf('assert.NoError(t, err)'));
    // F8 jumps to the finding and shows its message: the diagnostic is there before the fix.
    await page.keyboard.press('F8');
    await page.locator('.marker-widget', { hasText: 'assert.NoError(t, …)' }).waitFor({ timeout: 30_000 });
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+.');
    await page.locator('.action-widget .monaco-list-row', { hasText: 'Use c instead of t' }).first().waitFor({ timeout: 30_000 });
    assert.ok((await page.locator('.action-widget .monaco-list-row', { hasText: 'Suppress ewt-outer-t on this line' }).count()) > 0);
    // The widget opens with the preferred fix focused; Enter applies it, as from the keyboard.
    assert.match((await page.locator('.action-widget .monaco-list-row.focused').first().textContent()) ?? '', /Use c instead of t/);
    await page.keyboard.press('Enter');
    await waitForLine(page, 'assert.NoError(c, err)');
    assert.ok((await visibleLines(page)).some((l) => l.includes('assert.NoError(c, err)')));
    await openProblems(page);
    // The other findings are still listed; the fixed one is gone.
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'ewt-shadowed-result' }).first().waitFor();
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'assert.NoError(t, …)' }).first().waitFor({ state: 'detached', timeout: 30_000 });
  });
});

test('4. in Restricted Mode (trust not granted) the diagnostics still appear', async () => {
  await withSessionNamed('04-restricted-mode', false, async ({ page }) => {
    await openAtFindings(page);
    await openProblems(page);
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'ewt-mutating-call' }).first().waitFor();
    const rows = await problemRows(page);
    for (const code of expectedCodes()) assert.ok(rows.some((r) => r.includes(`hi workbench${code}`)), `Restricted Mode: no row for ${code}`);
    assert.equal(await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).count() > 0, true);
  });
});

/** The language server process of this run's extension (sessions run one at a time). */
function serverPids(): number[] {
  const r = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .filter((l) => l.includes('dist/server.js') && l.includes(process.env.HI_E2E_RUN_DIR ?? '/nonexistent'))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

test('5. a crashed server restarts with a notification and analyses again', async () => {
  await withSessionNamed('05-server-restart', true, async (session) => {
    const { page } = session;
    await openAtFindings(page);
    const [pid] = serverPids();
    assert.ok(pid, 'the language server process is running');
    process.kill(pid, 'SIGKILL');
    await page.locator('.notification-toast', { hasText: 'language server crashed and was restarted' }).waitFor({ timeout: 30_000 });
    assert.ok(serverPids().length === 1 && serverPids()[0] !== pid, 'a new server process replaced the killed one');
    // New code gets analysed by the new process.
    await goToLine(page, lineOf('assert.NoError(t, err)'));
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('assert.Equal(t, 1, 1');
    // The keystrokes reached the editor: a failure past this point is the language server's or the client's.
    await waitForLine(page, 'assert.Equal(t, 1, 1', 10_000);
    await openProblems(page);
    await page
      .locator('.markers-panel .monaco-list-row', { hasText: 'assert.Equal(t, …)' })
      .first()
      .waitFor({ timeout: 30_000 })
      .catch(async (e: Error) => {
        const rows = await problemRows(page).catch(() => []);
        throw new Error(`the restarted server reported no finding for the typed line (${e.message.split('\n')[0]}); Problems: ${JSON.stringify(rows)}; the extension's log ends:\n${session.extensionLog()}`);
      });
  });
});
