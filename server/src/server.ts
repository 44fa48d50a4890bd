import { fileURLToPath } from 'url';
import {
  CodeActionKind,
  createConnection,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  ProposedFeatures,
  TextDocumentSyncKind,
  type InitializeResult,
} from 'vscode-languageserver/node';
import * as path from 'path';
import {
  ContractBaseRequest,
  DiscoverTestsRequest,
  GO_LANGUAGE_ID,
  RunsChangedNotification,
  TestHistoryRequest,
  type TestHistoryParams,
  type TestHistoryResult,
  TrustChangedNotification,
  type ContractBaseParams,
  type ContractBaseResult,
  type DiscoverTestsParams,
  type DiscoverTestsResult,
  type InitializationOptions,
} from '../../shared/src/protocol';
import { GoParser } from './analysis/parser';
import { codeActions } from './codeActions';
import { contractDiagnostics, CONTRACT_RULE, documentDiagnostics, DOC_RULE, testDocDiagnostics } from './diagnostics';
import { ContractService } from './contractService';
import { contractCodeActions } from './contractActions';
import { contractHoverSection } from './contractHover';
import { DocumentStore, type AnalyzedDocument } from './documentStore';
import { hoverAt, testHoverAt } from './hover';
import { lensesFor } from './lenses';
import { isIntegrationTestFile, testInfos } from './discovery/testInfo';
import { testHistory } from './discovery/historyView';
import { SettingsStore } from './settingsStore';
import { registerArtifacts } from './artifactsService';
import { registerDocker } from './dockerService';
import { findRipgrep } from './artifacts/ripgrep';
import { READ_LIMITS, readRegularText } from './safeRead';

/**
 * The hi workbench language server. Run standalone with `node dist/server.js --stdio` (any LSP
 * editor), or started by the VS Code extension. All parsing and analysis happens here.
 */
const connection = createConnection(ProposedFeatures.all);
const settings = new SettingsStore(connection);
let store: DocumentStore | undefined;
/** hs-test-contract: git-backed, on its own schedule (never on the typing path). */
let contract: ContractService | undefined;
const warnedOnce = new Set<string>();
let pullDiagnostics = false;
/**
 * The server's own trust flag: from the initialization options and hi/trustChanged. A server
 * started without `trusted: true` treats the workspace as untrusted (it fails closed): it deletes
 * nothing, removes no container and ignores regexp settings; analysis works the same.
 */
let trusted = false;
let parser: GoParser | undefined;
/** Bumped when a run finishes: "Last run" lenses and hovers are recomputed. */
let historyGeneration = 0;
/** ripgrep for large logs: VS Code's bundled binary (sent by the extension) or `rg` on PATH. */
let ripgrep: string | null = null;
const reportedRuleErrors = new Set<string>();
/** The client can watch files for us (workspace/didChangeWatchedFiles with dynamic registration). */
let canWatchFiles = false;
/** Directories whose open documents may need new package facts, checked once edits pause. */
const pendingFactChecks = new Map<string, NodeJS.Timeout>();
/** Typing in a helper file recomputes its facts once it pauses, not on every keystroke. */
const FACT_CHECK_DELAY_MS = 150;

function uriToPath(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  } catch {
    return uri;
  }
}

connection.onInitialize(async (params): Promise<InitializeResult> => {
  const caps = params.capabilities;
  settings.supportsConfiguration = !!caps.workspace?.configuration;
  pullDiagnostics = !!caps.textDocument?.diagnostic;
  canWatchFiles = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
  const options = params.initializationOptions as InitializationOptions | undefined;
  trusted = options?.trusted === true;
  settings.setTrusted(trusted);
  ripgrep = findRipgrep(options?.ripgrepPath);
  connection.console.info(`control_logs scans use ${ripgrep ?? "the built-in scanner (no ripgrep found)"}`);
  parser = await GoParser.load({ wasmDir: __dirname });
  store = new DocumentStore(parser, (ruleId, error) => {
    // One log line per failing rule per session: a bug must be visible, not spammy.
    if (reportedRuleErrors.has(ruleId)) return;
    reportedRuleErrors.add(ruleId);
    connection.console.error(`rule ${ruleId} failed and was skipped: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  }, (dir) => checkPackageFacts(dir, 0));
  contract = new ContractService(parser, {
    trusted: () => trusted,
    settings: (uri) => settings.forResource(uri),
    document: (uri) => store?.snapshot(uri),
    contract: async (uri, pause) => store?.contract(uri, pause),
    changed: (uri) => {
      if (pullDiagnostics) connection.languages.diagnostics.refresh();
      else void push(uri);
    },
    warnOnce: (key, message) => {
      if (warnedOnce.has(key)) return;
      warnedOnce.add(key);
      connection.console.warn(message);
      void connection.window.showWarningMessage(`hi workbench: ${message}`);
    },
  });
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      diagnosticProvider: pullDiagnostics ? { interFileDependencies: false, workspaceDiagnostics: false } : undefined,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll] },
      hoverProvider: true,
      codeLensProvider: { resolveProvider: false },
    },
    serverInfo: { name: 'hi-workbench', version: '0.1.0' },
  };
});

connection.onInitialized(() => {
  connection.console.info(`hi workbench server ready (${pullDiagnostics ? 'pull' : 'push'} diagnostics, workspace ${trusted ? 'trusted' : 'restricted'})`);
  // After a restart the editor may have pulled while the documents were still being re-sent, and
  // keystrokes typed meanwhile trigger no new pull: ask once for fresh diagnostics of all open files.
  if (pullDiagnostics) connection.languages.diagnostics.refresh();
  // Package facts of files that are not open come from the disk; the client tells us when they
  // change. Without a watcher the server re-stats the directory on each analysis instead.
  if (canWatchFiles) {
    void connection.client
      .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.go' }] })
      .then(() => {
        if (store) store.packageFacts.watching = true;
      })
      .catch(() => undefined);
  }
});

/**
 * A file's package facts may have changed (a helper edited, opened, closed or changed on disk):
 * documents of its directory whose analysis used other facts get fresh diagnostics.
 */
function checkPackageFacts(dir: string | undefined, delayMs: number): void {
  if (!dir) return;
  clearTimeout(pendingFactChecks.get(dir));
  pendingFactChecks.set(
    dir,
    setTimeout(() => {
      pendingFactChecks.delete(dir);
      const stale = store?.staleDependants(dir) ?? [];
      if (stale.length === 0) return;
      if (pullDiagnostics) connection.languages.diagnostics.refresh();
      else for (const uri of stale) void push(uri);
    }, delayMs),
  );
}

async function analyzed(uri: string): Promise<AnalyzedDocument | undefined> {
  if (!store?.has(uri)) return undefined;
  return store.analyzed(uri, await settings.forResource(uri));
}

/** Every diagnostic of a document: the per-declaration rules, then hs-test-contract (when its result is for this version). */
async function diagnosticsOf(uri: string, doc: AnalyzedDocument) {
  const items = documentDiagnostics(uri, doc);
  const state = doc.tooLarge ? undefined : contract?.state(uri, doc.version, doc.lines.lineCount);
  if (state) {
    const levels = (await settings.forResource(uri)).settings.rules;
    if (state.base) items.push(...contractDiagnostics(uri, doc.lines, doc.version, state.changes, state.base, levels[CONTRACT_RULE] ?? 'default'));
    items.push(...testDocDiagnostics(doc.lines, doc.version, state.docs, levels[DOC_RULE] ?? 'default'));
  }
  return items;
}

async function push(uri: string): Promise<void> {
  const doc = await analyzed(uri);
  if (doc) connection.sendDiagnostics({ uri, version: doc.version, diagnostics: await diagnosticsOf(uri, doc) });
}

connection.onDidOpenTextDocument(({ textDocument }) => {
  if (textDocument.languageId !== GO_LANGUAGE_ID && !textDocument.uri.endsWith('.go')) return;
  store?.open(textDocument.uri, uriToPath(textDocument.uri), textDocument.text, textDocument.version);
  contract?.schedule(textDocument.uri, 0);
  if (!pullDiagnostics) void push(textDocument.uri);
  if (store?.hasSiblingsOpen(textDocument.uri)) checkPackageFacts(store.directoryOf(textDocument.uri), FACT_CHECK_DELAY_MS);
});

connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
  store?.change(textDocument.uri, contentChanges, textDocument.version);
  contract?.schedule(textDocument.uri);
  if (!pullDiagnostics) void push(textDocument.uri);
  if (store?.hasSiblingsOpen(textDocument.uri)) checkPackageFacts(store.directoryOf(textDocument.uri), FACT_CHECK_DELAY_MS);
});

connection.onDidCloseTextDocument(({ textDocument }) => {
  const dir = store?.directoryOf(textDocument.uri);
  store?.close(textDocument.uri);
  contract?.forget(textDocument.uri);
  if (!pullDiagnostics) connection.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] });
  checkPackageFacts(dir, FACT_CHECK_DELAY_MS);
});

connection.onDidChangeWatchedFiles(({ changes }) => {
  const dirs = new Set<string>();
  for (const { uri } of changes) {
    if (!uri.endsWith('.go')) continue;
    const file = uriToPath(uri);
    store?.packageFacts.changedOnDisk(file);
    dirs.add(path.dirname(file));
  }
  for (const dir of dirs) checkPackageFacts(dir, 0);
});

connection.languages.diagnostics.on(async ({ textDocument }) => {
  const doc = await analyzed(textDocument.uri);
  return {
    kind: DocumentDiagnosticReportKind.Full,
    items: doc ? await diagnosticsOf(textDocument.uri, doc) : [],
  };
});

connection.onDidChangeConfiguration(() => {
  settings.clear();
  contract?.recheckAll(store?.uris() ?? []);
  void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  if (pullDiagnostics) connection.languages.diagnostics.refresh();
  else for (const uri of store?.uris() ?? []) void push(uri);
});

connection.onCodeAction(async (params) => {
  const doc = await analyzed(params.textDocument.uri);
  if (!doc) return [];
  const state = contract?.state(doc.uri, doc.version);
  return [...codeActions(doc, params), ...(state ? contractCodeActions(doc.uri, doc.text, doc.lines, state, params) : [])];
});

connection.onHover(async ({ textDocument, position }) => {
  const doc = await analyzed(textDocument.uri);
  if (!doc) return null;
  const findingHover = hoverAt(doc, position);
  if (findingHover) return findingHover;
  const tests = store?.tests(textDocument.uri, await settings.forResource(textDocument.uri), historyGeneration);
  const hover = tests ? testHoverAt(tests, position) : null;
  const test = hover && tests ? testAt(tests.tests, position) : null;
  const section = test ? contractHoverSection(contract?.state(doc.uri, doc.version, doc.lines.lineCount), test) : null;
  if (hover && section && typeof hover.contents === 'object' && 'value' in hover.contents) hover.contents.value += `\n\n${section}`;
  return hover;
});

connection.onCodeLens(async ({ textDocument }) => {
  const uri = textDocument.uri;
  if (!store?.has(uri)) return [];
  const s = await settings.forResource(uri);
  // Lenses need the tests and the package clause, not the rules' analysis: an edit costs one
  // incremental re-parse (shared with the diagnostics) and the edited test function.
  const tests = store.tests(uri, s, historyGeneration);
  const doc = store.snapshot(uri);
  if (!tests || !doc) return [];
  return lensesFor(tests, packageLineOf(doc.text), s.run, trusted);
});

connection.onRequest(DiscoverTestsRequest, async ({ uri }: DiscoverTestsParams): Promise<DiscoverTestsResult> => {
  const s = await settings.forResource(uri);
  const open = store?.tests(uri, s, historyGeneration);
  if (open) return open;
  const file = uriToPath(uri);
  // The Test Explorer asks again when a test file changed on disk: its package facts may have too.
  store?.packageFacts.changedOnDisk(file);
  checkPackageFacts(path.dirname(file), 0);
  if (!parser || !isIntegrationTestFile(file)) return { tests: [], fileRun: null, fileRunPostgres: null };
  let text: string;
  try {
    // The Test Explorer's watcher sends every *_test.go it sees: a link to /dev/zero or a FIFO
    // must not be read (or waited on).
    text = readRegularText(file, READ_LIMITS.goSource);
  } catch {
    return { tests: [], fileRun: null, fileRunPostgres: null };
  }
  const tree = parser.parse(text);
  try {
    return testInfos(file, uri, text, tree, s.run, historyGeneration);
  } finally {
    tree.delete();
  }
});

connection.onRequest(ContractBaseRequest, async ({ uri }: ContractBaseParams): Promise<ContractBaseResult> => ({ text: (await contract?.baseText(uri)) ?? null }));
connection.onRequest(TestHistoryRequest, async ({ uri, test }: TestHistoryParams): Promise<TestHistoryResult> => {
  const s = await settings.forResource(uri);
  return testHistory(uriToPath(uri), test, s.run.controlLogs, historyGeneration);
});

connection.onNotification(TrustChangedNotification, (params: { trusted: boolean }) => {
  trusted = params.trusted === true;
  settings.setTrusted(trusted);
  // git is a process: hs-test-contract only starts reading bases once the workspace is trusted.
  contract?.recheckAll(store?.uris() ?? []);
  if (pullDiagnostics) connection.languages.diagnostics.refresh();
  void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
});

/** After a run, lenses are refreshed now and once more a moment later (see the notification). */
const SECOND_REFRESH_MS = 1500;
let secondRefresh: NodeJS.Timeout | undefined;

connection.onNotification(RunsChangedNotification, () => {
  const refresh = () => {
    historyGeneration++;
    void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  };
  refresh();
  // A refresh that reaches VS Code while it is still computing the lenses for the previous one
  // can leave the lens a run behind (seen in e2e spec 14 when runs follow each other within a
  // second); a second one, after the run's folder has settled, puts the last run on the lens.
  clearTimeout(secondRefresh);
  secondRefresh = setTimeout(refresh, SECOND_REFRESH_MS);
  secondRefresh.unref();
});

/** The line of the package clause (near the top, so counting lines up to it is cheap). */
function packageLineOf(text: string): number | null {
  const pkg = /^package\s/m.exec(text);
  if (!pkg) return null;
  let line = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < pkg.index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The top-level test (not subtest) named at a position: the contract is per top-level function. */
function testAt(tests: DiscoverTestsResult['tests'], position: { line: number; character: number }): string | null {
  const t = tests.find((x) => x.line === position.line && x.character <= position.character && position.character <= x.endCharacter);
  return t ? t.name : null;
}

registerArtifacts(connection, async (uri) => (await settings.forResource(uri)).markers, () => ripgrep, () => trusted);

const docker = registerDocker(connection, async () => (await settings.forResource('')).docker, () => trusted);

connection.onShutdown(() => {
  for (const timer of pendingFactChecks.values()) clearTimeout(timer);
  pendingFactChecks.clear();
  contract?.dispose();
  store?.dispose();
  docker.dispose();
});

// Keep the process alive through a bad input: log and carry on rather than dropping the editor's server.
process.on('uncaughtException', (error) => connection.console.error(`uncaught: ${error.stack ?? error.message}`));
connection.listen();
