/**
 * The wire protocol is declared once, typed: a wrong payload or result does not compile on either
 * side. The `@ts-expect-error` lines are the test (tsc fails the build if any of them type-checks);
 * the runtime test checks that every declared message has its own `hi/` method name.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { Connection } from 'vscode-languageserver';
import * as artifacts from '../../shared/src/artifacts';
import { DescribeRunRequest, ListRunsRequest, LogProblemsNotification } from '../../shared/src/artifacts';

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

test('every artifacts message is declared once with its own hi/ method', () => {
  const methods = Object.values(artifacts as Record<string, unknown>)
    .filter((v): v is { method: string } => !!v && typeof v === 'object' && typeof (v as { method?: unknown }).method === 'string')
    .map((v) => v.method);
  assert.ok(methods.length >= 8, methods.join(', '));
  assert.ok(methods.every((m) => m.startsWith('hi/')));
  assert.equal(new Set(methods).size, methods.length, 'no method name twice');
});
