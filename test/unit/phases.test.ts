/** Phase plans from the categories of the demo's real tests, settings edits, and the summary table. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { defaultPhases, normalizePhases, planPhases } from '../../shared/src/phases';
import type { TestCategory } from '../../shared/src/settings';
import { renderPhaseSummary } from '../../client/src/runner/runPages';
import { repoRoot } from '../support/parser';

/** The demo's tests with the categories the lens gives them (through the CLI, as classified for real). */
function demoTests(): { name: string; category: TestCategory }[] {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'tests', path.join(repoRoot, 'demo', 'integration'), '--format', 'json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const labels: Record<string, TestCategory> = { 'long-running': 'long', 'HA/failover': 'ha', 'auth/OIDC': 'auth', 'route/ACL': 'route', 'basic/CLI': 'basic' };
  return (JSON.parse(r.stdout) as { name: string; category: string }[]).filter((t) => !t.name.includes('/')).map((t) => ({ name: t.name, category: labels[t.category] }));
}

test('the guide\'s phases: route and basic first, HA and long next, auth last; every test once', () => {
  const tests = demoTests();
  const plan = planPhases(tests, defaultPhases);
  const names = plan.map((p) => p.tests.map((t) => t.name));
  for (const t of tests) {
    const where = plan.findIndex((p) => p.tests.some((x) => x.name === t.name));
    const expected = t.name === 'TestOIDCExpireNodesBasedOnTokenExpiry' ? 2 : { route: 0, basic: 0, ha: 1, long: 1, auth: 2 }[t.category];
    assert.equal(where, expected, `${t.name} (${t.category}) in phase ${where + 1}`);
  }
  assert.equal(names.flat().length, new Set(names.flat()).size, 'no test twice');
  assert.ok(names[0].includes('TestEnablingRoutes') && names[2].includes('TestOIDCAuthenticationPingAll'));
});

test('phases from settings: explicit names win, unknown categories and malformed entries are dropped', () => {
  const phases = normalizePhases([{ name: 'Two tests', categories: [], tests: ['TestB', 'TestA'] }, { name: 'Rest', categories: ['route', 'nonsense'] }, { categories: ['auth'] }, 42]);
  assert.deepEqual(phases.map((p) => [p.name, p.categories, p.tests]), [['Two tests', [], ['TestB', 'TestA']], ['Rest', ['route'], []]]);
  const plan = planPhases([{ name: 'TestA', category: 'route' }, { name: 'TestB', category: 'auth' }, { name: 'TestC', category: 'route' }], phases);
  assert.deepEqual(plan.map((p) => p.tests.map((t) => t.name)), [['TestA', 'TestB'], ['TestC']]);
  assert.equal(normalizePhases('nope'), defaultPhases);
});

test('the phase summary: test, result, duration, triage and a link per run, escaped', () => {
  const html = renderPhaseSummary('Phase 1', [
    { test: 'TestA', status: 'passed', durationSeconds: 61, triage: null, runId: '20261125-120000-abcdef', runDir: '/c/20261125-120000-abcdef' },
    { test: 'TestB<x>', status: 'failed', durationSeconds: 842, triage: 'infrastructure', runId: '20261125-121000-abcdef', runDir: '/c/20261125-121000-abcdef' },
    { test: 'TestC', status: 'skipped', durationSeconds: null, triage: null, runId: null, runDir: null },
  ], 'n');
  assert.match(html, /1 of 3 passed · 15m03s in all/);
  assert.match(html, /<td>TestB&lt;x&gt;<\/td><td class="failed">✗ failed<\/td><td class="num">14m02s<\/td><td>infrastructure<\/td><td><a href="command:hi.revealRun\?/);
  assert.match(html, /<td>TestC<\/td><td class="skipped">– skipped<\/td><td class="num">—<\/td><td>—<\/td><td>—<\/td>/);
  assert.ok(!/<script/i.test(html));
});
