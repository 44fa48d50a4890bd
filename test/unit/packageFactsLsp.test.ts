/**
 * Package facts from the other files of a document's directory, through the real server over
 * stdio: a `Must…` helper defined in a sibling file on disk is known to the editor as it is to the
 * CLI; changing the sibling (on disk, or open and edited) refreshes the dependant's diagnostics,
 * and what the editor shows after each change equals a fresh package analysis of the same texts.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  FileChangeType,
  PublishDiagnosticsNotification,
  type Diagnostic,
} from 'vscode-languageserver-protocol/node';
import { analyzePackage } from '../../server/src/analysis/analyze';
import { LineIndex } from '../../server/src/analysis/lineIndex';
import type { GoParser } from '../../server/src/analysis/parser';
import { defaultCapabilities, pullDiagnostics, startServer, type LspSession } from '../support/lspClient';
import { loadParser } from '../support/parser';

const HELPERS = `package integration

// MustFindNode panics when the node is not listed: an early tick sees exactly that.
func MustFindNode(hostname string, nodes []*v1.Node) *v1.Node {
	for _, node := range nodes {
		if node.GetName() == hostname {
			return node
		}
	}
	panic("node not found")
}
`;

const ROUTES = `package integration

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestRouterApproved(t *testing.T) {
	headscale, router := setup(t)
	assert.EventuallyWithT(t, func(c *assert.CollectT) {
		nodes, err := headscale.ListNodes()
		assert.NoError(c, err)
		node := MustFindNode(router.Hostname(), nodes)
		assert.Len(c, node.GetApprovedRoutes(), 1)
	}, 10*time.Second, 500*time.Millisecond, "the router's route should be approved")
}
`;

let dir: string;
let session: LspSession;
let parser: GoParser;
const helpersPath = () => path.join(dir, 'helpers.go');
const routesPath = () => path.join(dir, 'route_test.go');
const uriOf = (file: string) => pathToFileURL(file).toString();
let refreshes = 0;
let onRefresh: (() => void) | undefined;

before(async () => {
  parser = await loadParser();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-package-facts-'));
  fs.writeFileSync(helpersPath(), HELPERS);
  fs.writeFileSync(routesPath(), ROUTES);
  // A file that is not a regular file must be skipped, not block the server (a FIFO would).
  fs.mkdirSync(path.join(dir, 'dir.go'));
  session = await startServer({ capabilities: { ...defaultCapabilities, workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } } } });
  session.connection.onRequest('workspace/diagnostic/refresh', () => {
    refreshes++;
    onRefresh?.();
    return null;
  });
});
after(async () => {
  await session.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Resolves on the server's next workspace/diagnostic/refresh (the editor re-pulls then). */
function nextRefresh(): Promise<void> {
  return new Promise((resolve) => {
    onRefresh = () => {
      onRefresh = undefined;
      resolve();
    };
  });
}

const must = (items: Diagnostic[]) => items.filter((d) => d.code === 'ewt-must-in-callback');

/** What the CLI computes for route_test.go given these texts of the package's files. */
function fresh(helpers: string): string[] {
  const results = analyzePackage(parser, [
    { path: helpersPath(), text: helpers },
    { path: routesPath(), text: ROUTES },
  ]);
  const lines = new LineIndex(ROUTES);
  return (results.get(routesPath()) ?? []).map((f) => `${f.ruleId}@${JSON.stringify(lines.positionAt(f.start))}-${JSON.stringify(lines.positionAt(f.end))}`).sort();
}

const shown = (items: Diagnostic[]) => items.map((d) => `${d.code}@${JSON.stringify(d.range.start)}-${JSON.stringify(d.range.end)}`).sort();

test('a Must… helper defined in a sibling file on disk is found in the editor as by the CLI', async () => {
  await session.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uriOf(routesPath()), languageId: 'go', version: 1, text: ROUTES } });
  const items = await pullDiagnostics(session, uriOf(routesPath()));
  assert.equal(must(items).length, 1, JSON.stringify(items.map((d) => d.code)));
  assert.match(must(items)[0].message, /MustFindNode/);
  assert.deepEqual(shown(items), fresh(HELPERS), 'incremental = fresh');
});

test('the sibling changed on disk (watched file): refresh, and the finding goes', async () => {
  const noPanic = HELPERS.replace('panic("node not found")', 'return nil');
  fs.writeFileSync(helpersPath(), noPanic);
  const refreshed = nextRefresh();
  await session.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uriOf(helpersPath()), type: FileChangeType.Changed }] });
  await refreshed;
  const items = await pullDiagnostics(session, uriOf(routesPath()));
  assert.equal(must(items).length, 0);
  assert.deepEqual(shown(items), fresh(noPanic), 'incremental = fresh');
});

test('the sibling open and edited: its in-memory text counts, dependants refresh once edits pause', async () => {
  const onDisk = fs.readFileSync(helpersPath(), 'utf8');
  const helpersUri = uriOf(helpersPath());
  await session.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: helpersUri, languageId: 'go', version: 1, text: onDisk } });
  await pullDiagnostics(session, helpersUri);

  // Make it panic again: typed as an edit of the open document (not saved).
  const at = new LineIndex(onDisk).positionAt(onDisk.indexOf('return nil'));
  const panicAgain = onDisk.replace('return nil', 'panic("node not found")');
  let refreshed = nextRefresh();
  await session.connection.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri: helpersUri, version: 2 },
    contentChanges: [{ range: { start: at, end: { line: at.line, character: at.character + 'return nil'.length } }, text: 'panic("node not found")' }],
  });
  await refreshed;
  let items = await pullDiagnostics(session, uriOf(routesPath()));
  assert.equal(must(items).length, 1, 'the unsaved helper panics again');
  assert.deepEqual(shown(items), fresh(panicAgain), 'incremental = fresh');

  // Rename it: the call in route_test.go no longer names a panicking lookup.
  const nameAt = new LineIndex(panicAgain).positionAt(panicAgain.indexOf('MustFindNode('));
  const renamed = panicAgain.replace('MustFindNode(', 'MustFindNodeByName(');
  refreshed = nextRefresh();
  await session.connection.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri: helpersUri, version: 3 },
    contentChanges: [{ range: { start: nameAt, end: { line: nameAt.line, character: nameAt.character + 'MustFindNode'.length } }, text: 'MustFindNodeByName' }],
  });
  await refreshed;
  items = await pullDiagnostics(session, uriOf(routesPath()));
  assert.equal(must(items).length, 0, 'a renamed helper is another function');
  assert.deepEqual(shown(items), fresh(renamed), 'incremental = fresh');

  // Closing it brings back the disk's text, where MustFindNodeByName does not exist: facts change.
  refreshed = nextRefresh();
  await session.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: helpersUri } });
  await refreshed;
  items = await pullDiagnostics(session, uriOf(routesPath()));
  assert.deepEqual(shown(items), fresh(onDisk), 'incremental = fresh after close');
});

test('editing the dependant itself reuses the siblings\' facts (no refresh, same result)', async () => {
  const routesUri = uriOf(routesPath());
  const before = refreshes;
  const end = new LineIndex(ROUTES).positionAt(ROUTES.length);
  await session.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: routesUri, version: 2 }, contentChanges: [{ range: { start: end, end }, text: '\n' }] });
  await session.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: routesUri, version: 3 }, contentChanges: [{ range: { start: end, end: { line: end.line + 1, character: 0 } }, text: '' }] });
  const items = await pullDiagnostics(session, routesUri);
  assert.deepEqual(shown(items), fresh(fs.readFileSync(helpersPath(), 'utf8')));
  assert.equal(refreshes, before, 'typing in a dependant with no open sibling changes no facts');
  assert.doesNotMatch(session.stderr(), /uncaught/);
});

/**
 * A package folder whose helpers.go (MustFindNode, then 200 KB more) is over what one analysis
 * reads before answering, beside ROUTES; `use` gets route_test.go's path.
 */
async function withBigSibling(use: (routes: string) => Promise<void>): Promise<void> {
  const big = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-package-facts-big-'));
  try {
    const filler = Array.from({ length: 2500 }, (_, i) => `func helper${i}(nodes []string) int { return len(nodes) + ${i} }`).join('\n\n');
    fs.writeFileSync(path.join(big, 'helpers.go'), `${HELPERS}\n${filler}\n`);
    const routes = path.join(big, 'route_test.go');
    fs.writeFileSync(routes, ROUTES);
    await use(routes);
    await session.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: uriOf(routes) } });
  } finally {
    fs.rmSync(big, { recursive: true, force: true });
  }
}

test('a sibling over the synchronous read budget is read after the first diagnostics, then they refresh', () =>
  withBigSibling(async (routes) => {
    const refreshed = nextRefresh();
    await session.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uriOf(routes), languageId: 'go', version: 1, text: ROUTES } });
    assert.equal(must(await pullDiagnostics(session, uriOf(routes))).length, 0, 'answered before the big sibling was read');
    await refreshed;
    assert.equal(must(await pullDiagnostics(session, uriOf(routes))).length, 1, 'after the background read, MustFindNode is known');
  }));

test('the background read of a big sibling waits while the editor keeps asking, so it never holds up an answer', () =>
  withBigSibling(async (routes) => {
    let refreshed = false;
    const refresh = nextRefresh().then(() => (refreshed = true));
    await session.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uriOf(routes), languageId: 'go', version: 1, text: ROUTES } });
    // Edits (each analysed, so each asks for the siblings) for longer than the big read's wait.
    const until = performance.now() + 800;
    for (let version = 2; performance.now() < until; version++) {
      const text = `${ROUTES}\n// edit ${version}\n`;
      await session.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: uriOf(routes), version }, contentChanges: [{ text }] });
      assert.equal(must(await pullDiagnostics(session, uriOf(routes))).length, 0, 'the big sibling is not read yet');
    }
    assert.equal(refreshed, false, 'no background read while the editor was busy');
    await refresh;
    assert.equal(must(await pullDiagnostics(session, uriOf(routes))).length, 1, 'read once the editor went quiet');
  }));

test('push-mode clients (no pull diagnostics) get the dependant pushed again when a sibling changes', async () => {
  const pushDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-package-facts-push-'));
  const push = await startServer({ capabilities: { workspace: { configuration: true } } });
  try {
    const helpers = path.join(pushDir, 'helpers.go');
    const routes = path.join(pushDir, 'route_test.go');
    fs.writeFileSync(helpers, HELPERS);
    fs.writeFileSync(routes, ROUTES);
    const published: Diagnostic[][] = [];
    let onPublish: (() => void) | undefined;
    push.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      if (p.uri !== uriOf(routes)) return;
      published.push(p.diagnostics);
      onPublish?.();
    });
    const nextPublish = () => new Promise<void>((resolve) => (onPublish = resolve));
    let pushed = nextPublish();
    await push.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uriOf(routes), languageId: 'go', version: 1, text: ROUTES } });
    await pushed;
    assert.equal(must(published.at(-1)!).length, 1);
    // The sibling opened and edited so that it no longer panics.
    const helpersUri = uriOf(helpers);
    await push.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: helpersUri, languageId: 'go', version: 1, text: HELPERS } });
    const at = new LineIndex(HELPERS).positionAt(HELPERS.indexOf('panic("node not found")'));
    pushed = nextPublish();
    await push.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: helpersUri, version: 2 },
      contentChanges: [{ range: { start: at, end: { line: at.line, character: at.character + 'panic("node not found")'.length } }, text: 'return nil' }],
    });
    await pushed;
    assert.equal(must(published.at(-1)!).length, 0, 'pushed again without the finding');
  } finally {
    await push.close();
    fs.rmSync(pushDir, { recursive: true, force: true });
  }
});
