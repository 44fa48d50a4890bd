import * as fs from 'fs';
import { dirname, join, sep } from 'path';
import { pathToFileURL } from 'url';
import type { Connection } from 'vscode-languageserver';
import {
  DeleteRunsRequest,
  DescribeRunRequest,
  ErrorsWithContextRequest,
  FailureSummaryRequest,
  ListRunsRequest,
  LogErrorsRequest,
  LogProblemsNotification,
  PlanDeletionRequest,
  SearchRunRequest,
  TimelineRequest,
  ViewArtifactRequest,
  type RunView,
} from '../../shared/src/artifacts';
import { errorsWithContext } from './artifacts/errorContext';
import { KEEP_ERRORS, scanFiles } from './artifacts/errorScan';
import { failureSummary } from './artifacts/failureSummary';
import type { Marker } from './artifacts/markers';
import { deleteRuns, planDeletion } from './artifacts/retention';
import { describeRun, describeRuns, listRuns, runById, runLogs, summarizeRun } from './artifacts/runIndex';
import { searchRun } from './artifacts/runSearch';
import { timeline } from './artifacts/timeline';
import { viewArtifactIsolated } from './artifacts/viewers/isolated';
import { logDiagnostic } from './diagnostics';
import { isRegularFile } from './safeRead';

const UNTRUSTED = 'the workspace is not trusted: nothing is deleted in Restricted Mode';

/** The newest runs are described (logs scanned) when listed; older ones when expanded. */
const DESCRIBED_WHEN_LISTED = 30;
/** Problems per log file: enough for F8, few enough not to drown the Problems panel. */
const PROBLEMS_PER_FILE = 200;

/**
 * The artifact browser's server side: it indexes control_logs for the sidebar, publishes the lines
 * of the logs the user is looking at as Problems, and parses artifacts for the viewers.
 */
export function registerArtifacts(connection: Connection, markersFor: (uri: string) => Promise<Marker[]>, ripgrep: () => string | null, trusted: () => boolean): void {
  /** Log paths whose Problems are published now, with whether warnings were included. */
  const published = new Map<string, boolean>();
  const markers = (dir: string) => markersFor(pathToFileURL(dir).toString());

  const clear = (file: string) => {
    connection.sendDiagnostics({ uri: pathToFileURL(file).toString(), diagnostics: [] });
    published.delete(file);
  };

  connection.onRequest(ListRunsRequest, async ({ controlLogs }) => {
    const runs = listRuns(controlLogs);
    const m = await markers(controlLogs);
    // The newest runs in one scan (one ripgrep process for all their big logs); between runs,
    // hovers and keystrokes get their turn (the listing reads up to 30 runs' logs).
    const views: RunView[] = await describeRuns(runs.slice(0, DESCRIBED_WHEN_LISTED), m, PROBLEMS_PER_FILE, ripgrep());
    for (const run of runs.slice(DESCRIBED_WHEN_LISTED)) {
      views.push(await summarizeRun(run));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return { controlLogs, exists: runs.length > 0 || (await exists(controlLogs)), totalBytes: views.reduce((n, r) => n + r.sizeBytes, 0), runs: views };
  });

  connection.onRequest(DescribeRunRequest, async ({ controlLogs, id }) => {
    const run = runById(controlLogs, id);
    return run ? describeRun(run, await markers(controlLogs), PROBLEMS_PER_FILE, ripgrep()) : null;
  });

  connection.onRequest(FailureSummaryRequest, async ({ controlLogs, id }) => {
    const run = runById(controlLogs, id);
    return run ? failureSummary(await describeRun(run, await markers(controlLogs), KEEP_ERRORS, ripgrep())) : null;
  });

  connection.onRequest(SearchRunRequest, async ({ controlLogs, id, pattern, maxPerFile }) => {
    const run = runById(controlLogs, id);
    return run ? searchRun(runLogs(run), pattern, Math.max(1, Math.min(5000, maxPerFile ?? 200)), ripgrep()) : null;
  });

  connection.onRequest(TimelineRequest, ({ controlLogs, id, path, line, seconds }) => {
    const run = runById(controlLogs, id);
    const logs = run ? runLogs(run) : [];
    if (!run || !logs.some((l) => l.path === path)) return null;
    return timeline(logs, { path, line }, Math.max(1, Math.min(600, seconds ?? 10)), dirname(controlLogs));
  });

  connection.onRequest(LogErrorsRequest, async ({ path }) => {
    // A path from the client may name a FIFO or a device: opening a FIFO would block the server.
    if (typeof path !== 'string' || !isRegularFile(path)) return [];
    return (await scanFiles([path], await markers(path), undefined, ripgrep())).get(path)?.errors ?? [];
  });

  // Problems follow what the user looks at: the client sends the whole set on every change.
  connection.onNotification(LogProblemsNotification, async (params) => {
    const warnings = params.warnings === true;
    // Only regular files: a client-named FIFO or device must never be opened.
    const paths = (Array.isArray(params.paths) ? params.paths : []).filter((p): p is string => typeof p === 'string' && isRegularFile(p));
    const wanted = new Set(paths);
    for (const file of [...published.keys()]) if (!wanted.has(file)) clear(file);
    const fresh = paths.filter((p) => published.get(p) !== warnings);
    if (!fresh.length) return;
    for (const p of fresh) published.set(p, warnings);
    const byDir = new Map<string, string[]>();
    for (const p of fresh) byDir.set(dirname(p), [...(byDir.get(dirname(p)) ?? []), p]);
    for (const [dir, files] of byDir) {
      const scans = await scanFiles(files, await markers(dir), undefined, ripgrep());
      for (const file of files) {
        // Withdrawn while the scan ran (the log closed, the run collapsed): publish nothing.
        if (published.get(file) !== warnings) continue;
        const scan = scans.get(file);
        const lines = [...(scan?.errors ?? []).slice(0, PROBLEMS_PER_FILE), ...(warnings ? (scan?.warnings ?? []).slice(0, PROBLEMS_PER_FILE) : [])].sort((a, b) => a.line - b.line);
        connection.sendDiagnostics({ uri: pathToFileURL(file).toString(), diagnostics: lines.map(logDiagnostic) });
      }
    }
  });

  // The server enforces trust itself: a server started for an untrusted folder deletes nothing,
  // whatever a client asks.
  connection.onRequest(PlanDeletionRequest, (params) => (trusted() ? planDeletion(params) : { runs: [], totalBytes: 0, refused: UNTRUSTED }));

  connection.onRequest(DeleteRunsRequest, ({ controlLogs, ids }) => {
    if (!trusted() || !Array.isArray(ids) || typeof controlLogs !== 'string') return { deleted: [], freedBytes: 0, failed: (Array.isArray(ids) ? ids : []).map((id) => ({ id: String(id), message: UNTRUSTED })) };
    const result = deleteRuns(controlLogs, ids);
    for (const id of result.deleted) {
      const dir = join(controlLogs, id);
      for (const file of [...published.keys()]) if (file.startsWith(dir + sep)) clear(file);
    }
    return result;
  });

  connection.onRequest(ErrorsWithContextRequest, async ({ path, context }) =>
    errorsWithContext(path, Math.max(0, Math.min(50, Math.floor(context))), await markers(path), ripgrep()),
  );

  connection.onRequest(ViewArtifactRequest, (params) => viewArtifactIsolated(params));
}

async function exists(dir: string): Promise<boolean> {
  try {
    await fs.promises.stat(dir);
    return true;
  } catch {
    return false;
  }
}
