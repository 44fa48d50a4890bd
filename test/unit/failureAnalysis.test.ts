/**
 * Failure analysis on realistic runs (test/support/runGenerator.ts): 100 000-line headscale logs
 * with ~10 % WRN noise and the errors late, several clients, hundreds of map responses. Every
 * expectation comes from what the generator wrote, never from a hard-coded answer.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { clearScanCache, scanFile, scanFiles } from '../../server/src/artifacts/errorScan';
import { defaultMarkers } from '../../server/src/artifacts/markers';
import { findRipgrep } from '../../server/src/artifacts/ripgrep';
import { describeRun, runById } from '../../server/src/artifacts/runIndex';
import { generateRun, type GeneratedRun, type Variant } from '../support/runGenerator';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-noisy-'));
const controlLogs = path.join(root, 'control_logs');
const variants: Variant[] = ['panic', 'testify', 'dns', 'container-timeout', 'port-conflict', 'init-stall', 'disk-full'];
let runs: GeneratedRun[] = [];

before(() => {
  // The panic run has no run record: its name comes from the checkout's hsic.WithTestName call.
  fs.mkdirSync(path.join(root, 'integration'));
  fs.writeFileSync(path.join(root, 'integration', 'route_test.go'), 'package integration\n\nfunc TestHASubnetRouterFailover(t *testing.T) {\n\tIntegrationSkip(t)\n\terr = scenario.CreateHeadscaleEnv(nil, hsic.WithTestName("rt-hafailover"))\n}\n');
  runs = variants.map((variant, i) => generateRun(controlLogs, { variant, seed: i + 1, record: variant !== 'panic', ...(variant === 'panic' ? { fragment: 'rt-hafailover' } : {}) }));
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

for (const [scanner, rg] of [['JS scanner', null], ['ripgrep', findRipgrep()]] as const) {
  test(`noisy runs (${scanner}): every error line is in its file's error tier, counts are exact, triage is right`, { skip: scanner === 'ripgrep' && !rg ? 'rg is not installed' : false }, async () => {
    clearScanCache();
    for (const g of runs) {
      const d = await describeRun(runById(controlLogs, g.id)!, defaultMarkers, 200, rg);
      for (const [file, lines] of Object.entries(g.errorLines)) {
        const f = d.files.find((x) => x.relative === file);
        assert.ok(f, `${g.variant}: ${file} listed`);
        assert.deepEqual(f.errors.map((e) => e.line), lines, `${g.variant}: ${file} error tier`);
        assert.equal(f.errorCount, lines.length, `${g.variant}: ${file} error count`);
        assert.equal(f.warningCount, g.warningCounts[file], `${g.variant}: ${file} warning count`);
        assert.ok(f.warnings.length <= 200 && f.warnings.every((w) => w.severity === 'warning'));
      }
      assert.equal(d.triage, g.expectedTriage, `${g.variant}: triage ${JSON.stringify(d.evidence)}`);
      assert.ok(d.evidence.length > 0, `${g.variant}: evidence`);
      assert.equal(d.test, g.test, `${g.variant}: named by its test`);
    }
  });
}

test('a panic run: the panic is code even with thousands of warnings before it, and its evidence is the panic line', async () => {
  const g = runs[variants.indexOf('panic')];
  const d = await describeRun(runById(controlLogs, g.id)!, defaultMarkers, 200, null);
  const hs = d.files.find((f) => f.kind === 'hs-stderr')!;
  assert.ok(hs.warningCount > 5000, `noise: ${hs.warningCount} warnings`);
  assert.equal(d.evidence[0].marker, 'panic');
  assert.match(d.evidence[0].text, /^panic: runtime error/);
});

test('infrastructure evidence uses the guide\'s signatures; a stalled initialisation is found without a message', async () => {
  const byVariant = async (v: Variant) => describeRun(runById(controlLogs, runs[variants.indexOf(v)].id)!, defaultMarkers, 200, null);
  assert.match((await byVariant('dns')).evidence[0].text, /failed to resolve "hs-[^"]+": no DNS fallback candidates remain/);
  assert.match((await byVariant('container-timeout')).evidence[0].text, /container creation timeout: ts-\S+ did not start within 120s/);
  assert.match((await byVariant('port-conflict')).evidence[0].text, /bind: address already in use/);
  assert.match((await byVariant('disk-full')).evidence[0].text, /no space left on device/);
  const stall = await byVariant('init-stall');
  assert.equal(stall.evidence[0].marker, 'init-stall');
  assert.match(stall.evidence[0].text, /no log progress for \d+m\d\ds during initialisation/);
});

test('one scan serves every cap: the cache is keyed by content, a changed file is rescanned, a growing log does not stall the scan', () => {
  clearScanCache();
  const g = runs[variants.indexOf('testify')];
  const t0 = performance.now();
  const full = scanFile(g.hsLog, defaultMarkers);
  const first = performance.now() - t0;
  const t1 = performance.now();
  const few = scanFile(g.hsLog, defaultMarkers, 1);
  const many = scanFile(g.hsLog, defaultMarkers, 1000);
  const cached = performance.now() - t1;
  assert.equal(few.errors.length, 1);
  assert.deepEqual(many.errors, full.errors);
  assert.equal(few.errorCount, full.errorCount, 'counts do not depend on the cap');
  assert.ok(cached < first, `served from the cache (${cached.toFixed(1)} ms vs ${first.toFixed(1)} ms)`);
  // Same size, new mtime (a rewritten file): a fresh scan, not the old answer.
  const text = fs.readFileSync(g.hsLog, 'utf8').replace(/ ERR /, ' INF ');
  fs.writeFileSync(g.hsLog, text);
  fs.utimesSync(g.hsLog, new Date(), new Date(Date.now() + 5000));
  assert.equal(scanFile(g.hsLog, defaultMarkers).errorCount, full.errorCount - 1);
});

test('a log that grows while it is scanned: the scan stops at the size it saw and the next one resumes', async () => {
  clearScanCache();
  const file = path.join(root, 'growing.stderr.log');
  fs.writeFileSync(file, '2026-11-24T10:00:00Z ERR first\n'.repeat(1000));
  const fd = fs.openSync(file, 'a');
  let writes = 0;
  const writer = setInterval(() => {
    fs.writeSync(fd, '2026-11-24T10:00:01Z ERR more\n'.repeat(1000));
    writes++;
  }, 1);
  const scans = await scanFiles([file], defaultMarkers, undefined, null);
  clearInterval(writer);
  fs.closeSync(fd);
  const r = scans.get(file)!;
  assert.ok(r.errorCount >= 1000, 'it finished');
  const later = scanFile(file, defaultMarkers);
  assert.equal(later.errorCount, 1000 + writes * 1000, 'the appended lines are picked up next time');
});
