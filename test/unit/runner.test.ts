/**
 * The runner core against real processes: the hi stand-in spawned with argv in its own process
 * group, its output parsed, cancel escalation timed, and the process table checked for orphans.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { HiOutputParser } from '../../client/src/runner/hiOutput';
import { HiProcess } from '../../client/src/runner/hiProcess';
import { RunQueue, type QueuedRun } from '../../client/src/runner/runQueue';
import { buildRecord, writeRecord } from '../../client/src/runner/runRecord';
import { gitState } from '../../client/src/runner/gitState';
import { flakyCommits, historyIndex, historyOf, statsOf } from '../../server/src/discovery/testHistory';
import { spawnSync } from 'node:child_process';
import { RUN_RECORD_FILE } from '../../shared/src/protocol';
import { buildRunArgv, validatePattern } from '../../shared/src/hiCommand';
import { repoRoot } from '../support/parser';

const standin = path.join(repoRoot, 'demo', 'cmd', 'hi', 'standin.js');
const hiCommand = [process.execPath, standin];

function workdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'hi-runner-'));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function runToEnd(argv: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const p = new HiProcess(argv, cwd, { ...process.env, ...env });
  const parser = new HiOutputParser();
  p.on('line', (l) => parser.push(l));
  const result = await p.exitPromise;
  return { parser, result, pid: p.pid! };
}

test('the exact argv reaches hi, output is parsed, and a run record lands next to the artifacts', async () => {
  const cwd = workdir();
  const argv = buildRunArgv(hiCommand, [], { pattern: 'TestSubnetRouteACL', anchored: true, timeoutSeconds: 1200, postgres: true });
  const { parser, result, pid } = await runToEnd(argv, cwd, { HI_STANDIN_SECONDS: '0.3', HI_STANDIN_MODE: 'fail' });
  assert.equal(result.code, 1);
  assert.ok(pid > 0);
  assert.match(parser.runId ?? '', /^\d{8}-\d{6}-[0-9a-f]{6}$/);
  assert.equal(parser.logsDir, `control_logs/${parser.runId}`);
  assert.equal(parser.doctor.length, 8);
  assert.deepEqual(parser.doctor.find((c) => c.name === 'Docker Hub Credentials')?.suggestions, ['Run: docker login']);
  const t = parser.tests.get('TestSubnetRouteACL')!;
  assert.equal(t.status, 'failed');
  assert.equal(parser.tests.get('TestSubnetRouteACL/routes-propagate')?.status, 'failed');
  const failures = [...parser.tests.values()].flatMap((x) => x.failures);
  assert.ok(failures.some((f) => f.file === 'route_test.go' && f.line === 110 && /should have 1 item/.test(f.message)), JSON.stringify(failures));
  assert.ok(failures.some((f) => /Condition never satisfied/.test(f.message)));
  assert.equal(parser.error, 'test failed: exit code 1');
  const record = buildRecord({ test: 'TestSubnetRouteACL', pattern: argv[3], argv, cwd, postgres: true, timeoutSeconds: 1200, startedAt: 'a', finishedAt: 'b', durationSeconds: 1, exitCode: 1, signal: null, status: 'failed', gitCommit: null, gitDirty: null }, parser)!;
  const file = writeRecord(record, parser.logsDir)!;
  assert.equal(path.basename(file), RUN_RECORD_FILE);
  assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).runId, parser.runId);
  // The stand-in saw exactly what we built: its "Starting test:" line echoes the pattern.
  assert.equal(argv[3], '^TestSubnetRouteACL$');
});

test('a passing run and a doctor failure are told apart', async () => {
  const pass = await runToEnd(buildRunArgv(hiCommand, [], { pattern: 'TestPingAllByIP', anchored: true, timeoutSeconds: 900, postgres: false }), workdir(), { HI_STANDIN_SECONDS: '0.2', HI_STANDIN_MODE: 'pass' });
  assert.equal(pass.result.code, 0);
  assert.equal(pass.parser.completed, true);
  assert.equal(pass.parser.tests.get('TestPingAllByIP')?.status, 'passed');
  const doctor = await runToEnd(buildRunArgv(hiCommand, [], { pattern: 'TestX', anchored: true, timeoutSeconds: 900, postgres: false }), workdir(), { HI_STANDIN_MODE: 'doctor-fail' });
  assert.equal(doctor.result.code, 1);
  assert.equal(doctor.parser.runId, null);
  assert.deepEqual(doctor.parser.doctorFailed.map((c) => c.name), ['Docker Daemon']);
});

test('a hostile test name is refused, and even as raw argv it never reaches a shell', async () => {
  const marker = path.join(os.tmpdir(), `hi-hostile-${process.pid}`);
  fs.rmSync(marker, { force: true });
  const hostile = `Test$(touch ${marker})`;
  assert.notEqual(validatePattern(hostile), null);
  // Bypass the validation on purpose: argv is passed to the program, not interpreted.
  await runToEnd([...hiCommand, 'run', hostile, '--timeout=900s'], workdir(), { HI_STANDIN_SECONDS: '0.1', HI_STANDIN_MODE: 'pass' });
  assert.equal(fs.existsSync(marker), false, 'no shell expanded $(…)');
});

test('cancel: SIGINT first and hi cleans up; no process of the group survives', async () => {
  const p = new HiProcess([...hiCommand, 'run', '^TestX$', '--timeout=900s'], workdir(), { ...process.env, HI_STANDIN_MODE: 'hang', HI_STANDIN_CHILD: '1', HI_STANDIN_CLEANUP_MS: '200' });
  const lines: string[] = [];
  let child = 0;
  const started = new Promise<void>((resolve) => p.on('line', (l) => {
    lines.push(l);
    const m = /Child process: (\d+)/.exec(l);
    if (m) child = Number(m[1]);
    if (/=== RUN/.test(l)) resolve();
  }));
  await started;
  assert.ok(child > 0 && alive(child));
  const stage = await p.cancel(5000);
  assert.equal(stage, 'interrupt', 'hi exited on SIGINT within the grace period');
  assert.ok(lines.some((l) => /cleaning up test containers/.test(l)));
  assert.ok(!alive(p.pid!));
  // The child ignores SIGINT; after hi exits the runner sweeps the group, so it is gone too.
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(alive(child), false, `child ${child} was orphaned`);
});

test('cancel escalates: SIGINT ignored → SIGTERM after the grace; both ignored → SIGKILL; nothing orphaned', async () => {
  for (const [ignore, expected] of [['SIGINT', 'terminate'], ['SIGINT,SIGTERM', 'kill']] as const) {
    const p = new HiProcess([...hiCommand, 'run', '^TestX$'], workdir(), { ...process.env, HI_STANDIN_MODE: 'hang', HI_STANDIN_IGNORE: ignore, HI_STANDIN_CHILD: '1' });
    let child = 0;
    await new Promise<void>((resolve) => p.on('line', (l) => {
      const m = /Child process: (\d+)/.exec(l);
      if (m) child = Number(m[1]);
      if (/=== RUN/.test(l)) resolve();
    }));
    const stages: string[] = [];
    p.on('cancelStage', (s) => stages.push(s));
    const t0 = Date.now();
    const stage = await p.cancel(400, 400);
    const elapsed = Date.now() - t0;
    assert.equal(stage, expected);
    assert.deepEqual(stages, expected === 'terminate' ? ['interrupt', 'terminate'] : ['interrupt', 'terminate', 'kill']);
    assert.ok(elapsed >= (expected === 'terminate' ? 400 : 800), `escalated too early (${elapsed} ms)`);
    assert.ok(elapsed < 5000, `escalation took ${elapsed} ms`);
    // The group signal reached the child too (it ignores SIGINT only).
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(alive(child), false, `${ignore}: child ${child} survived`);
  }
});

test('20 rapid clicks: exactly one run at a time, the rest queued in order', async () => {
  interface Job extends QueuedRun { release: () => void }
  let concurrent = 0;
  let peak = 0;
  const order: number[] = [];
  const releases: (() => void)[] = [];
  const queue = new RunQueue<Job>(async (job) => {
    concurrent++;
    peak = Math.max(peak, concurrent);
    order.push(job.id);
    await new Promise<void>((resolve) => releases.push(resolve));
    concurrent--;
  }, 1);
  for (let i = 0; i < 20; i++) queue.enqueue({ id: i, title: `TestX${i}`, release: () => undefined });
  assert.equal(queue.running.length, 1);
  assert.equal(queue.queued.length, 19);
  assert.ok(queue.remove(5));
  queue.move(6, -1);
  while (releases.length > 0 || queue.running.length > 0) {
    const r = releases.shift();
    if (!r) break;
    r();
    await new Promise((res) => setImmediate(res));
  }
  assert.equal(peak, 1);
  assert.deepEqual(order.slice(0, 6), [0, 1, 2, 3, 6, 4]);
  assert.equal(order.length, 19);
});

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

test('git state at run time in a real repository, and a flaky test from stand-in runs on one commit', async () => {
  const cwd = workdir();
  assert.deepEqual(await gitState(cwd), { commit: null, dirty: null }, 'outside a repository');
  git(cwd, 'init', '-q');
  fs.writeFileSync(path.join(cwd, 'go.mod'), 'module example.com/x\n');
  git(cwd, 'add', 'go.mod');
  git(cwd, 'commit', '-qm', 'first');
  const head = git(cwd, 'rev-parse', 'HEAD');
  const argv = buildRunArgv(hiCommand, [], { pattern: 'TestPingAllByIP', anchored: true, timeoutSeconds: 900, postgres: false });
  const runOnce = async (mode: string) => {
    const state = await gitState(cwd);
    const { parser, result } = await runToEnd(argv, cwd, { HI_STANDIN_SECONDS: '0.1', HI_STANDIN_MODE: mode });
    const status = result.code === 0 ? 'passed' : 'failed';
    const rec = buildRecord({ test: 'TestPingAllByIP', pattern: argv[3], argv, cwd, postgres: false, timeoutSeconds: 900, startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(), durationSeconds: 1, exitCode: result.code, signal: null, status, gitCommit: state.commit, gitDirty: state.dirty }, parser)!;
    writeRecord(rec, parser.logsDir);
    return state;
  };
  // Untracked files (the run folders themselves) do not make the tree dirty.
  assert.deepEqual(await runOnce('pass'), { commit: head, dirty: false });
  assert.deepEqual(await runOnce('fail'), { commit: head, dirty: false });
  let entries = historyOf(historyIndex(path.join(cwd, 'control_logs'), 1), 'TestPingAllByIP');
  assert.deepEqual(entries.map((e) => e.status).sort(), ['failed', 'passed']);
  assert.deepEqual(flakyCommits(entries), [head]);
  // A failure after an edit to a tracked file is not flakiness: the code changed.
  fs.writeFileSync(path.join(cwd, 'go.mod'), 'module example.com/y\n');
  const other = workdir();
  fs.cpSync(cwd, other, { recursive: true });
  fs.rmSync(path.join(other, 'control_logs'), { recursive: true, force: true });
  assert.deepEqual(await gitState(other), { commit: head, dirty: true });
  const state = await gitState(other);
  const { parser } = await runToEnd(argv, other, { HI_STANDIN_SECONDS: '0.1', HI_STANDIN_MODE: 'pass' });
  writeRecord(buildRecord({ test: 'TestPingAllByIP', pattern: argv[3], argv, cwd: other, postgres: false, timeoutSeconds: 900, startedAt: 'x', finishedAt: 'x', durationSeconds: 1, exitCode: 0, signal: null, status: 'passed', gitCommit: state.commit, gitDirty: state.dirty }, parser)!, parser.logsDir);
  const { parser: p2 } = await runToEnd(argv, other, { HI_STANDIN_SECONDS: '0.1', HI_STANDIN_MODE: 'fail' });
  writeRecord(buildRecord({ test: 'TestPingAllByIP', pattern: argv[3], argv, cwd: other, postgres: false, timeoutSeconds: 900, startedAt: 'y', finishedAt: 'y', durationSeconds: 1, exitCode: 1, signal: null, status: 'failed', gitCommit: state.commit, gitDirty: state.dirty }, p2)!, p2.logsDir);
  entries = historyOf(historyIndex(path.join(other, 'control_logs'), 1), 'TestPingAllByIP');
  assert.equal(entries.length, 2);
  assert.deepEqual(flakyCommits(entries), [], 'dirty runs are left out');
  assert.equal(statsOf(entries).passRate, 0.5);
});
