/**
 * Issue 12's goal: the language server answers a hover within 200 ms while hostile work runs. For
 * each load of the robustness table that keeps the server busy (test/support/hostileLoads.ts), the
 * load is started a few times on the real server over stdio while hovers are sent every 20 ms, as
 * an editor sends them while the user types; the line gives the median, the 95th percentile and
 * the slowest of those hovers. The target is on the slowest: a stall is one slow hover among many
 * quick ones (before issue 12, a 9.6 s stall in the sparse-log scan left the p95 at 75 ms). On a
 * shared 2-core machine the slowest also catches the scheduler, so read a MISS beside the load
 * average. Caches are defeated between repetitions (touched logs, a new test name), so every
 * repetition does the full work.
 * Run alone with `node out/test/bench/hostileBench.js` (after build and compile-tests).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DidOpenTextDocumentNotification, HoverRequest } from 'vscode-languageserver-protocol/node';
import { DescribeRunRequest, ErrorsWithContextRequest } from '../../shared/src/artifacts';
import { deepEventually, writeHeavyRun, writeManyFilesRun, writeSparseLog } from '../support/hostileLoads';
import { pullDiagnostics, startServer, type LspSession } from '../support/lspClient';
import { repoRoot } from '../support/parser';
import { median, percentile } from './stats';

type Report = (name: string, value: string, target: string, ok: boolean) => void;

const PROBE_TEXT = 'package integration\n\nimport "testing"\n\nfunc TestProbe(t *testing.T) {\n\tt.Log("hi")\n}\n';
const TARGET_MS = 200;

interface Load {
  name: string;
  /** Which server: default settings (big logs go to ripgrep) or markers ripgrep rejects (all logs scanned in-process). */
  server: 'ripgrep' | 'in-process';
  repetitions: number;
  /** One repetition of the hostile work; `i` makes it fresh (no cache answers it). */
  run: (session: LspSession, i: number) => Promise<unknown>;
}

/** Sets every file's mtime under `dir` to a new time, so the scan cache cannot answer. */
function touchAll(dir: string, i: number): void {
  const when = new Date(Date.UTC(2026, 11, 1, 12, 0, i));
  for (const name of fs.readdirSync(dir)) fs.utimesSync(path.join(dir, name), when, when);
}

/** Hovers every 20 ms on `probe` until `work` settles; their latencies in ms. */
async function hoversDuring(session: LspSession, probe: string, work: Promise<unknown>): Promise<number[]> {
  let done = false;
  const settled = work.finally(() => (done = true));
  const times: number[] = [];
  while (!done) {
    const t0 = performance.now();
    await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri: probe }, position: { line: 4, character: 7 } });
    times.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 20));
  }
  await settled;
  return times;
}

export async function hostileBench(benchDir: string, report: Report, only?: string): Promise<void> {
  const root = path.join(benchDir, 'hostile');
  fs.rmSync(root, { recursive: true, force: true });
  const logs = path.join(root, 'control_logs');
  const ids = { heavy: '20261201-100500-aaaaa6', many: '20261201-100200-aaaaa3', sparse: '20261201-100300-aaaaa4' };
  const sparseLog = path.join(logs, ids.sparse, 'ts-sparse-abcdef.stderr.log');
  const describeHeavy = (s: LspSession, i: number) => (touchAll(path.join(logs, ids.heavy), i), s.connection.sendRequest(DescribeRunRequest, { controlLogs: logs, id: ids.heavy }));
  const contextOfSparse = (s: LspSession, i: number) => (touchAll(path.dirname(sparseLog), i), s.connection.sendRequest(ErrorsWithContextRequest, { path: sparseLog, context: 5 }));
  const all: Load[] = [
    { name: 'describe a run of 48 logs of 1.3 MB (62 MB; ripgrep)', server: 'ripgrep', repetitions: 4, run: describeHeavy },
    { name: 'describe a run of 48 logs of 1.3 MB (62 MB; in-process scan: markers ripgrep rejects)', server: 'in-process', repetitions: 4, run: describeHeavy },
    {
      name: 'describe a run of 21 000 map responses (walk cut at 20 000 files)',
      server: 'ripgrep',
      repetitions: 4,
      run: (s) => s.connection.sendRequest(DescribeRunRequest, { controlLogs: logs, id: ids.many }),
    },
    { name: 'errors with context on a log with a 600 MB line (sparse; ripgrep)', server: 'ripgrep', repetitions: 3, run: contextOfSparse },
    { name: 'errors with context on a log with a 600 MB line (sparse; in-process scan)', server: 'in-process', repetitions: 2, run: contextOfSparse },
    {
      name: 'open and analyse 300 nested EventuallyWithT (30 KB)',
      server: 'ripgrep',
      repetitions: 8,
      run: async (s, i) => {
        const uri = pathToFileURL(path.join(root, `deep${i}_test.go`)).toString();
        await s.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'go', version: 1, text: deepEventually(300, `TestDeep${i}`) } });
        return pullDiagnostics(s, uri);
      },
    },
  ];
  const loads = all.filter((l) => !only || l.name.includes(only));
  writeHeavyRun(path.join(logs, ids.heavy));
  writeManyFilesRun(path.join(logs, ids.many));
  writeSparseLog(sparseLog);
  const probeFile = path.join(root, 'probe_test.go');
  fs.writeFileSync(probeFile, PROBE_TEXT);
  const probe = pathToFileURL(probeFile).toString();
  const sessions = {
    ripgrep: await startServer({ initializationOptions: { trusted: true } }),
    // Two groups of one name: JavaScript accepts it, ripgrep's engine does not (the robustness table's markers).
    'in-process': await startServer({ initializationOptions: { trusted: true }, settings: { artifacts: { markers: [{ id: 'g1', pattern: '(?<x>boom)' }, { id: 'g2', pattern: '(?<x>bang)' }] } } }),
  };
  try {
    for (const [name, session] of Object.entries(sessions)) {
      await session.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: probe, languageId: 'go', version: 1, text: PROBE_TEXT } });
      await pullDiagnostics(session, probe);
      // The first hovers compile the server's code paths; the idle figure is taken after them.
      await hoversDuring(session, probe, new Promise((r) => setTimeout(r, 300)));
      const idle = await hoversDuring(session, probe, new Promise((r) => setTimeout(r, 500)));
      console.log(`INFO  hover on an idle server (${name}), median / slowest of ${idle.length}: ${median(idle).toFixed(0)} / ${Math.max(...idle).toFixed(0)} ms`);
    }
    for (const load of loads) {
      const session = sessions[load.server];
      const times: number[] = [];
      for (let i = 0; i < load.repetitions; i++) times.push(...(await hoversDuring(session, probe, load.run(session, i))));
      const p95 = percentile(times, 0.95);
      report(
        `hover while the server does: ${load.name}, median / p95 / slowest of ${times.length} over ${load.repetitions} runs`,
        `${median(times).toFixed(0)} / ${p95.toFixed(0)} / ${Math.max(...times).toFixed(0)} ms`,
        `slowest ≤ ${TARGET_MS} ms`,
        Math.max(...times) <= TARGET_MS,
      );
    }
  } finally {
    await sessions.ripgrep.close();
    await sessions['in-process'].close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) {
  hostileBench(path.join(repoRoot, '.bench'), (name, value, target, ok) => console.log(`${ok ? 'PASS' : 'MISS'}  ${name}: ${value}  (target ${target})`), process.argv[2]).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
