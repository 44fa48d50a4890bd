/**
 * Issue 6 in a real VS Code against the real dockerd: the Containers view shows seeded hi runs
 * grouped (and hides a foreign container), and "Clean leftovers" asks for confirmation, then
 * removes exactly the exited hi containers and their unused network; a failed environment check
 * holds a run back.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { containerNames, networkNames, removeSeed, requireDocker, seedHiContainers, type Seed } from '../support/dockerSeed';
import { closeBrowser, killLeftovers, withSession } from './harness';
import { openFile, runCommand, webviewText } from './workbench';

let seed: Seed | undefined;
before(async () => {
  killLeftovers();
  await requireDocker();
  seed = await seedHiContainers();
});
after(async () => {
  if (seed) await removeSeed(seed.tag);
  await closeBrowser();
});

test('13. the Containers view groups seeded hi runs; Clean leftovers confirms and removes exactly the exited hi containers', async () => {
  const s = seed!;
  await withSession({ name: '13-containers', trusted: true }, async ({ page }) => {
    await page.locator('.part.activitybar .action-item a[aria-label^="hi workbench"]').click({ timeout: 60_000 });
    const rows = '.part.sidebar .pane:has(.pane-header[aria-label^="Containers"]) .monaco-list-row';
    const row = (text: string) => page.locator(rows, { hasText: text }).first();
    await row(`run ${s.runB}`).waitFor({ timeout: 60_000 });
    assert.match((await row(`run ${s.runB}`).textContent()) ?? '', /2 containers · 2 running · active/);
    await row(`run ${s.runA}`).waitFor();
    assert.match((await row(`run ${s.runA}`).textContent()) ?? '', /5 containers/);
    // The active run is expanded: its containers show role and state.
    assert.match((await row(s.names.runB[1]).textContent()) ?? '', /tailscale · running/);
    await row('Unlabelled hi containers').waitFor();
    assert.equal(await page.locator(rows, { hasText: 'keepme' }).count(), 0, 'foreign containers are never listed');

    // A container's logs open as a log document (the unlabelled one echoed a line and exited).
    await row(s.names.unlabelled[0]).click();
    await page.locator(`.tab.active[aria-label*="${s.names.unlabelled[0]}.log"]`).waitFor({ timeout: 30_000 });
    await page.locator('.part.editor .view-lines', { hasText: `bye from ${s.names.unlabelled[0]}` }).waitFor({ timeout: 30_000 });
    await page.locator('.statusbar-item', { hasText: 'hi control log' }).first().waitFor();

    await runCommand(page, 'hi: Clean Leftover Containers…');
    // The extras (cache volumes, images) are opt-in: accept none.
    await page.locator('.quick-input-widget', { hasText: 'Clean leftovers: also remove' }).waitFor();
    await page.keyboard.press('Enter');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    const listed = (await dialog.textContent()) ?? '';
    for (const n of [...s.names.runA, ...s.names.unlabelled, s.networks.runA]) assert.ok(listed.includes(n), `${n} is listed`);
    for (const n of [...s.names.runB, ...s.names.foreign, s.networks.foreign, s.networks.runB]) assert.ok(!listed.includes(n), `${n} is not listed`);
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await page.locator('.notification-toast', { hasText: /Clean leftovers: Removed \d+ containers/ }).waitFor({ timeout: 60_000 });
    const left = await containerNames();
    for (const n of [...s.names.runA, ...s.names.unlabelled]) assert.ok(!left.includes(n), `${n} removed`);
    for (const n of [...s.names.runB, ...s.names.foreign]) assert.ok(left.includes(n), `${n} kept`);
    const nets = await networkNames();
    assert.ok(!nets.includes(s.networks.runA) && nets.includes(s.networks.runB) && nets.includes(s.networks.foreign));
    await row(`run ${s.runA}`).waitFor({ state: 'detached', timeout: 30_000 });
  });
});

test('14. a failed environment check stops a run before it starts: "Fix" opens the report, nothing runs', async () => {
  await withSession({ name: '14-env-check', trusted: true, env: { HI_STANDIN_SECONDS: '1' } }, async ({ page, workspace }) => {
    // More free disk than any machine has: the disk checks fail.
    const settings = path.join(workspace, '.vscode', 'settings.json');
    fs.writeFileSync(settings, JSON.stringify({ 'headscale.hi.command': ['node', 'cmd/hi/standin.js'], 'headscale.docker.minFreeGB': 1e9 }, null, 2));
    const before = fs.readdirSync(path.join(workspace, 'control_logs')).sort();
    await openFile(page, 'integration/route_test.go');
    const lens = page.locator('.codelens-decoration a', { hasText: '▶ Run with hi (1200s)' }).first();
    await lens.waitFor({ timeout: 60_000 });
    await lens.click();
    const toast = page.locator('.notification-toast', { hasText: /Before running TestEnablingRoutes: .*Free disk/ });
    await toast.waitFor({ timeout: 30_000 });
    await toast.getByRole('button', { name: 'Fix' }).click();
    const report = await webviewText(page, (t) => t.includes('Docker environment') && t.includes('Free disk (workspace)'));
    assert.match(report, /threshold 1000000000 GB/);
    assert.deepEqual(fs.readdirSync(path.join(workspace, 'control_logs')).sort(), before, 'no run was started');
  });
});
