/**
 * Issue 6 in a real VS Code against the real dockerd: the Containers view shows seeded hi runs
 * grouped (and hides a foreign container), and "Clean leftovers" asks for confirmation, then
 * removes exactly the exited hi containers and their unused network; a failed environment check
 * holds a run back.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { containerNames, docker, networkNames, removeSeed, requireDocker, seedHiContainers, type Seed } from '../support/dockerSeed';
import { closeBrowser, killLeftovers, withSession } from './harness';
import { CONTAINER_ROWS, expandRow, openFile, RUNS_ROWS, runCommand, showHiWorkbench, webviewText } from './workbench';

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
    await showHiWorkbench(page);
    const rows = CONTAINER_ROWS;
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

test('15. a running test\'s containers appear live under its run; a failure kept with --keep-on-failure offers to remove them with one confirmation', async () => {
  const tag = randomBytes(3).toString('hex');
  try {
    await withSession({ name: '15-run-containers', trusted: true, env: { HI_STANDIN_DOCKER: '1', HI_STANDIN_SEED: tag, HI_STANDIN_MODE: 'fail', HI_STANDIN_SECONDS: '12' } }, async ({ page, workspace }) => {
      fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'headscale.hi.command': ['node', 'cmd/hi/standin.js'], 'headscale.hi.extraArgs': ['--keep-on-failure'] }, null, 2));
      await showHiWorkbench(page);
      await openFile(page, 'integration/route_test.go');
      const lens = page.locator('.codelens-decoration a', { hasText: '▶ Run with hi (1200s)' }).first();
      await lens.waitFor({ timeout: 60_000 });
      await lens.click();
      // hi printed its run id and started containers: the Containers view shows the run, active.
      const group = page.locator(CONTAINER_ROWS, { hasText: /run \d{8}-\d{6}-[0-9a-f]{6}/ }).filter({ hasText: '2 running · active' }).filter({ hasNotText: seed!.runB }).first();
      await group.waitFor({ timeout: 60_000 });
      const runId = /run (\d{8}-\d{6}-[0-9a-f]{6})/.exec((await group.textContent()) ?? '')![1];
      // The same containers sit under the running run in the Runs view.
      await expandRow(page, RUNS_ROWS, 'running');
      await page.locator(RUNS_ROWS, { hasText: 'Docker containers' }).filter({ hasText: '2 containers · 2 running' }).first().waitFor({ timeout: 30_000 });
      // The test fails and --keep-on-failure keeps its containers: hi workbench offers to remove them.
      const offer = page.locator('.notification-toast', { hasText: `2 container(s) of run ${runId} were left behind` });
      await offer.waitFor({ timeout: 60_000 });
      await offer.getByRole('button', { name: 'Remove…' }).click();
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.filter({ hasText: `headscale-test-suite-${runId}` }).waitFor({ timeout: 30_000 });
      // hi has exited (its runner container stopped): what still runs is left behind, not an active run.
      await page.locator(CONTAINER_ROWS, { hasText: runId }).filter({ hasText: 'left behind (hi has exited)' }).first().waitFor({ timeout: 30_000 });
      await dialog.getByRole('button', { name: 'Remove', exact: true }).click();
      // So one confirmation is enough: no second "running (an active run)" question.
      await page.locator('.notification-toast', { hasText: /Removed 2 containers/ }).waitFor({ timeout: 60_000 });
      assert.equal(await dialog.filter({ hasText: 'running (an active run)' }).count(), 0);
      assert.deepEqual(await docker.listContainers({ all: true, filters: { label: [`hi.run-id=${runId}`] } }), []);
    });
  } finally {
    await removeSeed(tag);
  }
});
