/**
 * Failure analysis on realistic runs (test/support/runGenerator.ts): 100 000-line headscale logs
 * with ~10 % WRN noise and the errors late, several clients, hundreds of map responses. Every
 * expectation comes from what the generator wrote, never from a hard-coded answer.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { clearScanCache, scanFile, scanFiles } from '../../server/src/artifacts/errorScan';
import { failureSummary } from '../../server/src/artifacts/failureSummary';
import { defaultMarkers, withUserMarkers } from '../../server/src/artifacts/markers';
import { findRipgrep } from '../../server/src/artifacts/ripgrep';
import { describeRun, describeRuns, listRuns, runById, runLogs } from '../../server/src/artifacts/runIndex';
import { searchRun } from '../../server/src/artifacts/runSearch';
import { timeline } from '../../server/src/artifacts/timeline';
import { MAX_FRAMES, readPanic } from '../../server/src/artifacts/panicTrace';
import { clearLineIndex, lineAt, offsetOfLine } from '../../server/src/artifacts/lineIndex';
import { lineTime } from '../../server/src/artifacts/timestamps';
import { diffMapResponses } from '../../server/src/artifacts/viewers/mapResponseDiff';
import { mapResponseTimeline } from '../../server/src/artifacts/viewers/mapResponses';
import { DEBUG_FLOWS } from '../../shared/src/debugFlows';
import { repoRoot } from '../support/parser';
import { codeRefs } from '../../shared/src/codeRefs';
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

test('describeRuns: many runs in one scan give what describing each alone gives (ripgrep and JS)', async () => {
  for (const rg of [null, findRipgrep()]) {
    clearScanCache();
    const all = listRuns(controlLogs);
    const together = await describeRuns(all, defaultMarkers, 200, rg);
    clearScanCache();
    const alone = [];
    for (const run of all) alone.push(await describeRun(run, defaultMarkers, 200, rg));
    assert.deepEqual(together, alone, rg ?? 'JS scanner');
  }
});

test('a line counts under the first marker it matches, whichever scanner: an infrastructure signature in a WRN line is an error, a user error marker after the warnings is not', async () => {
  const dir = fs.mkdtempSync(path.join(root, 'order-'));
  const file = path.join(dir, 'hs-order-abcdef.stderr.log');
  const wrnHttp2 = '2026-11-24T10:00:00Z WRN hscontrol/poll.go:402 > http2: stream error: stream ID 3; INTERNAL_ERROR';
  const wrnUser = '2026-11-24T10:00:00Z WRN hscontrol/poll.go:318 > keepalive missed custom-boom';
  // Over ripgrep's threshold, so rg reads it; the JS scanner reads the same file.
  const filler = Array.from({ length: 12_000 }, (_, i) => `2026-11-24T10:00:00Z DBG hscontrol/mapper/batcher.go:312 > generated map response node.id=${i}`);
  fs.writeFileSync(file, [...filler, wrnHttp2, wrnUser, 'custom-boom alone'].join('\n') + '\n');
  const markers = withUserMarkers([{ id: 'custom', pattern: 'custom-boom', severity: 'error' }]);
  for (const rg of [null, findRipgrep()]) {
    clearScanCache();
    const r = (await scanFiles([file], markers, undefined, rg)).get(file)!;
    const label = rg ?? 'JS scanner';
    assert.deepEqual(r.errors.map((e) => [e.line, e.marker]), [[12_001, 'http2-stream'], [12_003, 'custom']], label);
    assert.deepEqual(r.warnings.map((e) => [e.line, e.marker]), [[12_002, 'zerolog-warn']], label);
    assert.deepEqual([r.errorCount, r.warningCount], [2, 1], label);
  }
});

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
  // A copy: the run itself stays as generated for the other tests.
  const g = { hsLog: path.join(root, 'copy-hs.stderr.log') };
  fs.copyFileSync(runs[variants.indexOf('testify')].hsLog, g.hsLog);
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

test('failure summary: the failing test with its testify message, triage evidence, the first headscale error, client errors, duration and size, with links', async () => {
  for (const g of runs) {
    const d = await describeRun(runById(controlLogs, g.id)!, defaultMarkers, 1000, null);
    const s = failureSummary(d);
    const lines = s.text.split('\n');
    const sections = lines.filter((l) => l.startsWith('## '));
    assert.deepEqual(sections.map((l) => l.replace(/:.*/, '')), ['## Failing tests', '## Triage', '## Headscale server log', '## Client logs', '## Size'], g.variant);
    assert.ok(s.title.startsWith(g.test), `${g.variant}: named by its test`);
    if (g.variant !== 'panic') assert.ok(lines.some((l) => l.includes('route_test.go:1322: ')), `${g.variant}: the testify failure from the record`);
    assert.ok(lines.includes(`## Triage: ${g.expectedTriage}`), g.variant);
    if (g.firstHsError) {
      const at = lines.indexOf('  first error:');
      assert.ok(at > 0, g.variant);
      assert.ok(lines[at + 1].includes(`:${g.firstHsError.line}  `) && lines[at + 1].includes(g.firstHsError.text.slice(0, 60)), `${g.variant}: ${lines[at + 1]}`);
      // Its link opens exactly that line of the server log; its caller links to the source.
      const logLink = s.links.find((l) => l.line === at + 1 && l.target.path === g.hsLog);
      assert.equal(logLink?.target.line, g.firstHsError.line);
      const caller = /(hscontrol\/\S+\.go):(\d+) >/.exec(g.firstHsError.text);
      if (caller) assert.ok(s.links.some((l) => l.line === at + 1 && l.target.path === path.join(root, caller[1]) && l.target.line === Number(caller[2]) && !l.target.inWorkspace), `${g.variant}: caller link`);
    }
    for (const l of s.links) assert.equal(lines[l.line].slice(l.start, l.end).split(':').pop(), String(l.target.line), `${g.variant}: link text ends in its line`);
    // Without a record (the panic run) and written long after its id's time, no duration is claimed.
    assert.match(lines[1], g.variant === 'panic' ? /started [^,]+, \d+(\.\d)? [KM]B in \d+ files$/ : /ran \d+m\d\ds, \d+(\.\d)? [KM]B in \d+ files$/);
  }
});

test('failure summary of a panic late in a 100 000-line noisy log: the message and the panicking goroutine\'s top frames, each linked to the source', async () => {
  const g = runs[variants.indexOf('panic')];
  const expected = g.panic!;
  // One frame's file is in the workspace, so its link opens it; the others say they are not.
  const inWorkspace = expected.frames[0].file;
  fs.mkdirSync(path.join(root, path.dirname(inWorkspace)), { recursive: true });
  fs.writeFileSync(path.join(root, inWorkspace), 'package mapper\n');
  for (const [scanner, rg] of [['JS scanner', null], ['ripgrep', findRipgrep()]] as const) {
    if (scanner === 'ripgrep' && !rg) continue;
    clearScanCache();
    clearLineIndex();
    const d = await describeRun(runById(controlLogs, g.id)!, defaultMarkers, 1000, rg);
    const s = failureSummary(d);
    const lines = s.text.split('\n');
    const at = lines.findIndex((l) => l.startsWith('  crashed (the goroutine that panicked'));
    assert.ok(at > lines.indexOf('## Headscale server log') && at < lines.indexOf('  first error:'), `${scanner}: the crash opens the server log section`);
    const hs = path.basename(g.hsLog);
    for (const [i, text] of expected.message.entries()) assert.equal(lines[at + 1 + i], `    ${hs}:${expected.line + i}  ${text}`, `${scanner}: message line ${i}`);
    const header = at + 1 + expected.message.length;
    assert.equal(lines[header], `    ${hs}:${expected.goroutine.line}  ${expected.goroutine.text}`);
    for (const [i, f] of expected.frames.entries()) {
      assert.equal(lines[header + 1 + 2 * i], `      ${f.createdBy ? 'created by ' : ''}${f.func}`, `${scanner}: frame ${i} function`);
      const row = header + 2 + 2 * i;
      assert.match(lines[row], new RegExp(`^        /go/src/headscale/${f.file.replace(/\./g, '\\.')}:${f.line} \\+0x[0-9a-f]+$`), `${scanner}: frame ${i} location`);
      const link = s.links.find((l) => l.line === row);
      assert.ok(link, `${scanner}: frame ${i} is linked`);
      assert.equal(lines[row].slice(link.start, link.end), `/go/src/headscale/${f.file}:${f.line}`);
      assert.deepEqual(link.target, { path: path.join(root, f.file), line: f.line, inWorkspace: f.file === inWorkspace });
    }
    const block = lines.slice(at, lines.indexOf('  first error:'));
    assert.equal(block.length, 2 + expected.message.length + 2 * expected.frames.length, `${scanner}: only the panicking goroutine`);
    assert.ok(!block.some((l) => l.includes('goroutine 1 [select]') || l.includes('app.go')), `${scanner}: no other goroutine`);
  }
});

test('panic traces: re-panics, interleaved log lines, a cut log, many frames, not a panic', () => {
  const dir = fs.mkdtempSync(path.join(root, 'panic-'));
  const write = (name: string, lines: string[]) => {
    fs.writeFileSync(path.join(dir, name), lines.join('\n') + '\n');
    return path.join(dir, name);
  };
  const frames = Array.from({ length: 14 }, (_, i) => [`main.f${i}()`, `\t/go/src/headscale/hscontrol/f${i}.go:${i + 1} +0x1`]).flat();
  const file = write('a.log', ['2026-11-24T10:00:00Z INF ok', 'panic: boom [recovered]', '\tpanic: boom', '2026-11-24T10:00:00Z WRN interleaved', '', 'goroutine 7 [running]:', ...frames, '', 'goroutine 1 [select]:', 'main.main()', '\t/go/src/headscale/cmd/main.go:9 +0x1']);
  const t = readPanic(file, 2)!;
  assert.deepEqual(t.message, [{ line: 2, text: 'panic: boom [recovered]' }, { line: 3, text: '\tpanic: boom' }]);
  assert.deepEqual(t.goroutine, { line: 6, text: 'goroutine 7 [running]:' });
  assert.equal(t.frames.length, MAX_FRAMES);
  assert.equal(t.moreFrames, 14 - MAX_FRAMES);
  assert.deepEqual(t.frames[0], { func: 'main.f0()', location: '\t/go/src/headscale/hscontrol/f0.go:1 +0x1', logLine: 8, createdBy: false });
  const cut = write('b.log', ['fatal error: concurrent map writes']);
  assert.deepEqual(readPanic(cut, 1), { message: [{ line: 1, text: 'fatal error: concurrent map writes' }], goroutine: null, frames: [], moreFrames: 0 });
  assert.equal(readPanic(file, 1), null, 'not a panic line');
  assert.equal(readPanic(path.join(dir, 'gone.log'), 1), null, 'unreadable');
});

test('code references: zerolog callers, goroutine frames, testify traces and go test lines map to module paths', () => {
  const refs = (t: string) => codeRefs(t).map((r) => [r.relative, r.line, t.slice(r.start, r.end)]);
  assert.deepEqual(refs('2026-07-21T09:31:02Z ERR hscontrol/state/state.go:812 > failed error="x"'), [['hscontrol/state/state.go', 812, 'hscontrol/state/state.go:812']]);
  assert.deepEqual(refs('\t/go/src/headscale/hscontrol/mapper/batcher.go:401 +0x1a4'), [['hscontrol/mapper/batcher.go', 401, '/go/src/headscale/hscontrol/mapper/batcher.go:401']]);
  assert.deepEqual(refs('2024-09-09T20:34:17+02:00 TRC ../../../runner/work/headscale/headscale/cmd/headscale/cli/utils.go:121 > Connecting via gRPC'), [['cmd/headscale/cli/utils.go', 121, '../../../runner/work/headscale/headscale/cmd/headscale/cli/utils.go:121']]);
  assert.deepEqual(refs('        \tError Trace:\t/go/src/headscale/integration/route_test.go:110'), [['integration/route_test.go', 110, '/go/src/headscale/integration/route_test.go:110']]);
  assert.deepEqual(refs('    route_test.go:1322: Condition never satisfied'), [['integration/route_test.go', 1322, 'route_test.go:1322']]);
  assert.deepEqual(refs('\t/usr/local/go/src/runtime/panic.go:770 +0x132'), [[null, 770, '/usr/local/go/src/runtime/panic.go:770']], 'GOROOT is not the module');
  assert.deepEqual(refs('2026-07-21T09:30:12Z INF node connected node.id=1'), []);
});

test('debug flows: each of the guide\'s searches finds exactly what grep -nE finds, grouped by file in reading order, with ripgrep and without', async () => {
  const g = runs[variants.indexOf('testify')];
  const logs = runLogs(runById(controlLogs, g.id)!);
  assert.equal(logs[0].kind, 'hs-stderr', 'headscale first');
  for (const flow of DEBUG_FLOWS) {
    const expected = new Map<string, number[]>();
    for (const l of logs) {
      const r = spawnSync('grep', ['-nE', flow.pattern, l.path], { encoding: 'utf8', maxBuffer: 1 << 28 });
      const lines = r.stdout.split('\n').filter(Boolean).map((x) => Number(x.slice(0, x.indexOf(':'))));
      if (lines.length) expected.set(l.relative, lines);
    }
    for (const rg of [findRipgrep(), null]) {
      const result = await searchRun(logs, flow.pattern, 1_000_000, rg);
      assert.equal(result.error, undefined);
      assert.deepEqual(result.files.map((f) => f.relative), [...expected.keys()], `${flow.id} (${rg ? 'rg' : 'JS'}): files in reading order`);
      for (const f of result.files) assert.deepEqual(f.matches.map((m) => m.line), expected.get(f.relative), `${flow.id}: ${f.relative}`);
      const capped = await searchRun(logs, flow.pattern, 5, rg);
      for (const f of capped.files) assert.equal(f.more, expected.get(f.relative)!.length > 5, `${flow.id}: "more" is exact`);
    }
  }
  const bad = await searchRun(logs, '(unclosed', 10, findRipgrep());
  assert.match(bad.error ?? '', /not a regular expression/);
});

test('cli runs --flow ha-failover: the same flow from a terminal, text and JSON; an unknown flow is a usage error', () => {
  const g = runs[variants.indexOf('testify')];
  const cli = path.join(repoRoot, 'dist', 'cli.js');
  const json = spawnSync(process.execPath, [cli, 'runs', controlLogs, '--flow', 'ha-failover', '--run', g.id, '--format', 'json', '--max-per-file', '3'], { encoding: 'utf8' });
  assert.equal(json.status, 0, json.stderr);
  const [r] = JSON.parse(json.stdout);
  assert.equal(r.id, g.id);
  assert.ok(r.files.length > 0 && r.files.every((f: { matches: unknown[] }) => f.matches.length <= 3));
  const text = spawnSync(process.execPath, [cli, 'runs', controlLogs, '--flow', 'ha-failover', '--run', g.id], { encoding: 'utf8' });
  assert.match(text.stdout, new RegExp(`^${g.id}  \\d+ matching lines  /Disconnect\\|NodeWentOffline\\|PrimaryRoutes/\\n  hs-`));
  const unknown = spawnSync(process.execPath, [cli, 'runs', controlLogs, '--flow', 'nope'], { encoding: 'utf8' });
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown flow "nope"; flows: route-approval/);
});

/** The timeline's oracle: every log read whole, continuation lines take the time before them. */
function bruteTimeline(logs: { path: string; relative: string }[], from: number, to: number): string[] {
  const out: { ms: number; order: number; line: number; key: string }[] = [];
  for (const [order, l] of logs.entries()) {
    let last: number | null = null;
    const all = fs.readFileSync(l.path, 'utf8').split('\n');
    if (all[all.length - 1] === '') all.pop();
    all.forEach((text, i) => {
      const ms = lineTime(text);
      if (ms !== null) last = ms;
      if (last !== null && last >= from && last <= to) out.push({ ms: last, order, line: i + 1, key: `${l.relative}:${i + 1}` });
    });
  }
  return out.sort((a, b) => a.ms - b.ms || a.order - b.order || a.line - b.line).map((e) => e.key);
}

test('timeline: every log merged by timestamp within ±N seconds of a line, prefixed with its container and linked; logs without timestamps are skipped with a message', async () => {
  const g = runs[variants.indexOf('testify')];
  const run = runById(controlLogs, g.id)!;
  // A log without timestamps (entrypoint output) is in every run: ts-*.stdout.log.
  const logs = runLogs(run);
  const anchor = { path: g.hsLog, line: g.firstHsError!.line };
  // The same timeline whether the logs' line index is built on the way or left by either scan.
  const texts: string[] = [];
  for (const scanner of ['none', 'JS scanner', 'ripgrep'] as const) {
    if (scanner === 'ripgrep' && !findRipgrep()) continue;
    clearScanCache();
    clearLineIndex();
    if (scanner !== 'none') await describeRun(run, defaultMarkers, 200, scanner === 'ripgrep' ? findRipgrep() : null);
    texts.push(timeline(logs, anchor, 10, root).text);
  }
  for (const other of texts.slice(1)) assert.equal(other, texts[0], 'the line index from a scan seeks to the same lines');
  const t = timeline(logs, anchor, 10, root);
  const at = lineTime(g.firstHsError!.text)!;
  const expected = bruteTimeline(logs.filter((l) => !t.skipped.some((s) => s.startsWith(l.relative + ':'))), at - 10_000, at + 10_000);
  const lines = t.text.split('\n');
  const body = lines.filter((l) => /^[> ] \d\d:\d\d:\d\d\.\d{3}  /.test(l));
  assert.equal(body.length, expected.length);
  const got = t.links.filter((l) => l.target.path.endsWith('.log') && lines[l.line].slice(l.start, l.end) === path.basename(l.target.path).replace(/\.(stderr|stdout)\.log$/, '')).map((l) => `${path.basename(l.target.path)}:${l.target.line}`);
  assert.deepEqual(got, expected, 'same lines, same order, each linked to its log line under its container name');
  assert.ok(new Set(got.map((k) => k.split('-')[0])).size >= 2, 'headscale and clients together');
  assert.ok(lines.some((l) => l.startsWith('> ') && l.includes(g.firstHsError!.text)), 'the chosen line is marked');
  assert.ok(t.skipped.some((s) => /ts-.*\.stdout\.log: no timestamps/.test(s)) && lines.some((l) => l.startsWith('# skipped ')), 'skipped logs are said');
  const none = fs.mkdtempSync(path.join(root, 'nots-'));
  fs.writeFileSync(path.join(none, 'x.log'), 'no time here\n');
  assert.match(timeline([{ path: path.join(none, 'x.log'), relative: 'x.log' }], { path: path.join(none, 'x.log'), line: 1 }, 10, root).text, /has no timestamp before it/);
});

test('line index: offsets and line numbers from the points a scan leaves equal a plain count (CRLF, long lines, a rewritten log)', async () => {
  const dir = fs.mkdtempSync(path.join(root, 'idx-'));
  const file = path.join(dir, 'hs-idx-abcdef.stderr.log');
  // ~2 MB: long and short lines, CRLF endings, WRN lines for ripgrep's byte offsets.
  const lines = Array.from({ length: 30_000 }, (_, i) => (i % 7 === 0 ? `2026-11-24T10:00:00Z WRN hscontrol/poll.go:318 > keepalive missed n=${i}\r` : i % 997 === 0 ? 'x'.repeat(5000) : `2026-11-24T10:00:00Z DBG line ${i}`));
  const write = () => fs.writeFileSync(file, lines.join('\n') + '\n');
  write();
  const starts = (): number[] => {
    const text = fs.readFileSync(file);
    const out = [0];
    for (let i = text.indexOf(10); i !== -1; i = text.indexOf(10, i + 1)) out.push(i + 1);
    return out;
  };
  const check = (label: string) => {
    const expected = starts();
    const fd = fs.openSync(file, 'r');
    try {
      const st = fs.fstatSync(fd);
      const last = expected.length - 1; // the start of the (empty) line after the last newline
      for (const line of [0, 1, 7, 4999, 12_345, last - 1, last]) assert.equal(offsetOfLine(fd, file, st, line), expected[line], `${label}: offset of line ${line}`);
      for (const line of [3, 997, 20_000, last - 2]) assert.equal(lineAt(fd, file, st, expected[line] + 1), line, `${label}: line at an offset inside line ${line}`);
      assert.equal(lineAt(fd, file, st, expected[last - 1]), last - 1, `${label}: line at a line start`);
      assert.equal(offsetOfLine(fd, file, st, last + 50_000), st.size, `${label}: past the end`);
    } finally {
      fs.closeSync(fd);
    }
  };
  for (const scanner of ['none', 'JS scanner', 'ripgrep'] as const) {
    if (scanner === 'ripgrep' && !findRipgrep()) continue;
    clearScanCache();
    clearLineIndex();
    if (scanner !== 'none') await scanFiles([file], defaultMarkers, undefined, scanner === 'ripgrep' ? findRipgrep() : null);
    check(scanner);
  }
  // Rewritten with other line lengths: the old points must not be used.
  lines.splice(100, 50);
  lines.unshift('x'.repeat(70_000));
  write();
  fs.utimesSync(file, new Date(Date.now() + 5000), new Date(Date.now() + 5000));
  check('rewritten');
});

test('map responses as changes per node: peers added and removed, primary routes moved, online flips, policy changes; unparseable JSON is said', () => {
  const dir = fs.mkdtempSync(path.join(root, 'mr-'));
  const write = (name: string, body: unknown) => {
    fs.writeFileSync(path.join(dir, name), typeof body === 'string' ? body : JSON.stringify(body));
    return path.join(dir, name);
  };
  const r1 = { ID: 2, Name: 'ts-router1.headscale.net.', Online: true, PrimaryRoutes: ['10.33.0.0/16'], AllowedIPs: ['100.64.0.2/32', '10.33.0.0/16'] };
  const r2 = { ID: 3, Name: 'ts-router2.headscale.net.', Online: true, PrimaryRoutes: [], AllowedIPs: ['100.64.0.3/32'] };
  const files = [
    write('1-full.json', { Node: { ID: 1 }, Peers: [r1, r2], PacketFilter: [{ SrcIPs: ['*'] }] }),
    write('2-change.json', { PeersChangedPatch: [{ NodeID: 2, Online: false }] }),
    write('3-change.json', { PeersChanged: [{ ...r1, Online: false, PrimaryRoutes: [] }, { ...r2, PrimaryRoutes: ['10.33.0.0/16'], AllowedIPs: ['100.64.0.3/32', '10.33.0.0/16'] }] }),
    write('4-policy.json', { PacketFilter: [{ SrcIPs: ['100.64.0.0/10'] }, { SrcIPs: ['*'] }] }),
    write('5-change.json', { PeersRemoved: [2] }),
    write('6-change.json', '{"Peers": [tru'),
    write('7-change.json', { PeersChanged: [{ ID: 4, Name: 'ts-new.headscale.net.', Online: true }] }),
    write('8-change.json', { OnlineChange: { 4: false } }),
  ];
  const d = diffMapResponses(files);
  assert.deepEqual(d[0].changes, ['2 peers; ts-router1.headscale.net primary 10.33.0.0/16']);
  assert.deepEqual(d[1].changes, ['ts-router1.headscale.net offline']);
  assert.deepEqual(d[2].changes, ['ts-router1.headscale.net primary routes: 10.33.0.0/16 → none', 'ts-router2.headscale.net primary routes: none → 10.33.0.0/16', 'ts-router2.headscale.net routes: none → 10.33.0.0/16']);
  assert.deepEqual(d[3].changes, ['policy: packet filter changed (1 → 2 rules)']);
  assert.deepEqual(d[4].changes, ['− peer ts-router1.headscale.net']);
  assert.match(d[5].error ?? '', /^unparseable JSON: /);
  assert.deepEqual(d[6].changes, ['+ peer ts-new.headscale.net']);
  assert.deepEqual(d[7].changes, ['ts-new.headscale.net offline']);
  // The generated run's hundreds of captures: the router's primary route disappears halfway.
  const g = runs[variants.indexOf('testify')];
  const view = mapResponseTimeline(path.join(g.dir, 'mapresponses'));
  assert.ok(view.nodes.reduce((n, x) => n + x.entries.length, 0) >= 300);
  const node2 = view.nodes.find((n) => n.node === '2')!;
  assert.ok(node2.entries.some((e) => e.changes?.some((c) => /primary routes: 10\.33\.0\.0\/16 → none/.test(c))), 'the failover shows as a primary-route change');
});
