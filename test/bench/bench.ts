/**
 * `npm run bench`: prints the performance figures the issues name, measured on the real server
 * process (stdio JSON-RPC) and the real CLI, over generated Headscale-style tests.
 * Not a test: it prints numbers and the target beside each.
 */
import { median } from './stats';
import { percentile } from '../../server/src/discovery/testHistory';
import { defaultMarkers } from '../../server/src/artifacts/markers';
import { defaultContractSettings, normalizeDocker } from '../../shared/src/settings';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { pathToFileURL } from 'node:url';
import { CodeLensRequest, DidChangeTextDocumentNotification, DidOpenTextDocumentNotification } from 'vscode-languageserver-protocol/node';
import { defaultAnalysisSettings, defaultRunSettings } from '../../shared/src/settings';
import { lensesFor } from '../../server/src/lenses';
import { LineIndex } from '../../server/src/analysis/lineIndex';
import { defaultVocabulary } from '../../server/src/analysis/vocabulary';
import { toDiagnostic } from '../../server/src/diagnostics';
import { DocumentStore } from '../../server/src/documentStore';
import { pullDiagnostics, startServer } from '../support/lspClient';
import { loadParser, repoRoot } from '../support/parser';
import { artifactsBenches } from './artifactsBench';
import { dockerBench } from './dockerBench';
import { contractDiff, typingWithContract } from './contractBench';
import { history500, makeRuns } from './historyBench';
import { generateFile } from './generate';
import { setupCheck } from './setupBench';
import { longTestsBench, timeCliCheck } from './longTestsBench';
import { hostileBench } from './hostileBench';

const benchDir = path.join(repoRoot, '.bench');

function report(name: string, value: string, target: string, ok: boolean): void {
  console.log(`${ok ? 'PASS' : 'MISS'}  ${name}: ${value}  (target ${target})`);
}

/** Where an edit lands: inside an assertion in a callback, spread over the file. */
function editOffset(text: string, i: number): number {
  const at = text.indexOf('assert.NoError(c, err)', (i * 7919) % (text.length - 200));
  return at >= 0 ? at + 8 : 100;
}

/** The i-th benchmark edit: typing one 'x' there (as an LSP change) and the text after it. */
function nthEdit(current: string, i: number) {
  const offset = editOffset(current, i);
  const pos = new LineIndex(current).positionAt(offset);
  return { change: { range: { start: pos, end: pos }, text: 'x' }, after: current.slice(0, offset) + 'x' + current.slice(offset) };
}

/**
 * 110 one-character edits spread over the file, each followed by `measure` (what the editor asks for
 * after an edit); returns the median of the last 100 and the final text.
 */
async function timeEdits(seed: number, fileName: string, measure: (store: DocumentStore, uri: string) => void, dir = benchDir, prepare?: (text: string) => void): Promise<{ median: number; text: string }> {
  const text = generateFile(seed, 4500, 14);
  prepare?.(text);
  const store = new DocumentStore(await loadParser(), () => undefined);
  const file = path.join(dir, fileName);
  fs.writeFileSync(file, text);
  const uri = pathToFileURL(file).toString();
  store.open(uri, file, text, 1);
  measure(store, uri);
  let current = text;
  const times: number[] = [];
  for (let i = 0; i < 110; i++) {
    const edit = nthEdit(current, i);
    const t0 = performance.now();
    store.change(uri, [edit.change], i + 2);
    measure(store, uri);
    times.push(performance.now() - t0);
    current = edit.after;
  }
  return { median: median(times.slice(10)), text: current };
}

const benchSettings = { settings: defaultAnalysisSettings, run: defaultRunSettings, vocabulary: defaultVocabulary, markers: [...defaultMarkers], docker: normalizeDocker({}), contract: defaultContractSettings, generation: 0 };

/** The definition: incremental parse + analysis, as the server's document store does it. */
async function editInProcess(): Promise<void> {
  const { median: m, text } = await timeEdits(7, 'edit_test.go', (store, uri) => {
    const doc = store.analyzed(uri, benchSettings)!;
    doc.findings.map((f) => toDiagnostic(uri, doc.lines, f, doc.version));
  });
  const ewtCount = (text.match(/EventuallyWithT\(/g) ?? []).length;
  report(`one-character edit → diagnostics, incremental parse + analysis (${text.split('\n').length} lines, ${ewtCount} EventuallyWithT), median of 100`, `${m.toFixed(1)} ms`, '≤ 15 ms', m <= 15);
}

/** Issue 4: lenses (discovery, categories, commands) after a one-character edit. */
async function lensesAfterEdit(): Promise<void> {
  let lensCount = 0;
  const { median: m, text } = await timeEdits(11, 'lens_test.go', (store, uri) => {
    lensCount = lensesFor(store.tests(uri, benchSettings, 0)!, 0, defaultRunSettings, true).length;
  });
  report(`lenses after a one-character edit (${text.split('\n').length} lines, 14 tests, ${lensCount} lenses), median of 100`, `${m.toFixed(1)} ms`, '≤ 10 ms', m <= 10);
}

/** Issue 14: the same, with 500 runs of this file's tests in control_logs (lens history, flaky badges, ETA). */
async function lensesAfterEditWithHistory(): Promise<void> {
  let lensCount = 0;
  let historyLenses = 0;
  const { median: m } = await timeEdits(11, 'lens_test.go', (store, uri) => {
    const lenses = lensesFor(store.tests(uri, benchSettings, 1)!, 0, defaultRunSettings, true);
    lensCount = lenses.length;
    historyLenses = lenses.filter((l) => l.command!.title.startsWith('Last run')).length;
  }, path.join(benchDir, 'history-module', 'integration'), (text) => moduleWithHistory('history-module', text));
  report(`lenses after a one-character edit with 500 runs of its tests in control_logs (${lensCount} lenses, ${historyLenses} "Last run"), median of 100`, `${m.toFixed(1)} ms`, '≤ 10 ms', m <= 10 && historyLenses > 0);
}

/** A headscale-shaped module (go.mod and cmd/hi) with 500 runs of `text`'s tests in its control_logs; returns the test file. */
function moduleWithHistory(name: string, text: string): string {
  const module = path.join(benchDir, name);
  fs.mkdirSync(path.join(module, 'integration'), { recursive: true });
  fs.mkdirSync(path.join(module, 'cmd', 'hi'), { recursive: true });
  fs.writeFileSync(path.join(module, 'go.mod'), 'module github.com/juanfont/headscale\n\ngo 1.26.5\n');
  makeRuns(path.join(module, 'control_logs'), [...text.matchAll(/^func (Test\w+)\(/gm)].map((x) => x[1]), 500);
  const file = path.join(module, 'integration', 'lens_test.go');
  fs.writeFileSync(file, text);
  return file;
}

/**
 * Issue 14's goal as the editor sees it: the real server over stdio, a 4 500-line file with 500 runs
 * of its tests in control_logs. Each one-character edit is a didChange and then a codeLens request,
 * so the lens pays the incremental re-parse; then the same lens request once the edit's diagnostics
 * were pulled (the tree is current), which is the order VS Code usually asks in.
 */
async function lensesOverStdio(): Promise<void> {
  const text = generateFile(11, 4500, 14);
  const file = moduleWithHistory('history-stdio', text);
  const uri = pathToFileURL(file).toString();
  const session = await startServer();
  try {
    await session.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'go', version: 1, text } });
    const lensesOf = async () => (await session.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? [];
    await pullDiagnostics(session, uri);
    await lensesOf();
    let current = text;
    let version = 1;
    const edit = async () => {
      const e = nthEdit(current, version);
      current = e.after;
      await session.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: ++version }, contentChanges: [e.change] });
    };
    const afterEdit: number[] = [];
    const afterDiagnostics: number[] = [];
    let lastRun = 0;
    for (let i = 0; i < 110; i++) {
      const t0 = performance.now();
      await edit();
      const lenses = await lensesOf();
      afterEdit.push(performance.now() - t0);
      lastRun = lenses.filter((l) => l.command?.title.startsWith('Last run')).length;
      if (!lastRun) throw new Error('no "Last run" lens: the history was not read');
    }
    for (let i = 0; i < 60; i++) {
      await edit();
      await pullDiagnostics(session, uri);
      const t0 = performance.now();
      await lensesOf();
      afterDiagnostics.push(performance.now() - t0);
    }
    const a = afterEdit.slice(10);
    const m = median(a);
    const p90 = percentile(a, 90)!;
    report(`lenses over stdio: didChange + codeLens round trip, 4 500 lines, 500 runs of its tests (${lastRun} "Last run" lenses), median / p90 of 100`, `${m.toFixed(1)} / ${p90.toFixed(1)} ms`, '≤ 10 ms', m <= 10);
    const b = afterDiagnostics.slice(10);
    console.log(`INFO  the same codeLens request after the edit's diagnostics were pulled, median / p90 of 50: ${median(b).toFixed(1)} / ${percentile(b, 90)!.toFixed(1)} ms`);
  } finally {
    await session.close();
  }
}

/**
 * What the lens's caches keep after 400 one-character edits inside test functions: discovery caches
 * per function text, and a slice of a document's text would keep that whole version alive.
 */
async function lensMemoryAfterEdits(): Promise<void> {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const store = new DocumentStore(await loadParser(), () => undefined);
  let text = generateFile(11, 4500, 14);
  const file = path.join(benchDir, 'memory_test.go');
  fs.writeFileSync(file, text);
  const uri = pathToFileURL(file).toString();
  store.open(uri, file, text, 1);
  store.tests(uri, benchSettings, 0);
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 400; i++) {
    const edit = nthEdit(text, i);
    store.change(uri, [edit.change], i + 2);
    store.tests(uri, benchSettings, 0);
    text = edit.after;
  }
  gc();
  const grown = (process.memoryUsage().heapUsed - before) / 1e6;
  store.dispose();
  report(`heap kept after 400 edits with lenses (${(text.length / 1000).toFixed(0)}k-character file)`, `${grown.toFixed(1)} MB`, '≤ 2 MB', grown <= 2);
}

async function editToDiagnostics(): Promise<void> {
  const text = generateFile(7, 4500, 14);
  const file = path.join(benchDir, 'edit_test.go');
  fs.writeFileSync(file, text);
  const uri = pathToFileURL(file).toString();
  const ewtCount = (text.match(/EventuallyWithT\(/g) ?? []).length;
  const session = await startServer();
  try {
    await session.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'go', version: 1, text } });
    await pullDiagnostics(session, uri);
    let current = text;
    const times: number[] = [];
    for (let i = 0; i < 60; i++) {
      const edit = nthEdit(current, i);
      const t0 = performance.now();
      await session.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: i + 2 }, contentChanges: [edit.change] });
      const items = await pullDiagnostics(session, uri);
      times.push(performance.now() - t0);
      current = edit.after;
      if (items.length === 0) throw new Error('no diagnostics');
    }
    const m = median(times.slice(10));
    console.log(`INFO  same edit over stdio JSON-RPC (didChange + pull diagnostics round trip between two processes, ${ewtCount} EventuallyWithT), median of 50: ${m.toFixed(1)} ms`);
  } finally {
    await session.close();
  }
}

function cliColdRun(): void {
  const { lines, seconds: m, parseSeconds } = timeCliCheck(path.join(benchDir, 'cli'), 40, (i) => generateFile(100 + i, 850, 3), 5);
  report(`CLI cold run, 40 files / ${lines} lines incl. wasm init, median of 5 (baseline: a cold process that only parses them, one thread, ${parseSeconds.toFixed(2)} s)`, `${m.toFixed(2)} s`, '≤ 1.5 s', m <= 1.5);
}

async function serverRss(): Promise<void> {
  const session = await startServer();
  try {
    for (let i = 0; i < 40; i++) {
      const text = generateFile(200 + i, 4500, 14);
      const uri = pathToFileURL(path.join(benchDir, `open${i}_test.go`)).toString();
      await session.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'go', version: 1, text } });
      await pullDiagnostics(session, uri);
    }
    const status = fs.readFileSync(`/proc/${session.process.pid}/status`, 'utf8');
    const rssMb = Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
    report('server RSS with 40 open 4 500-line files (diagnostics pulled for each)', `${rssMb.toFixed(0)} MB`, '≤ 150 MB', rssMb <= 150);
  } finally {
    await session.close();
  }
}

async function main(): Promise<void> {
  fs.mkdirSync(benchDir, { recursive: true });
  console.log(`hi workbench benchmarks — ${new Date().toISOString()} — node ${process.version}, ${execFileSync('nproc').toString().trim()} cores`);
  if (process.argv[2] === 'lenses') {
    // Only the lens figures (issues 4 and 14): `node out/test/bench/bench.js lenses`.
    await lensesAfterEdit();
    await lensesAfterEditWithHistory();
    await lensesOverStdio();
    await lensMemoryAfterEdits();
    return;
  }
  setupCheck(report);
  await editInProcess();
  await editToDiagnostics();
  await lensesAfterEdit();
  await contractDiff(report);
  await typingWithContract(benchDir, report);
  await lensesAfterEditWithHistory();
  await lensesOverStdio();
  await lensMemoryAfterEdits();
  cliColdRun();
  history500(path.join(benchDir, 'history500'), report);
  await serverRss();
  await longTestsBench(benchDir, report);
  await artifactsBenches(benchDir, report);
  await hostileBench(benchDir, report);
  await dockerBench(report);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
