/**
 * The language server as a real process over stdio JSON-RPC: open, pull diagnostics, ask for
 * code actions, apply the edit with an incremental change, re-pull, hover, settings.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  HoverRequest,
  PublishDiagnosticsNotification,
  type CodeAction,
  type Diagnostic,
  type PublishDiagnosticsParams,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { DeleteRunsRequest, DescribeRunRequest, ListRunsRequest, LogErrorsRequest, LogProblemsNotification } from '../../shared/src/artifacts';
import { repoRoot } from '../support/parser';
import { pullDiagnostics, startServer, type LspSession } from '../support/lspClient';

const fixture = path.join(repoRoot, 'test', 'fixtures', 'ewt-outer-t', 'outer_t_test.go');
const text = fs.readFileSync(fixture, 'utf8');
const uri = pathToFileURL(fixture).toString();

let session: LspSession;
before(async () => {
  session = await startServer();
  await session.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'go', version: 1, text } });
});
after(async () => session.close());

function apply(source: string, edits: TextEdit[]): string {
  const lines = source.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return [...edits]
    .sort((a, b) => offset(b.range.start) - offset(a.range.start))
    .reduce((s, e) => s.slice(0, offset(e.range.start)) + e.newText + s.slice(offset(e.range.end)), source);
}

test('pull diagnostics carry code, source, doc link, related info and data', async () => {
  const items = await pullDiagnostics(session, uri);
  const outerT = items.filter((d) => d.code === 'ewt-outer-t');
  assert.equal(outerT.length, 5, JSON.stringify(items.map((d) => d.code)));
  const d = outerT[0];
  assert.equal(d.source, 'hi workbench');
  assert.match(d.codeDescription!.href, /\/docs\/rules\/ewt-outer-t\.md$/);
  assert.ok(fs.existsSync(fileURLToPath(d.codeDescription!.href)), 'the rule page exists where the link points');
  assert.equal(d.severity, 1);
  assert.deepEqual(d.data, { ruleId: 'ewt-outer-t', version: 1 });
  assert.ok(d.relatedInformation && d.relatedInformation[0].message.includes('EventuallyWithT'));
  // The range covers the whole assertion call, not the single character t.
  assert.match(text.split('\n')[d.range.start.line].slice(d.range.start.character, d.range.end.character), /^assert\.\w+\(t, .*\)$/);
});

test('quick fix applied through an incremental change removes the finding; hover explains', async () => {
  const before = await pullDiagnostics(session, uri);
  const target = before.find((d) => d.code === 'ewt-outer-t')!;
  const actions = (await session.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri },
    range: target.range,
    context: { diagnostics: [target], only: ['quickfix'] },
  })) as CodeAction[];
  const fix = actions.find((a) => a.isPreferred);
  assert.ok(fix, `no preferred fix among ${actions.map((a) => a.title).join(', ')}`);
  assert.ok(actions.some((a) => a.title === 'Suppress ewt-outer-t on this line'));
  const edits = fix.edit!.changes![uri];
  const fixedText = apply(text, edits);
  await session.connection.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: 2 },
    contentChanges: edits.map((e) => ({ range: e.range, text: e.newText })),
  });
  const afterFix = await pullDiagnostics(session, uri);
  assert.equal(afterFix.filter((d) => d.code === 'ewt-outer-t').length, 4);
  assert.ok(!afterFix.some((d) => d.range.start.line === target.range.start.line && d.code === 'ewt-outer-t'));
  assert.ok(fixedText.includes('assert.NoError(c, err)'));

  const hover = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: afterFix.find((d) => d.code === 'ewt-outer-t')!.range.start });
  const value = (hover!.contents as { value: string }).value;
  assert.match(value, /Assert on the CollectT inside the callback, not on t/);
  assert.match(value, /Incorrect:/);
});

test('source.fixAll returns one combined edit of preferred fixes', async () => {
  const actions = (await session.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    context: { diagnostics: [], only: ['source.fixAll'] },
  })) as CodeAction[];
  assert.equal(actions.length, 1);
  assert.equal(actions[0].kind, 'source.fixAll.hi-workbench');
  assert.ok(actions[0].edit!.changes![uri].length >= 4);
});

test('settings: levels apply, and a configuration change takes effect', async () => {
  const s = await startServer({ settings: { rules: { 'ewt-outer-t': 'off', 'ewt-message': 'error' } } });
  try {
    const messages = path.join(repoRoot, 'test', 'fixtures', 'ewt-message', 'message_test.go');
    const u = pathToFileURL(messages).toString();
    await s.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: u, languageId: 'go', version: 1, text: fs.readFileSync(messages, 'utf8') } });
    await s.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'go', version: 1, text } });
    const msgItems = (await pullDiagnostics(s, u)).filter((d: Diagnostic) => d.code === 'ewt-message');
    // As many as the fixture's `// want "ewt-message…"` comments.
    const wanted = (fs.readFileSync(messages, 'utf8').match(/\/\/ want "ewt-message/g) ?? []).length;
    assert.ok(wanted > 0);
    assert.equal(msgItems.length, wanted);
    assert.ok(msgItems.every((d) => d.severity === 1), 'ewt-message forced to error');
    assert.equal((await pullDiagnostics(s, uri)).filter((d) => d.code === 'ewt-outer-t').length, 0);
    s.setSettings({});
    await s.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: {} });
    assert.equal((await pullDiagnostics(s, uri)).filter((d) => d.code === 'ewt-outer-t').length, 5);
  } finally {
    await s.close();
  }
});

test('a client without pull support gets pushed diagnostics', async () => {
  const s = await startServer({ capabilities: { workspace: {} } });
  try {
    const published = new Promise<PublishDiagnosticsParams>((resolve) => s.connection.onNotification(PublishDiagnosticsNotification.type, resolve));
    await s.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'go', version: 1, text } });
    const p = await published;
    assert.equal(p.uri, uri);
    assert.ok(p.diagnostics.some((d) => d.code === 'ewt-outer-t'));
  } finally {
    await s.close();
  }
});

test('artifacts over stdio: runs listed newest first, describing publishes nothing, Problems follow the set of open logs, deleting a run clears them', async () => {
  const controlLogs = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-lsp-cl-'));
  const demo = path.join(repoRoot, 'demo', 'control_logs');
  for (const id of fs.readdirSync(demo)) fs.cpSync(path.join(demo, id), path.join(controlLogs, id), { recursive: true });
  const listed = await session.connection.sendRequest(ListRunsRequest, { controlLogs });
  assert.deepEqual(listed.runs.map((r) => r.id), fs.readdirSync(demo).sort().reverse());
  assert.equal(listed.totalBytes, listed.runs.reduce((n, r) => n + r.sizeBytes, 0));
  const code = listed.runs.find((r) => r.triage === 'code')!;
  const hs = code.files.find((f) => f.kind === 'hs-stderr')!;
  const hsUri = pathToFileURL(hs.path).toString();
  const published = new Map<string, Diagnostic[]>();
  const notifications: string[] = [];
  const seen = (u: string, pred: (d: Diagnostic[]) => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => (published.has(u) && pred(published.get(u)!) ? resolve() : setTimeout(check, 10));
      check();
    });
  session.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
    published.set(p.uri, p.diagnostics);
    notifications.push(p.uri);
  });
  const described = await session.connection.sendRequest(DescribeRunRequest, { controlLogs, id: code.id });
  assert.ok(described);
  assert.equal(described.errorCount, code.errorCount);
  // A round trip after describing: had it published anything, it would have arrived first.
  await session.connection.sendRequest(LogErrorsRequest, { path: hs.path });
  assert.deepEqual(notifications, [], 'describing a run or asking for a log\'s errors publishes nothing');
  await session.connection.sendNotification(LogProblemsNotification, { paths: [hs.path], warnings: false });
  await seen(hsUri, (d) => d.length > 0);
  assert.deepEqual(published.get(hsUri)!.map((d) => d.range.start.line + 1), hs.errors.map((e) => e.line));
  assert.ok(published.get(hsUri)!.every((d) => d.source === 'hi workbench logs' && d.severity === 1), 'errors only');
  await session.connection.sendNotification(LogProblemsNotification, { paths: [hs.path], warnings: true });
  await seen(hsUri, (d) => d.length === hs.errors.length + hs.warnings.length);
  await session.connection.sendNotification(LogProblemsNotification, { paths: [], warnings: true });
  await seen(hsUri, (d) => d.length === 0);
  await session.connection.sendNotification(LogProblemsNotification, { paths: [hs.path], warnings: false });
  await seen(hsUri, (d) => d.length > 0);
  const result = await session.connection.sendRequest(DeleteRunsRequest, { controlLogs, ids: [code.id] });
  assert.deepEqual(result.deleted, [code.id]);
  await seen(hsUri, (d) => d.length === 0);
  assert.ok(!fs.existsSync(code.path));
  assert.equal(fs.readdirSync(controlLogs).length, listed.runs.length - 1);
});

test('artifacts over stdio: a log with 300 error lines counts all of them and puts 200 in Problems', async () => {
  const controlLogs = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-lsp-cap-'));
  const id = '20261125-120000-cafe01';
  fs.mkdirSync(path.join(controlLogs, id));
  const log = path.join(controlLogs, id, 'hs-cap-abcdef.stderr.log');
  fs.writeFileSync(log, Array.from({ length: 300 }, (_, i) => `2026-11-25T12:00:00Z ERR failure ${i + 1}`).join('\n') + '\n');
  const uri = pathToFileURL(log).toString();
  const published = new Promise<PublishDiagnosticsParams>((resolve) => session.connection.onNotification(PublishDiagnosticsNotification.type, (p) => p.uri === uri && resolve(p)));
  const run = (await session.connection.sendRequest(DescribeRunRequest, { controlLogs, id }))!;
  assert.equal(run.files[0].errorCount, 300);
  await session.connection.sendNotification(LogProblemsNotification, { paths: [log], warnings: false });
  const p = await published;
  assert.equal(p.diagnostics.length, 200);
  assert.deepEqual(p.diagnostics.map((d) => d.range.start.line + 1), Array.from({ length: 200 }, (_, i) => i + 1));
});
