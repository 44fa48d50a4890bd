/**
 * hs-test-contract through the real server over stdio, in a real git repository: the warning
 * with related information into the read-only base document (`hi/contractBase`), the restore
 * quick fix, the explain action, the hover on the test name, and Restricted Mode (no git).
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CodeActionRequest, DidChangeTextDocumentNotification, DidOpenTextDocumentNotification, HoverRequest, type CodeAction, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { ContractBaseRequest, TrustChangedNotification } from '../../shared/src/protocol';
import { pullDiagnostics, startServer, type LspSession } from '../support/lspClient';

const ORIGINAL = `package integration

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNodeCount(t *testing.T) {
	nodes, err := headscale.ListNodes()
	require.NoError(t, err)
	require.Len(t, nodes, 3)
}
`;

const temps: string[] = [];
after(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function repo(): { file: string; uri: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-contract-lsp-'));
  temps.push(dir);
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid' };
  fs.mkdirSync(path.join(dir, 'integration'));
  const file = path.join(dir, 'integration', 'general_test.go');
  fs.writeFileSync(file, ORIGINAL);
  for (const args of [['init', '-q'], ['add', '.'], ['commit', '-qm', 'base']]) execFileSync('git', args, { cwd: dir, env });
  return { file, uri: pathToFileURL(file).toString() };
}

/** Resolves on the server's next diagnostics refresh request (the contract result arrived). */
function nextRefresh(s: LspSession): Promise<void> {
  return new Promise((resolve) => s.connection.onRequest('workspace/diagnostic/refresh', () => (resolve(), null)));
}

async function contractDiagnostics(s: LspSession, uri: string, wanted: (d: Diagnostic[]) => boolean): Promise<Diagnostic[]> {
  for (;;) {
    const refreshed = nextRefresh(s);
    const items = (await pullDiagnostics(s, uri)).filter((d) => d.code === 'hs-test-contract');
    if (wanted(items)) return items;
    await refreshed;
  }
}

test('contract over LSP: warning with the base line, restore quick fix, hover, then gone', async () => {
  const { file, uri } = repo();
  const edited = ORIGINAL.replace('require.Len(t, nodes, 3)', 'require.Len(t, nodes, 2)');
  fs.writeFileSync(file, edited);
  const s = await startServer();
  try {
    await s.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'go', version: 1, text: edited } });
    const [d] = await contractDiagnostics(s, uri, (items) => items.length > 0);
    assert.equal(d.message, 'Expected 3 nodes at HEAD, now 2 (require.Len).');
    assert.equal(d.severity, 2);
    assert.equal(edited.split('\n')[d.range.start.line].slice(d.range.start.character, d.range.end.character), '2');
    const related = d.relatedInformation![0];
    assert.match(related.location.uri, /^hi-contract-base:/);
    assert.equal(related.message, 'At HEAD: require.Len(t, nodes, 3)');
    const base = await s.connection.sendRequest(ContractBaseRequest, { uri: related.location.uri });
    assert.equal(base.text, ORIGINAL);
    assert.equal(ORIGINAL.split('\n')[related.location.range.start.line].trim(), 'require.Len(t, nodes, 3)');

    const hover = await s.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 8, character: 7 } });
    assert.match((hover!.contents as { value: string }).value, /Contract changed since HEAD.*\n- Expected 3 nodes at HEAD, now 2/);

    const actions = (await s.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: d.range, context: { diagnostics: [d], only: ['quickfix'] } })) as CodeAction[];
    assert.ok(actions.some((a) => a.title.startsWith('Explain this contract change')));
    const restore = actions.find((a) => a.title === 'Restore the expectation from HEAD');
    assert.ok(restore, actions.map((a) => a.title).join(', '));
    const [edit] = restore.edit!.changes![uri];
    assert.equal(edit.newText, '3');
    // The contract result for version 2 arrives with its own refresh (its schedule, after typing stops).
    const checked = nextRefresh(s);
    await s.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ range: edit.range, text: edit.newText }] });
    await checked;
    assert.deepEqual((await pullDiagnostics(s, uri)).filter((x) => x.code === 'hs-test-contract'), []);
    const after = await s.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 8, character: 7 } });
    assert.match((after!.contents as { value: string }).value, /Contract: unchanged since HEAD/);
  } finally {
    await s.close();
  }
});

test('contract over LSP: Restricted Mode runs no git until the workspace is trusted', async () => {
  const { file, uri } = repo();
  const edited = ORIGINAL.replace('require.Len(t, nodes, 3)', 'require.Len(t, nodes, 2)');
  fs.writeFileSync(file, edited);
  const s = await startServer({ initializationOptions: { trusted: false } });
  try {
    await s.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'go', version: 1, text: edited } });
    assert.deepEqual((await pullDiagnostics(s, uri)).filter((d) => d.code === 'hs-test-contract'), []);
    const baseUri = `hi-contract-base:${new URL(uri).pathname}?${encodeURIComponent('commit=0123456789abcdef&path=integration/general_test.go&label=HEAD')}`;
    assert.equal((await s.connection.sendRequest(ContractBaseRequest, { uri: baseUri })).text, null);
    await s.connection.sendNotification(TrustChangedNotification, { trusted: true });
    const items = await contractDiagnostics(s, uri, (list) => list.length > 0);
    assert.match(items[0].message, /Expected 3 nodes at HEAD, now 2/);
  } finally {
    await s.close();
  }
});

test('hs-test-doc over LSP: a test added since the base without godoc gets an information and the scaffold quick fix', async () => {
  const { file, uri } = repo();
  const edited = ORIGINAL + '\nfunc TestNodeExpiry(t *testing.T) {\n\trequire.NoError(t, nil)\n}\n';
  fs.writeFileSync(file, edited);
  const s = await startServer();
  try {
    await s.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'go', version: 1, text: edited } });
    let docs: Diagnostic[] = [];
    for (;;) {
      const refreshed = nextRefresh(s);
      docs = (await pullDiagnostics(s, uri)).filter((d) => d.code === 'hs-test-doc');
      if (docs.length > 0) break;
      await refreshed;
    }
    // Only the new test: TestNodeCount existed at HEAD (headscale.contract.docExistingTests is off).
    assert.equal(docs.length, 1);
    assert.equal(docs[0].severity, 3);
    assert.match(docs[0].message, /^TestNodeExpiry has no doc comment \(new since HEAD\)/);
    const actions = (await s.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: docs[0].range, context: { diagnostics: [docs[0]], only: ['quickfix'] } })) as CodeAction[];
    const scaffold = actions.find((a) => a.title.startsWith('Add the godoc scaffold'));
    assert.ok(scaffold?.command, actions.map((a) => a.title).join(', '));
    const [target, line, snippet] = scaffold.command.arguments as [string, number, string];
    assert.equal(target, uri);
    assert.equal(edited.split('\n')[line], 'func TestNodeExpiry(t *testing.T) {');
    assert.match(snippet, /^\/\/ TestNodeExpiry \$\{1:[^}]+\}\.\n\/\/\n\/\/ The test verifies:\n\/\/ - \$\{2:/);
  } finally {
    await s.close();
  }
});
