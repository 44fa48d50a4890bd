/** control_logs indexing: runs, file kinds in reading order, error lines, triage, hostile inputs. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { clearScanCache, RIPGREP_MIN_BYTES, scanFile, scanFiles } from '../../server/src/artifacts/errorScan';
import { findRipgrep } from '../../server/src/artifacts/ripgrep';
import { defaultMarkers, withUserMarkers } from '../../server/src/artifacts/markers';
import { describeRun, listRuns, MAX_MAP_RESPONSE_ROWS, runById, summarizeRun } from '../../server/src/artifacts/runIndex';
import { failureSummary } from '../../server/src/artifacts/failureSummary';
import { groupFiles, mapResponseNodes } from '../../client/src/artifacts/presentation';
import { triage } from '../../server/src/artifacts/triage';
import { repoRoot } from '../support/parser';

const demo = path.join(repoRoot, 'demo', 'control_logs');

/**
 * The problem the scan reports for a file without read permission. Root reads everything, so as
 * root the scan runs in a child process as `nobody` (setpriv), the way a user's editor would.
 */
function unreadableProblem(file: string, rg: string | null): string | undefined {
  const scan = `require(${JSON.stringify(path.join(__dirname, '../../server/src/artifacts/errorScan.js'))}).scanFiles([${JSON.stringify(file)}], require(${JSON.stringify(path.join(__dirname, '../../server/src/artifacts/markers.js'))}).defaultMarkers, 10, ${JSON.stringify(rg)}).then((m) => process.stdout.write(JSON.stringify(m.get(${JSON.stringify(file)}))))`;
  const argv = process.getuid?.() === 0 ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '-e', scan] : [process.execPath, '-e', scan];
  for (let dir = path.dirname(file); dir !== os.tmpdir() && dir !== path.dirname(dir); dir = path.dirname(dir)) fs.chmodSync(dir, 0o755); // nobody may walk to it
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { problem?: string }).problem;
}

test('demo runs: newest first, status, triage with evidence, files in the guide order', async () => {
  const runs = listRuns(demo);
  assert.deepEqual(runs.map((r) => r.id), ['20261125-090144-c0ffee', '20261124-143011-9be04d', '20261124-101502-3fa9c1']);
  assert.equal(runs[1].startedAt, '2026-11-24T14:30:11');
  const [infra, code, passed] = await Promise.all(runs.map((r) => describeRun(r, defaultMarkers)));
  assert.equal(infra.triage, 'infrastructure');
  assert.match(infra.evidence[0].text, /no DNS fallback candidates remain/);
  assert.equal(code.triage, 'code');
  assert.ok(code.evidence.some((e) => e.text.startsWith('panic: ')));
  assert.equal(passed.status, 'passed');
  assert.equal(passed.triage, null);
  assert.equal(code.test, 'TestSubnetRouteACL', 'the demo checkout spells it');
  assert.deepEqual([...new Set(code.files.map((f) => f.kind))], ['hs-stderr', 'hs-stdout', 'ts-stderr', 'ts-stdout', 'mapresponse', 'status', 'netmap', 'database', 'metrics']);
  // Every error line points at exactly that line of its file.
  for (const f of code.files) {
    const lines = f.errorCount ? fs.readFileSync(f.path, 'utf8').split('\n') : [];
    for (const e of f.errors) assert.equal(lines[e.line - 1].slice(0, 500), e.text, `${f.relative}:${e.line}`);
  }
  const hs = code.files.find((f) => f.kind === 'hs-stderr')!;
  assert.deepEqual([...new Set(hs.errors.map((e) => e.marker))].sort(), ['goroutine', 'panic', 'zerolog-error']);
  assert.deepEqual(hs.warnings.map((e) => e.marker), ['zerolog-warn']);
  assert.equal(hs.warningCount, 1);
});

test('append-only rescan resumes, a partial last line is not double counted, user markers work', () => {
  clearScanCache();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-scan-'));
  const file = path.join(dir, 'hs-x-abcdef.stderr.log');
  fs.writeFileSync(file, '2026-01-01T00:00:00Z INF ok\n2026-01-01T00:00:01Z ERR bad thing\n2026-01-01T00:00:02Z ERR partial');
  let r = scanFile(file, defaultMarkers);
  assert.equal(r.errorCount, 2);
  assert.equal(r.lines, 3);
  fs.appendFileSync(file, ' line now complete\n2026-01-01T00:00:03Z FTL fatal\n');
  r = scanFile(file, defaultMarkers);
  assert.equal(r.errorCount, 3, JSON.stringify(r.errors));
  assert.deepEqual(r.errors.map((e) => e.line), [2, 3, 4]);
  assert.equal(r.errors[1].text, '2026-01-01T00:00:02Z ERR partial line now complete');
  const custom = withUserMarkers([{ id: 'mine', pattern: 'ok$', severity: 'warning' }, { id: 'broken', pattern: '(' }]);
  // Changed markers (a settings change) are a cache miss, not the old answer.
  assert.equal(scanFile(file, custom).warningCount, 1);
  assert.equal(scanFile(file, defaultMarkers).warningCount, 0);
});

for (const [scanner, rg] of [['JS scanner', null], ['ripgrep', findRipgrep()]] as const) {
test(`hostile inputs (${scanner}): binary, invalid UTF-8, CRLF, 50 000-character lines, 2 GB sparse file, symlink loop, unreadable and vanished files, empty and missing control_logs`, { skip: scanner === 'ripgrep' && !rg ? 'rg is not installed' : false }, async () => {
  clearScanCache();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-cl-'));
  const run = path.join(root, '20261125-101010-abcdef');
  fs.mkdirSync(run);
  fs.writeFileSync(path.join(run, 'hs-bin-000000.stderr.log'), Buffer.from([1, 2, 0, 3, 0, 0, 4]));
  fs.writeFileSync(path.join(run, 'ts-a-b-111111.stderr.log'), Buffer.concat([Buffer.from('2026/01/01 00:00:00 \xff\xfe garbage \r\n'), Buffer.from([0xc3, 0x28]), Buffer.from(' panic: runtime error\r\n')]));
  fs.writeFileSync(path.join(run, 'ts-a-b-222222.stdout.log'), 'y'.repeat(50_000) + '\nfatal error: concurrent map writes ' + 'x'.repeat(50_000) + '\n');
  const sparse = path.join(run, 'hs-big-333333.stdout.log');
  fs.closeSync(fs.openSync(sparse, 'w'));
  fs.truncateSync(sparse, 2 * 1024 ** 3);
  fs.symlinkSync(run, path.join(run, 'loop'));
  // Big enough for ripgrep (small files are scanned in JS either way); its one error sits mid-file.
  const bigLines = Math.ceil(RIPGREP_MIN_BYTES / 60) + 10;
  const big = path.join(run, 'hs-large-444444.stderr.log');
  fs.writeFileSync(big, Array.from({ length: bigLines }, (_, i) => (i === bigLines >> 1 ? '2026-01-01T00:00:00Z ERR the one error\r' : `2026-01-01T00:00:00Z DBG line ${i} padding padding padding`)).join('\n') + '\n');
  const t0 = Date.now();
  const [d] = await Promise.all(listRuns(root).map((r) => describeRun(r, defaultMarkers, 200, rg)));
  assert.ok(Date.now() - t0 < 5000, 'the sparse file is not read through');
  const byName = Object.fromEntries(d.files.map((f) => [path.basename(f.path), f]));
  assert.equal(byName['hs-bin-000000.stderr.log'].problem, 'binary file: not scanned');
  assert.equal(byName['hs-big-333333.stdout.log'].problem, 'binary file: not scanned');
  assert.equal(byName['ts-a-b-111111.stderr.log'].errorCount, 1);
  assert.ok(!byName['ts-a-b-111111.stderr.log'].errors[0].text.endsWith('\r'), 'CRLF is stripped');
  const long = byName['ts-a-b-222222.stdout.log'];
  assert.equal(long.errorCount, 1);
  assert.equal(long.errors[0].text.length, 500, 'long lines are cut for display');
  assert.ok(!d.files.some((f) => f.relative.startsWith('loop/')), 'symlinks are not followed');
  assert.deepEqual(byName['hs-large-444444.stderr.log'].errors.map((e) => [e.line, e.text]), [[(bigLines >> 1) + 1, '2026-01-01T00:00:00Z ERR the one error']]);
  fs.rmSync(sparse);
  // An unreadable file and one that vanished between listing and scan.
  const unreadable = path.join(run, 'ts-u-555555.stderr.log');
  fs.writeFileSync(unreadable, 'x ERR y\n');
  fs.chmodSync(unreadable, 0);
  const scans = await scanFiles([unreadable, path.join(run, 'vanished.log')], defaultMarkers, 10, rg);
  assert.match(unreadableProblem(unreadable, rg) ?? '', /EACCES|denied/i);
  assert.match(scans.get(path.join(run, 'vanished.log'))!.problem ?? '', /ENOENT/);
  fs.rmSync(run, { recursive: true, force: true });
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-empty-'));
  assert.deepEqual(listRuns(empty), []);
  assert.deepEqual(listRuns(path.join(empty, 'missing')), []);
  assert.equal(scanFile(path.join(empty, 'gone.log'), defaultMarkers).problem, 'cannot read: ENOENT');
});
}

test('cli runs --format json: the documented shape, --max-errors caps per file', () => {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'runs', demo, '--format', 'json', '--max-errors', '1'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const runs = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(runs[0]).sort(), ['files', 'id', 'path', 'sizeBytes', 'startedAt', 'status', 'test', 'triage']);
  assert.ok(runs.every((run: { files: { errors: unknown[] }[] }) => run.files.every((f) => f.errors.length <= 1)));
  const code = runs.find((x: { id: string }) => x.id === '20261124-143011-9be04d');
  assert.equal(code.triage, 'code');
  assert.ok(code.files.find((f: { kind: string }) => f.kind === 'hs-stderr').errorCount >= 3);
  const missing = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'runs', '/no/such/control_logs'], { encoding: 'utf8' });
  assert.equal(missing.status, 2);
});

test('runs without a record: the test name from go test FAIL lines, the duration from the last write', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-norecord-'));
  const id = '20261125-101500-f00d01';
  fs.mkdirSync(path.join(root, id));
  const log = path.join(root, id, 'hs-foo-abcdef.stderr.log');
  fs.writeFileSync(log, 'x\n    --- FAIL: TestFooBar (12.30s)\n');
  // hi wrote its last file 7 minutes 30 seconds after the run id's (local) time.
  const end = new Date(2026, 10, 25, 10, 22, 30);
  fs.utimesSync(log, end, end);
  const [d] = await Promise.all(listRuns(root).map((r) => describeRun(r, defaultMarkers)));
  assert.equal(d.test, 'TestFooBar');
  assert.equal(d.status, 'failed');
  assert.equal(d.durationSeconds, 450);
});

test('every built-in marker finds its line shape (headscale-facts §4, the guide\'s own wording), and plain lines are not errors', () => {
  const samples: Record<string, string> = {
    // The integration-tester guide's infrastructure signatures, verbatim where it quotes them.
    'dns-failure': '2026/11/24 10:33:20 failed to resolve "hs-pingallbyip-jax97k": no DNS fallback candidates remain',
    'container-timeout': 'container creation timeout: ts-3fa9c1-head-0a1b2c did not start within 120s',
    'port-conflict': 'Error starting userland proxy: listen tcp4 0.0.0.0:3478: bind: address already in use',
    'disk-full': '2026-11-24T14:30:41Z ERR hscontrol/db/db.go:221 > failed to write node error="write /tmp/integration_test_db.sqlite3: no space left on device"',
    'docker-daemon': 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
    'memory-limit': 'Container hs-x exceeded memory limit: 1620.3 MB > 1500.0 MB',
    'http2-stream': '2026/11/24 10:33:20 control: http2: stream error: stream ID 3; INTERNAL_ERROR; received from peer',
    'test-timeout': 'panic: test timed out after 15m0s',
    panic: 'panic: runtime error: invalid memory address or nil pointer dereference',
    'fatal-error': 'fatal error: concurrent map writes',
    deadlock: 'POTENTIAL DEADLOCK: Inconsistent locking',
    'zerolog-error': '2026-11-24T14:30:41Z ERR hscontrol/state/state.go:912 > failed to update primary routes error="x"',
    goroutine: 'goroutine 412 [running]:',
    testify: '        \tError Trace:\t/go/src/headscale/integration/route_test.go:110',
    'go-test-fail': '    --- FAIL: TestSubnetRouteACL (312.40s)',
    'ts-health': '2026/11/24 10:33:20 health(warnable=control-health): error: Unable to connect to the Tailscale coordination server',
    'ts-unexpected': '2026/11/24 10:33:20 [unexpected] magicsock: something odd',
    'zerolog-warn': '2026-11-24T14:30:41Z WRN hscontrol/poll.go:330 > node sent update with unknown endpoint',
    'needs-login': '2026/11/24 10:33:20 Switching ipn state Starting -> NeedsLogin',
    'node-key-expired': '2026/11/24 10:33:20 control: netmap: nodeKeyExpired=true',
  };
  assert.deepEqual(Object.keys(samples).sort(), defaultMarkers.map((m) => m.id).sort(), 'a sample per marker');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-markers-'));
  const file = path.join(dir, 'all.log');
  const plain = ['2026-11-24T14:30:41Z INF all good', '2026-11-24T14:30:41Z DBG connection added', '2026/11/24 10:33:20 wgengine: Reconfig done', '2026/11/24 10:33:20 dns: resolved hs-x to 172.18.0.2'];
  fs.writeFileSync(file, [...plain, ...Object.values(samples)].join('\n') + '\n');
  const r = scanFile(file, defaultMarkers);
  const found = [...r.errors, ...r.warnings].sort((a, b) => a.line - b.line);
  assert.deepEqual(found.map((e) => e.marker), Object.keys(samples));
  assert.deepEqual(found.map((e) => e.line), Object.keys(samples).map((_, i) => plain.length + i + 1));
  assert.equal(r.warningCount, defaultMarkers.filter((m) => m.severity === 'warning').length);
  assert.equal(r.warnings.length, r.warningCount);
  assert.equal(found.find((e) => e.marker === 'http2-stream')?.note, 'often a symptom, not the root cause');
});

test('triage: each infrastructure signature wins unless a panic says code; HTTP/2 stream errors decide nothing; evidence names file and line', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-triage-'));
  let n = 0;
  const tallies = (...lines: string[]) => {
    const file = path.join(dir, `hs-x-${String(++n).padStart(6, '0')}.stderr.log`);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    return [{ file: path.basename(file), markers: scanFile(file, defaultMarkers).markers }];
  };
  const infra = [
    'failed to resolve "hs-pingallbyip-jax97k": no DNS fallback candidates remain',
    'container creation timeout: ts-3fa9c1-head-0a1b2c did not start within 120s',
    'listen tcp :8080: bind: address already in use',
    'write /tmp/x: no space left on device',
    'MEMORY LIMIT VIOLATIONS DETECTED:',
    'Error response from daemon: conflict',
    'Cannot connect to the Docker daemon at unix:///var/run/docker.sock',
  ];
  for (const text of infra) {
    const t = triage(tallies('2026-11-24T14:30:41Z ERR something else', text), defaultMarkers);
    assert.equal(t.triage, 'infrastructure', text);
    assert.equal(t.evidence[0].line, 2, text);
    assert.equal(t.evidence[0].text, text);
  }
  assert.equal(triage(tallies(infra[0], 'panic: runtime error: index out of range'), defaultMarkers).triage, 'code', 'a panic is always code');
  for (const text of ['2026-11-24T14:30:41Z ERR failed', '    --- FAIL: TestX (1.0s)', '\tError Trace:\troute_test.go:110', 'Condition never satisfied', 'panic: test timed out after 15m0s']) assert.equal(triage(tallies(text), defaultMarkers).triage, 'code', text);
  const symptom = triage(tallies('2026/11/24 10:33:20 http2: stream error: stream ID 3; INTERNAL_ERROR'), defaultMarkers);
  assert.equal(symptom.triage, 'unknown');
  assert.equal(symptom.evidence[0].note, 'often a symptom, not the root cause');
  assert.deepEqual(triage([], defaultMarkers), { triage: 'unknown', evidence: [] });
});

test('a run with more map responses than MAX_MAP_RESPONSE_ROWS: the first rows, every node folder counted, nothing else left out', async () => {
  const logs = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-mapresponses-'));
  const id = '20261201-110000-abcdef';
  const dir = path.join(logs, id);
  const perNode = { '1': 300, '2': 450, '10': 20 };
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'hs-many-abcdef.stderr.log'), '2026-12-01T11:00:00Z ERR boom\n');
  fs.writeFileSync(path.join(dir, 'ts-a-abcdef.stderr.log'), 'ok\n');
  for (const [node, n] of Object.entries(perNode)) {
    fs.mkdirSync(path.join(dir, 'mapresponses', node), { recursive: true });
    for (let i = 0; i < n; i++) fs.writeFileSync(path.join(dir, 'mapresponses', node, `2026-12-01T11-00-00.${String(i).padStart(6, '0')}-change.json`), '{}');
  }
  try {
    const run = runById(logs, id)!;
    const total = 2 + Object.values(perNode).reduce((a, b) => a + b, 0);
    for (const view of [await describeRun(run, defaultMarkers), await summarizeRun(run)]) {
      assert.equal(view.files.filter((f) => f.kind === 'mapresponse').length, MAX_MAP_RESPONSE_ROWS);
      assert.deepEqual(view.files.filter((f) => f.kind !== 'mapresponse').map((f) => f.relative), ['hs-many-abcdef.stderr.log', 'ts-a-abcdef.stderr.log']);
      // Counted from the disk, in node order, as the Runs view shows them.
      const onDisk = fs.readdirSync(path.join(dir, 'mapresponses')).map((node) => ({ node, dir: path.join(dir, 'mapresponses', node), count: fs.readdirSync(path.join(dir, 'mapresponses', node)).length }));
      assert.deepEqual(view.mapResponseFolders, onDisk.sort((a, b) => Number(a.node) - Number(b.node)));
      assert.equal(view.files.length + view.unlistedFiles!, total);
      assert.equal(view.status, 'failed'); // the bulky files still say so
      const group = groupFiles(view).find((g) => g.id === 'mapresponses')!;
      assert.deepEqual(mapResponseNodes(view, group.files).map((m) => m.count), [300, 450, 20]);
    }
    assert.match(failureSummary(await describeRun(run, defaultMarkers)).text, new RegExp(`in ${total} files`));
  } finally {
    fs.rmSync(logs, { recursive: true, force: true });
  }
});
