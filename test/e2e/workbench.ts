/** Small driver for the VS Code workbench DOM: what a user does with the keyboard and mouse. */
import type { Page } from 'playwright-core';

/** The text editor's lines; other Monaco widgets (filter boxes, inputs) also have `.view-lines`. */
export const EDITOR_LINES = '.part.editor .monaco-editor .view-lines';

export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}

export async function openFile(page: Page, relativePath: string): Promise<void> {
  const name = relativePath.split('/').pop()!;
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(relativePath);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator(`.tab.active[aria-label*="${name}"]`).waitFor();
  await page.locator(EDITOR_LINES).first().waitFor();
}

export async function goToLine(page: Page, line: number, column?: number): Promise<void> {
  await page.locator(EDITOR_LINES).first().click();
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  // Go to Line is quick access with a ':' prefix; filling replaces it, so type it back.
  await input.fill(`:${line}${column === undefined ? '' : `:${column}`}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  // Arrow keys pressed to place the cursor while the focus is still coming back from the input
  // can be lost (a hover then asked at the wrong column for a minute): the column is given
  // instead, and the status bar says when the cursor is there.
  if (column !== undefined) await page.locator('.statusbar-item', { hasText: `Ln ${line}, Col ${column}` }).first().waitFor({ timeout: 30_000 });
}

/** Waits until a visible editor line contains `text` (spaces normalised, as visibleLines reads them). */
export async function waitForLine(page: Page, text: string, timeoutMs?: number): Promise<void> {
  await page.waitForFunction(
    (want) => [...document.querySelectorAll('.monaco-editor .view-line')].some((l) => (l.textContent ?? '').replace(/\u00a0/g, ' ').includes(want)),
    text,
    timeoutMs === undefined ? undefined : { timeout: timeoutMs },
  );
}

/** The text of the visible editor lines (spaces normalised). */
export async function visibleLines(page: Page): Promise<string[]> {
  const texts = await page.locator('.monaco-editor .view-lines .view-line').allTextContents();
  return texts.map((t) => t.replace(/\u00a0/g, ' '));
}

/** Opens the Problems panel maximised: its list is virtualised, so only rendered rows can be read. */
export async function openProblems(page: Page): Promise<void> {
  await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel').waitFor();
  await runCommand(page, 'View: Toggle Maximized Panel');
  await page.locator('.part.panel.maximized, .monaco-workbench .part.panel').first().waitFor();
}

/** The Problems panel's rows (problems and their related-information children). */
export async function problemRows(page: Page): Promise<string[]> {
  return page.locator('.markers-panel .monaco-list-row').allTextContents();
}

/**
 * The text of the first webview frame that satisfies `ready`. Webviews (markdown preview, our
 * viewers) live in nested frames that no single locator spans, so this re-checks the frames on each
 * animation frame of the page until one matches or the timeout passes.
 */
export async function webviewText(page: Page, ready: (text: string) => boolean, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      const text = await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '');
      if (ready(text)) return text;
    }
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(undefined))));
  }
  throw new Error(`no webview frame became ready within ${timeoutMs} ms`);
}

/** Rows of the hi workbench sidebar's Runs and Containers views (they share the sidebar). */
export const RUNS_ROWS = '.part.sidebar .pane:has(.pane-header[aria-label^="Runs"]) .monaco-list-row';
export const CONTAINER_ROWS = '.part.sidebar .pane:has(.pane-header[aria-label^="Containers"]) .monaco-list-row';

/** Opens the hi workbench sidebar (its activity-bar icon). */
export async function showHiWorkbench(page: Page): Promise<void> {
  await page.locator('.part.activitybar .action-item a[aria-label^="hi workbench"]').click({ timeout: 60_000 });
}

/** Expands a tree row through its twistie (a click on the label of a file row opens the file instead). */
export async function expandRow(page: Page, rows: string, text: string | RegExp): Promise<void> {
  // Only rows with children (e.g. the triage row's description also names a log).
  const row = page.locator(rows, { hasText: text }).filter({ has: page.locator('.monaco-tl-twistie.collapsible') }).first();
  await row.waitFor({ timeout: 30_000 });
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.locator('.monaco-tl-twistie').click();
  await page.waitForFunction((el) => el?.getAttribute('aria-expanded') === 'true', await row.elementHandle(), { timeout: 30_000 });
}
