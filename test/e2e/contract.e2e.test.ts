/**
 * Issue 15 in a real VS Code: in a git-initialised copy of the demo, weakening an expectation
 * (`assert.Len(c, nodes, 3)` → `2`) shows the hs-test-contract warning; hovering the test name
 * tells how its contract changed; the related information opens the base line read-only; the
 * "Restore the expectation from HEAD" quick fix puts 3 back and the warning goes away.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { repoRoot } from '../support/parser';
import { closeBrowser, killLeftovers, withSession } from './harness';
import { goToLine, openFile, openProblems, visibleLines, waitForLine } from './workbench';

const routeTest = 'integration/route_test.go';
const routeText = fs.readFileSync(path.join(repoRoot, 'demo', routeTest), 'utf8');
const lineOf = (needle: string) => routeText.split('\n').findIndex((l) => l.includes(needle)) + 1;
const EXPECTATION = 'assert.Len(c, nodes, 3)';

before(() => killLeftovers());
after(() => closeBrowser());

function gitInit(workspace: string): void {
  const env = { ...process.env, GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@example.invalid', GIT_COMMITTER_NAME: 'e2e', GIT_COMMITTER_EMAIL: 'e2e@example.invalid' };
  for (const args of [['init', '-q', '-b', 'main'], ['add', 'go.mod', 'integration'], ['commit', '-qm', 'demo']]) execFileSync('git', args, { cwd: workspace, env });
}

/**
 * Shows the hover at the cursor (keyboard: Ctrl+K Ctrl+I) until it contains `text`: the contract
 * result arrives on its own schedule, and a hover shown before it does not update.
 */
async function hoverAtCursor(page: Page, text: string | RegExp, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const hover = page.locator('.monaco-hover:visible').filter({ hasText: text }).first();
    try {
      await hover.waitFor({ timeout: 3_000 });
      const content = (await hover.textContent()) ?? '';
      await page.keyboard.press('Escape');
      return content;
    } catch (error) {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw error;
    }
  }
}

test('1. a weakened expectation is flagged, explained in the hover, restored by the quick fix', async () => {
  await withSession({ name: '15-contract', trusted: true }, async ({ page, workspace }) => {
    gitInit(workspace);
    await openFile(page, routeTest);
    const line = lineOf(EXPECTATION);
    assert.ok(line > 0, 'the demo has the expectation');
    await goToLine(page, line);
    // Replace the 3 before the closing parenthesis with a 2, as someone "fixing" the test would.
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('2');
    await waitForLine(page, 'assert.Len(c, nodes, 2)');

    // The warning arrives on hs-test-contract's own schedule (after typing stops): hover it.
    await page.keyboard.press('ArrowLeft');
    const warning = await hoverAtCursor(page, 'Expected 3 nodes at HEAD, now 2');
    assert.match(warning, /hs-test-contract/);

    // The test name's hover says how its contract changed.
    const testLine = routeText.split('\n').slice(0, line).map((l, i) => ({ l, i })).filter(({ l }) => l.startsWith('func Test')).pop()!;
    await goToLine(page, testLine.i + 1, 'func T'.length + 1);
    const contract = await hoverAtCursor(page, 'Contract changed since HEAD');
    assert.match(contract, /Expected 3 nodes at HEAD, now 2/);

    // Ctrl+. on the changed value offers the restore; applying it brings back the base expectation.
    await goToLine(page, line);
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Control+.');
    const restore = page.locator('.action-widget .monaco-list-row', { hasText: 'Restore the expectation from HEAD' }).first();
    await restore.waitFor({ timeout: 30_000 });
    assert.ok((await page.locator('.action-widget .monaco-list-row', { hasText: 'Explain this contract change' }).count()) > 0);
    // Keyboard, as a user: move the focus to the restore row and press Enter.
    const focused = page.locator('.action-widget .monaco-list-row.focused').first();
    for (let i = 0; i < 12 && !/Restore the expectation from HEAD/.test((await focused.textContent()) ?? ''); i++) await page.keyboard.press('ArrowDown');
    assert.match((await focused.textContent()) ?? '', /Restore the expectation from HEAD/);
    await page.keyboard.press('Enter');
    await waitForLine(page, EXPECTATION);
    assert.ok((await visibleLines(page)).some((l) => l.includes(EXPECTATION)));

    // Problems: the other rules' findings stay, the contract warning is gone.
    await openProblems(page);
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'hi workbench' }).first().waitFor();
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'Expected 3 nodes at HEAD' }).first().waitFor({ state: 'detached', timeout: 30_000 });
  });
});

test('2. a test added since the base without godoc: the scaffold quick fix leaves the cursor on the purpose', async () => {
  await withSession({ name: '15-test-doc', trusted: true }, async ({ page, workspace }) => {
    gitInit(workspace);
    await openFile(page, routeTest);
    // Add a new test at the end of the file, as a contributor would.
    await page.locator('.part.editor .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    // insertText, not type: the editor's bracket auto-closing must not decide the file's shape.
    await page.keyboard.insertText('\nfunc TestRouteExpiry(t *testing.T) {\n}\n');
    await waitForLine(page, 'func TestRouteExpiry(');
    await goToLine(page, routeText.split('\n').length + 1, 'func Test'.length + 1);
    await hoverAtCursor(page, 'TestRouteExpiry has no doc comment (new since HEAD)');
    await page.keyboard.press('Control+.');
    const row = page.locator('.action-widget .monaco-list-row', { hasText: 'Add the godoc scaffold' }).first();
    await row.waitFor({ timeout: 30_000 });
    const focused = page.locator('.action-widget .monaco-list-row.focused').first();
    for (let i = 0; i < 12 && !/Add the godoc scaffold/.test((await focused.textContent()) ?? ''); i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await waitForLine(page, '// The test verifies:');
    // The purpose placeholder is selected: typing replaces it.
    await page.keyboard.type('checks that expired routes are withdrawn from peers');
    await waitForLine(page, '// TestRouteExpiry checks that expired routes are withdrawn from peers.');
    assert.ok((await visibleLines(page)).some((l) => l.startsWith('// - ')));
  });
});
