/** Lens titles and arguments, test hover and test discovery over the real server (stdio JSON-RPC). */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { CodeLensRequest, DidOpenTextDocumentNotification, HoverRequest, type CodeLens } from 'vscode-languageserver-protocol/node';
import { DiscoverTestsRequest, RUN_RECORD_FILE, RunsChangedNotification, type DiscoverTestsResult, type RunTestArgs } from '../../shared/src/protocol';
import { validatePattern } from '../../shared/src/hiCommand';
import { repoRoot } from '../support/parser';
import { startServer } from '../support/lspClient';

/** A copy of the demo, so run records written here never touch the repository. */
function demoCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-lens-'));
  fs.cpSync(path.join(repoRoot, 'demo'), dir, { recursive: true });
  return dir;
}

async function lenses(trusted: boolean, root: string, file: string, settings: unknown = {}) {
  const session = await startServer({ initializationOptions: { trusted }, settings });
  const abs = path.join(root, file);
  const uri = pathToFileURL(abs).toString();
  await session.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'go', version: 1, text: fs.readFileSync(abs, 'utf8') } });
  const result = (await session.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) as CodeLens[];
  return { session, uri, result };
}

test('lenses: category timeouts, exact argv from the module root, postgres and file lenses', async () => {
  const root = demoCopy();
  const route = await lenses(true, root, 'integration/route_test.go');
  try {
    const titles = route.result.map((l) => l.command!.title);
    assert.deepEqual(titles.filter((t) => t.startsWith('▶ Run with hi')), ['▶ Run with hi (1200s)', '▶ Run with hi (1200s)']);
    // Two route/ACL tests without history: 1200 s + 1200 s one after another, under the suite's 2700 s.
    assert.ok(titles.includes("▶ Run file's tests with hi (2400s)"), titles.join(' | '));
    const first = route.result.find((l) => l.command!.title === '▶ Run with hi (1200s)')!;
    const args = first.command!.arguments![0] as RunTestArgs;
    assert.deepEqual(args.argv, ['go', 'run', './cmd/hi', 'run', '^TestEnablingRoutes$', '--timeout=1200s']);
    assert.equal(args.cwd, root);
    assert.equal(first.range.start.line, fs.readFileSync(path.join(root, 'integration/route_test.go'), 'utf8').split('\n').findIndex((l) => l.startsWith('func TestEnablingRoutes')));
    const fileLens = route.result.find((l) => l.command!.title.startsWith("▶ Run file's"))!;
    assert.equal(validatePattern((fileLens.command!.arguments![0] as RunTestArgs).argv[4]), null, "the file pattern passes the runner's own check");
    assert.deepEqual((fileLens.command!.arguments![0] as RunTestArgs).argv.slice(3), ['run', '^TestEnablingRoutes$|^TestSubnetRouteACL$', '--timeout=2400s']);
    assert.match((fileLens.command!.arguments![0] as RunTestArgs).timeoutReason!, /TestEnablingRoutes 20m00s \+ TestSubnetRouteACL 20m00s = 2400s.*largest test timeout 1200s.*--timeout=2400s/);

    const hover = await route.session.connection.sendRequest(HoverRequest.type, { textDocument: { uri: route.uri }, position: { line: first.range.start.line, character: 7 } });
    const md = (hover!.contents as { value: string }).value;
    assert.match(md, /TestEnablingRoutes\*\* — route\/ACL, `--timeout=1200s`/);
    assert.match(md, /Why: defined in route_test.go/);
    assert.match(md, /go run \.\/cmd\/hi run "\^TestEnablingRoutes\\\$" --timeout=1200s/);

    // A finished run shows up as "Last run" once the client says runs changed.
    const runDir = path.join(root, 'control_logs', '20261125-120000-abcdef');
    fs.mkdirSync(runDir, { recursive: true });
    fs.writeFileSync(path.join(runDir, RUN_RECORD_FILE), JSON.stringify({ test: 'TestEnablingRoutes', status: 'failed', durationSeconds: 842, finishedAt: '2026-11-25T12:14:02Z' }));
    await route.session.connection.sendNotification(RunsChangedNotification);
    const after = (await route.session.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: route.uri } })) as CodeLens[];
    const last = after.find((l) => l.command!.title.startsWith('Last run'))!;
    assert.equal(last.command!.title, 'Last run ✗ 14m02s');
    assert.deepEqual(last.command!.arguments, [runDir]);

    const discovered = (await route.session.connection.sendRequest(DiscoverTestsRequest, { uri: pathToFileURL(path.join(root, 'integration/general_test.go')).toString() })) as DiscoverTestsResult;
    const ping = discovered.tests.find((t) => t.name === 'TestPingAllByIP')!;
    assert.equal(ping.postgresListed, true);
    assert.deepEqual(ping.runPostgres.argv.slice(4), ['^TestPingAllByIP$', '--timeout=1800s', '--postgres']);
    assert.deepEqual(ping.run.argv.slice(4), ['^TestPingAllByIP$', '--timeout=900s']);
    assert.equal(discovered.tests.find((t) => t.name === 'TestNodeOnlineStatus')!.run.timeoutSeconds, 2100);
  } finally {
    await route.session.close();
  }
  const general = await lenses(true, root, 'integration/general_test.go', { hi: { command: ['node', 'cmd/hi/standin.js'] }, timeouts: { basic: 1000 } });
  try {
    const titles = general.result.map((l) => l.command!.title);
    assert.ok(titles.includes('▶ Run with hi (1000s)'), titles.join(' | '));
    assert.ok(titles.includes('▶ Run with hi --postgres (1800s)'));
    assert.ok(titles.includes('▶ Run with hi (2100s)'));
    const args = general.result.find((l) => l.command!.title === '▶ Run with hi (1000s)')!.command!.arguments![0] as RunTestArgs;
    assert.deepEqual(args.argv.slice(0, 2), ['node', 'cmd/hi/standin.js']);
  } finally {
    await general.session.close();
  }
});

test('in Restricted Mode every lens says running is disabled and carries no command line', async () => {
  const root = demoCopy();
  const { session, result } = await lenses(false, root, 'integration/route_test.go');
  try {
    assert.ok(result.length >= 3);
    for (const l of result) {
      assert.equal(l.command!.title, '▶ Run with hi — disabled in Restricted Mode');
      assert.equal(l.command!.command, 'hi.explainRestricted');
      assert.deepEqual(l.command!.arguments, []);
    }
  } finally {
    await session.close();
  }
});

test('cli tests --format json: every test with category, timeout, postgres, reason and argv', () => {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'tests', path.join(repoRoot, 'demo', 'integration'), '--format', 'json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const rows = JSON.parse(r.stdout) as { name: string; category: string; timeoutSeconds: number; postgres: boolean; reason: string; argv: string[]; line: number; file: string }[];
  const byName = Object.fromEntries(rows.map((x) => [x.name, x]));
  assert.deepEqual(Object.keys(byName).sort(), ['TestEnablingRoutes', 'TestNodeOnlineStatus', 'TestOIDCAuthenticationPingAll', 'TestOIDCExpireNodesBasedOnTokenExpiry', 'TestPingAllByIP', 'TestSubnetRouteACL']);
  assert.equal(byName.TestNodeOnlineStatus.category, 'long-running');
  assert.equal(byName.TestOIDCAuthenticationPingAll.timeoutSeconds, 1200);
  assert.deepEqual(byName.TestPingAllByIP.argv, ['go', 'run', './cmd/hi', 'run', '^TestPingAllByIP$', '--timeout=1800s', '--postgres']);
  assert.equal(byName.TestPingAllByIP.postgres, true);
  const src = fs.readFileSync(byName.TestSubnetRouteACL.file, 'utf8').split('\n')[byName.TestSubnetRouteACL.line - 1];
  assert.match(src, /^func TestSubnetRouteACL/);
});

/** A run record as the runner writes it (the fields history reads). */
function writeRecord(root: string, runId: string, rec: { test: string; status: 'passed' | 'failed'; durationSeconds: number; postgres?: boolean; gitCommit?: string; gitDirty?: boolean; tests?: { name: string; status: string; durationSeconds: number }[] }): string {
  const dir = path.join(root, 'control_logs', runId);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, RUN_RECORD_FILE), JSON.stringify({ postgres: false, tests: [{ name: rec.test, status: rec.status, durationSeconds: rec.durationSeconds }], ...rec }));
  return dir;
}

test('history: "N of last 5 passed", a flaky badge for both results on one clean commit, the hover strip and per-backend ETA', async () => {
  const root = demoCopy();
  fs.rmSync(path.join(root, 'control_logs'), { recursive: true, force: true });
  const commit = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
  writeRecord(root, '20261126-100000-000001', { test: 'TestEnablingRoutes', status: 'passed', durationSeconds: 600, gitCommit: commit, gitDirty: false });
  writeRecord(root, '20261126-110000-000002', { test: 'TestEnablingRoutes', status: 'failed', durationSeconds: 700, gitCommit: 'b'.repeat(40), gitDirty: true });
  writeRecord(root, '20261126-120000-000003', { test: 'TestEnablingRoutes', status: 'passed', durationSeconds: 800, postgres: true, gitCommit: commit, gitDirty: false });
  // A file run's record: per-test results count for each test.
  writeRecord(root, '20261126-130000-000004', { test: 'route_test.go (2 tests)', status: 'failed', durationSeconds: 2000, tests: [{ name: 'TestEnablingRoutes', status: 'passed', durationSeconds: 650 }, { name: 'TestSubnetRouteACL', status: 'failed', durationSeconds: 1300 }] });
  const route = await lenses(true, root, 'integration/route_test.go');
  try {
    const titles = route.result.map((l) => l.command!.title);
    assert.ok(titles.includes('Last run ✓ 10m50s · 3 of last 4 passed'), titles.join(' | '));
    assert.ok(titles.includes('Last run ✗ 21m40s'), titles.join(' | '));
    // Only one test passed and failed on one commit, and the failure on a dirty tree does not count.
    assert.ok(!titles.some((t) => t.startsWith('⚠ flaky')), 'no flaky badge yet');
    writeRecord(root, '20261126-140000-000005', { test: 'TestEnablingRoutes', status: 'failed', durationSeconds: 900, gitCommit: commit, gitDirty: false });
    await route.session.connection.sendNotification(RunsChangedNotification);
    const after = (await route.session.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: route.uri } })) as CodeLens[];
    const flaky = after.find((l) => l.command!.title.startsWith('⚠ flaky'))!;
    assert.equal(flaky.command!.title, '⚠ flaky (passed and failed on a1b2c3d)');
    assert.deepEqual(flaky.command!.arguments, [route.uri, 'TestEnablingRoutes']);
    const run = after.find((l) => l.command!.title === '▶ Run with hi (1200s)')!.command!.arguments![0] as RunTestArgs;
    // ETA data: sqlite durations only, newest first (the postgres run is left out).
    assert.deepEqual(run.previousDurations, [900, 650, 700, 600]);
    // The file lens now sums medians (675 s + 1300 s), which is above the largest timeout (1200 s).
    const fileArgs = after.find((l) => l.command!.title.startsWith("▶ Run file's"))!.command!.arguments![0] as RunTestArgs;
    assert.equal(fileArgs.timeoutSeconds, 1975);
    assert.match(fileArgs.timeoutReason!, /TestEnablingRoutes 11m15s \(median\) \+ TestSubnetRouteACL 21m40s \(median\) = 1975s/);
    const line = after.find((l) => l.command!.title.startsWith('⚠ flaky'))!.range.start.line;
    const hover = await route.session.connection.sendRequest(HoverRequest.type, { textDocument: { uri: route.uri }, position: { line, character: 7 } });
    const md = (hover!.contents as { value: string }).value;
    assert.match(md, /Last 5 runs \(oldest → newest\): ✓ ✗ ✓ ✓ ✗ — \*\*⚠ flaky\*\*: passed and failed on a1b2c3d/);
    assert.match(md, /ETA sqlite 11m15s \(median of 4\) · ETA postgres 13m20s \(median of 1\)/);
    assert.match(md, /✗ 11m40s sqlite @bbbbbbb\+dirty \(20261126-110000-000002\)/);
  } finally {
    await route.session.close();
  }
});

test('a file lens is never below its largest test timeout (2100 s) and a postgres file run keeps the 1800 s minimum', async () => {
  const root = demoCopy();
  const general = await lenses(true, root, 'integration/general_test.go', { lens: { showPostgres: true }, timeouts: { suite: 1000 } });
  try {
    const titles = general.result.map((l) => l.command!.title);
    assert.ok(titles.includes("▶ Run file's tests with hi (2100s)"), titles.join(' | '));
    const pg = general.result.find((l) => l.command!.title.startsWith("▶ Run file's tests with hi --postgres"))!.command!.arguments![0] as RunTestArgs;
    assert.equal(pg.postgres, true);
    assert.deepEqual(pg.argv.slice(-2), [`--timeout=${pg.timeoutSeconds}s`, '--postgres']);
    assert.ok(pg.timeoutSeconds >= 2100);
    assert.match(pg.timeoutReason!, /capped at the suite timeout 1000s; at least the largest test timeout 2100s \(TestNodeOnlineStatus\)/);
  } finally {
    await general.session.close();
  }
});
