/**
 * History and CI scale: `cli tests --format matrix` against the lenses of the same files (real server
 * over stdio), `cli history` over generated run folders laid out like downloaded CI artifacts and
 * like a developer's control_logs, and the history page's HTML (escaped, no scripts, a picture).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CodeLensRequest, DidOpenTextDocumentNotification, type CodeLens } from 'vscode-languageserver-protocol/node';
import { RUN_RECORD_FILE, type RunTestArgs, type TestHistoryResult } from '../../shared/src/protocol';
import { validatePattern } from '../../shared/src/hiCommand';
import { renderHistory } from '../../client/src/runner/runPages';
import { repoRoot } from '../support/parser';
import { startServer } from '../support/lspClient';

const cli = path.join(repoRoot, 'dist', 'cli.js');

function runCli(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('cli tests --format matrix lists every test with the timeout and --postgres its lens shows', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-matrix-'));
  fs.cpSync(path.join(repoRoot, 'demo'), root, { recursive: true });
  const integration = path.join(root, 'integration');
  const { include } = JSON.parse(runCli('tests', integration, '--format', 'matrix')) as { include: { test: string; pattern: string; timeoutSeconds: number; postgres: boolean; argv: string[] }[] };
  const session = await startServer({ initializationOptions: { trusted: true } });
  try {
    const fromLenses: { test: string; timeoutSeconds: number; postgres: boolean }[] = [];
    for (const name of fs.readdirSync(integration).filter((f) => f.endsWith('_test.go'))) {
      const file = path.join(integration, name);
      const uri = pathToFileURL(file).toString();
      await session.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'go', version: 1, text: fs.readFileSync(file, 'utf8') } });
      const lenses = (await session.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) as CodeLens[];
      for (const l of lenses) {
        const args = l.command?.arguments?.[0] as RunTestArgs | undefined;
        if (!args?.testName || args.testName.includes('/')) continue;
        fromLenses.push({ test: args.testName, timeoutSeconds: args.timeoutSeconds, postgres: args.postgres });
      }
    }
    assert.ok(fromLenses.length >= 6, 'the demo has lenses');
    const key = (e: { test: string; postgres: boolean }) => `${e.test.split('/')[0]}:${e.postgres}`;
    const matrix = new Map(include.map((e) => [key(e), e]));
    for (const lens of fromLenses) {
      const entry = matrix.get(key(lens));
      assert.ok(entry, `matrix entry for ${lens.test}${lens.postgres ? ' --postgres' : ''}`);
      assert.equal(entry.timeoutSeconds, lens.timeoutSeconds, `${lens.test}: the lens's timeout`);
    }
    // …and nothing the lenses don't offer.
    assert.deepEqual(new Set(include.map(key)), new Set(fromLenses.map(key)));
    for (const e of include) {
      assert.equal(validatePattern(e.pattern), null);
      assert.deepEqual(e.argv.slice(3), ['run', e.pattern, `--timeout=${e.timeoutSeconds}s`, ...(e.postgres ? ['--postgres'] : [])]);
    }
  } finally {
    await session.close();
  }
});

test('cli tests --format matrix splits a long test by subtest prefix, like CI does for TestAutoApproveMultiNetwork', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-split-'));
  fs.mkdirSync(path.join(dir, 'integration'));
  fs.writeFileSync(path.join(dir, 'integration', 'route_test.go'), `package integration

import "testing"

func TestAutoApproveMultiNetwork(t *testing.T) {
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {})
	}
}

func TestLongWithSubtests(t *testing.T) {
	t.Run("first-half", func(t *testing.T) { time.Sleep(5 * time.Minute) })
	t.Run("second-half", func(t *testing.T) {})
}
`);
  const { include } = JSON.parse(runCli('tests', path.join(dir, 'integration'), '--format', 'matrix')) as { include: { test: string; pattern: string; timeoutSeconds: number }[] };
  assert.deepEqual(include.map((e) => e.test), [
    'TestAutoApproveMultiNetwork/authkey-tag.*', 'TestAutoApproveMultiNetwork/authkey-user.*', 'TestAutoApproveMultiNetwork/authkey-group.*',
    'TestAutoApproveMultiNetwork/webauth-tag.*', 'TestAutoApproveMultiNetwork/webauth-user.*', 'TestAutoApproveMultiNetwork/webauth-group.*',
    'TestLongWithSubtests/first-half.*', 'TestLongWithSubtests/second-half.*',
  ]);
  assert.equal(include[0].pattern, '^TestAutoApproveMultiNetwork$/^authkey-tag.*$');
  assert.ok(include.every((e) => e.timeoutSeconds === 2100));
});

/** A run folder as hi leaves it: logs always, bulky files only when it failed; mtime = its end. */
function makeRun(parent: string, id: string, hs: string, failed: boolean, seconds: number, record?: object): void {
  const dir = path.join(parent, id);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `hs-${hs}-a1b2c3.stderr.log`), '2026-11-24T10:00:00Z INF starting headscale\n');
  if (failed) fs.writeFileSync(path.join(dir, `hs-${hs}-a1b2c3.db`), 'SQLite format 3\0');
  if (record) fs.writeFileSync(path.join(dir, RUN_RECORD_FILE), JSON.stringify(record));
  const start = new Date(`${id.slice(0, 4)}-${id.slice(4, 6)}-${id.slice(6, 8)}T${id.slice(9, 11)}:${id.slice(11, 13)}:${id.slice(13, 15)}`).getTime();
  for (const f of fs.readdirSync(dir)) fs.utimesSync(path.join(dir, f), (start + seconds * 1000) / 1000, (start + seconds * 1000) / 1000);
}

test('cli history over CI artifacts and a control_logs: pass rate, median and p90, flaky by commit, text and JSON', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-history-'));
  // Ten CI jobs of TestPingAllByIP (sqlite): 3 failures, durations 100..190 s.
  for (let i = 0; i < 10; i++) makeRun(path.join(root, `ci-${i}`, 'sqlite-TestPingAllByIP-artifacts', 'control_logs'), `20261120-10${String(i).padStart(2, '0')}00-00000${i}`, 'pingallbyip', i % 4 === 1, 100 + i * 10);
  // Two postgres jobs, both passing.
  for (let i = 0; i < 2; i++) makeRun(path.join(root, `ci-pg-${i}`, 'postgres-TestPingAllByIP-artifacts', 'control_logs'), `20261121-10${String(i).padStart(2, '0')}00-10000${i}`, 'pingallbyip', false, 300);
  // A developer's control_logs with records: TestEnablingRoutes passed and failed on one clean commit.
  const logs = path.join(root, 'laptop', 'control_logs');
  const commit = 'c0ffee'.padEnd(40, '0');
  const rec = (status: string, d: number) => ({ test: 'TestEnablingRoutes', status, durationSeconds: d, postgres: false, gitCommit: commit, gitDirty: false, tests: [{ name: 'TestEnablingRoutes', status, durationSeconds: d }, { name: 'TestEnablingRoutes/routes-propagate', status, durationSeconds: d / 2 }] });
  makeRun(logs, '20261122-100000-aaaaaa', 'enablingroutes', false, 60, rec('passed', 60));
  makeRun(logs, '20261122-110000-bbbbbb', 'enablingroutes', true, 80, rec('failed', 80));
  const report = JSON.parse(runCli('history', root, '--format', 'json')) as { runs: number; tests: { test: string; backend: string; runs: number; passed: number; failed: number; passRate: number; medianSeconds: number; p90Seconds: number; flakyCommits: string[]; mixed: boolean }[] };
  assert.equal(report.runs, 14);
  const row = (test: string, backend: string) => report.tests.find((t) => t.test === test && t.backend === backend)!;
  const ping = row('TestPingAllByIP', 'sqlite');
  const failures = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].filter((i) => i % 4 === 1).length;
  assert.deepEqual([ping.runs, ping.failed, ping.passed], [10, failures, 10 - failures]);
  assert.equal(ping.passRate, (10 - failures) / 10);
  assert.equal(ping.medianSeconds, 145, 'median of 100..190');
  assert.equal(ping.p90Seconds, 180, 'nearest-rank p90 of 100..190');
  assert.equal(ping.mixed, true);
  assert.deepEqual([row('TestPingAllByIP', 'postgres').runs, row('TestPingAllByIP', 'postgres').passRate], [2, 1]);
  const routes = row('TestEnablingRoutes', 'sqlite');
  assert.deepEqual(routes.flakyCommits, [commit]);
  assert.equal(row('TestEnablingRoutes/routes-propagate', 'sqlite').medianSeconds, 35);
  const text = runCli('history', root);
  assert.match(text, /^14 runs, 4 tests/);
  assert.match(text, /TestEnablingRoutes\s+sqlite\s+1\/2\s+50%\s+70s\s+80s\s+flaky on c0ffee0/);
  assert.match(text, /Flaky: .*TestEnablingRoutes \(sqlite\)/);
  // Worst first.
  assert.ok(text.search(/TestEnablingRoutes\s+sqlite/) < text.search(/TestPingAllByIP\s+postgres/));
});

test('the history page: an SVG duration chart with a mark per run, links to runs, everything escaped, no scripts', () => {
  const runs = [
    { status: 'failed' as const, durationSeconds: 842, dir: '/tmp/control_logs/20261125-120000-abcdef', runId: '20261125-120000-abcdef', startedAt: '2026-11-25T12:00:00', backend: 'sqlite' as const, commit: 'a'.repeat(40), dirty: false },
    { status: 'passed' as const, durationSeconds: 600, dir: '/tmp/control_logs/"><script>x</script>', runId: '<img src=x>', startedAt: '2026-11-24T12:00:00', backend: 'postgres' as const, commit: null, dirty: null },
    { status: 'cancelled' as const, durationSeconds: 30, dir: '/tmp/c', runId: '20261123-120000-cccccc', startedAt: '2026-11-23T12:00:00', backend: 'sqlite' as const, commit: null, dirty: null },
  ];
  const h: TestHistoryResult = { test: 'TestX<b>', runs, medianSeconds: 600, p90Seconds: 842, passRate: 0.5, flakyCommits: ['a'.repeat(40)] };
  const html = renderHistory(h, 'n0nce');
  assert.match(html, /Content-Security-Policy" content="default-src 'none'; style-src 'nonce-n0nce';"/);
  assert.ok(!/<script/i.test(html), 'no script element, even from hostile values');
  assert.ok(!html.includes('<img'), 'values are escaped');
  assert.match(html, /TestX&lt;b&gt;/);
  assert.match(html, /<svg[^>]*role="img"/);
  assert.equal((html.match(/class="mark-passed"/g) ?? []).length, 1);
  assert.equal((html.match(/class="mark-failed"/g) ?? []).length, 1);
  assert.equal((html.match(/class="mark-cancelled"/g) ?? []).length, 1);
  assert.match(html, /⚠ flaky: passed and failed on aaaaaaa/);
  assert.ok(html.includes(`command:hi.revealRun?${encodeURIComponent(JSON.stringify([runs[0].dir]))}`));
  assert.match(html, /median 10m00s/);
});
