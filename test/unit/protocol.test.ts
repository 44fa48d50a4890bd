/**
 * The wire protocol is declared once, typed: a wrong payload or result does not compile on either
 * side. The `@ts-expect-error` lines are the test (tsc fails the build if any of them type-checks);
 * the runtime tests check that every declared message has its own `hi/` method name, that the run
 * record is one format for writer and reader, and the client's module boundaries.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { Connection } from 'vscode-languageserver';
import * as artifacts from '../../shared/src/artifacts';
import * as docker from '../../shared/src/docker';
import * as protocol from '../../shared/src/protocol';
import { DescribeRunRequest, ListRunsRequest, LogProblemsNotification } from '../../shared/src/artifacts';
import { parseRunRecord, type RunRecord } from '../../shared/src/runRecord';
import { writeRecord } from '../../client/src/runner/runRecord';
import { readRunRecord } from '../../server/src/artifacts/runRecord';
import { repoRoot } from '../support/parser';

/** Never called: these functions exist for the type checker only. */
export function clientSide(client: LanguageClient): void {
  // @ts-expect-error controlLogs is a string
  void client.sendRequest(DescribeRunRequest, { controlLogs: 42 });
  // @ts-expect-error the run id is required
  void client.sendRequest(DescribeRunRequest, { controlLogs: '/x' });
  // @ts-expect-error paths is a list
  void client.sendNotification(LogProblemsNotification, { paths: '/x', warnings: false });
  void client.sendRequest(ListRunsRequest, { controlLogs: '/x' }).then((r) => {
    // @ts-expect-error the result is typed: runs are RunView objects
    const n: number = r.runs[0];
    return n;
  });
}

export function serverSide(connection: Connection): void {
  // @ts-expect-error a handler must return the declared result (RunView | null)
  connection.onRequest(DescribeRunRequest, () => 42);
  // @ts-expect-error params are typed: id is a string
  connection.onRequest(DescribeRunRequest, ({ id }) => id.toFixed());
}

test('every custom message (artifacts, docker, tests, trust, runs) is declared once, typed, with its own hi/ method', () => {
  const methods = [artifacts, docker, protocol].flatMap((m) => Object.values(m as Record<string, unknown>))
    .filter((v): v is { method: string } => !!v && typeof v === 'object' && typeof (v as { method?: unknown }).method === 'string')
    .map((v) => v.method);
  assert.ok(methods.length >= 20, methods.join(', '));
  assert.ok(methods.every((m) => m.startsWith('hi/')));
  assert.equal(new Set(methods).size, methods.length, 'no method name twice');
});

test('the run record is one format: what the runner writes is what the server reads; broken fields are dropped, not the run', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-record-'));
  const record: RunRecord = { runId: '20261125-101500-f00d01', test: 'TestSubnetRouteACL', pattern: '^TestSubnetRouteACL$', argv: ['go', 'run', './cmd/hi', 'run', '^TestSubnetRouteACL$'], cwd: dir, postgres: false, timeoutSeconds: 1200, startedAt: '2026-11-25T10:15:00.000Z', finishedAt: '2026-11-25T10:20:00.000Z', durationSeconds: 300, exitCode: 1, signal: null, status: 'failed', error: 'test failed: exit code 1', tests: [{ name: 'TestSubnetRouteACL', status: 'failed', durationSeconds: 290, failures: [{ file: 'route_test.go', line: 110, message: 'Condition never satisfied' }] }] };
  const file = writeRecord(record, dir)!;
  assert.deepEqual(readRunRecord(dir), record);
  fs.writeFileSync(file, JSON.stringify({ ...record, durationSeconds: 'long', status: 'weird', tests: [{ name: 'TestX', status: 'failed', failures: [{ file: 1 }] }] }));
  const broken = readRunRecord(dir)!;
  assert.equal(broken.test, 'TestSubnetRouteACL');
  assert.equal(broken.durationSeconds, undefined);
  assert.equal(broken.status, undefined);
  assert.deepEqual(broken.tests, [{ name: 'TestX', status: 'failed', failures: [] }]);
  assert.equal(parseRunRecord('{"half'), null);
});

test('client/src/artifacts and client/src/docker do not import each other (shared wording lives below both)', () => {
  for (const [from, other] of [['artifacts', 'docker'], ['docker', 'artifacts']]) {
    const dir = path.join(repoRoot, 'client', 'src', from);
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.ts'))) {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      assert.ok(!new RegExp(`from '\\.\\./${other}/`).test(text), `${from}/${f} imports ../${other}/`);
    }
  }
});
