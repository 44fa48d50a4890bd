import * as fs from 'fs';
import { join } from 'path';
import { pathToFileURL } from 'url';
import type { Connection } from 'vscode-languageserver';
import {
  DeleteRunsRequest,
  DescribeRunRequest,
  ErrorsWithContextRequest,
  ListRunsRequest,
  LogErrorsRequest,
  PlanDeletionRequest,
  ViewArtifactRequest,
  type DeleteRunsParams,
  type DescribeRunParams,
  type ErrorLine,
  type ErrorsWithContextParams,
  type ListRunsParams,
  type ListRunsResult,
  type LogErrorsParams,
  type PlanDeletionParams,
  type RunView,
  type ViewArtifactParams,
} from '../../shared/src/artifacts';
import { errorsWithContext } from './artifacts/errorContext';
import { scanFiles } from './artifacts/errorScan';
import { LOG_KINDS } from './artifacts/fileKinds';
import type { Marker } from './artifacts/markers';
import { deleteRuns, planDeletion } from './artifacts/retention';
import { describeRun, listRuns, runById, summarizeRun } from './artifacts/runIndex';
import { viewArtifactIsolated } from './artifacts/viewers/isolated';
import { logDiagnostic } from './diagnostics';
import { isRegularFile } from './safeRead';

const UNTRUSTED = 'the workspace is not trusted: nothing is deleted in Restricted Mode';

/** The newest runs are described (logs scanned) when listed; older ones when expanded. */
const DESCRIBED_WHEN_LISTED = 30;
/** Problems per log file: enough for F8, few enough not to drown the Problems panel. */
const PROBLEMS_PER_FILE = 200;

/**
 * The artifact browser's server side: it indexes control_logs for the sidebar, publishes the error
 * lines of the runs a user opens as Problems, and parses artifacts for the viewers.
 */
export function registerArtifacts(connection: Connection, markersFor: (uri: string) => Promise<Marker[]>, ripgrep: () => string | null, trusted: () => boolean): void {
  /** Log URIs with published Problems, per run folder, so deleting a run clears them. */
  const published = new Map<string, string[]>();
  const markers = (dir: string) => markersFor(pathToFileURL(dir).toString());

  /** One log's error lines as its Problems (an empty list clears them); returns the log's URI. */
  const publishLog = (file: string, errors: readonly ErrorLine[]): string => {
    const uri = pathToFileURL(file).toString();
    connection.sendDiagnostics({ uri, diagnostics: errors.slice(0, PROBLEMS_PER_FILE).map(logDiagnostic) });
    return uri;
  };
  const publish = (run: RunView) => {
    published.set(run.path, run.files.filter((f) => LOG_KINDS.has(f.kind)).map((f) => publishLog(f.path, f.errors)));
  };

  connection.onRequest(ListRunsRequest, async ({ controlLogs }: ListRunsParams): Promise<ListRunsResult> => {
    const runs = listRuns(controlLogs);
    const m = await markers(controlLogs);
    const views: RunView[] = [];
    for (const [i, run] of runs.entries()) {
      views.push(i < DESCRIBED_WHEN_LISTED ? await describeRun(run, m, PROBLEMS_PER_FILE, ripgrep()) : summarizeRun(run));
      // Between runs, hovers and keystrokes get their turn (the listing reads up to 30 runs' logs).
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return { controlLogs, exists: runs.length > 0 || (await exists(controlLogs)), totalBytes: views.reduce((n, r) => n + r.sizeBytes, 0), runs: views };
  });

  connection.onRequest(DescribeRunRequest, async ({ controlLogs, id }: DescribeRunParams): Promise<RunView | null> => {
    const run = runById(controlLogs, id);
    if (!run) return null;
    const view = await describeRun(run, await markers(controlLogs), PROBLEMS_PER_FILE, ripgrep());
    publish(view);
    return view;
  });

  connection.onRequest(LogErrorsRequest, async ({ path }: LogErrorsParams) => {
    // A path from the client may name a FIFO or a device: opening a FIFO would block the server.
    if (typeof path !== 'string' || !isRegularFile(path)) return [];
    const scan = (await scanFiles([path], await markers(path), PROBLEMS_PER_FILE, ripgrep())).get(path);
    if (scan) publishLog(path, scan.errors);
    return scan?.errors ?? [];
  });

  // The server enforces trust itself: a server started for an untrusted folder deletes nothing,
  // whatever a client asks.
  connection.onRequest(PlanDeletionRequest, (params: PlanDeletionParams) => (trusted() ? planDeletion(params) : { runs: [], totalBytes: 0, refused: UNTRUSTED }));

  connection.onRequest(DeleteRunsRequest, ({ controlLogs, ids }: DeleteRunsParams) => {
    if (!trusted() || !Array.isArray(ids) || typeof controlLogs !== 'string') return { deleted: [], freedBytes: 0, failed: (Array.isArray(ids) ? ids : []).map((id) => ({ id: String(id), message: UNTRUSTED })) };
    const result = deleteRuns(controlLogs, ids);
    for (const id of result.deleted) {
      const dir = join(controlLogs, id);
      for (const uri of published.get(dir) ?? []) connection.sendDiagnostics({ uri, diagnostics: [] });
      published.delete(dir);
    }
    return result;
  });

  connection.onRequest(ErrorsWithContextRequest, async ({ path, context }: ErrorsWithContextParams) =>
    errorsWithContext(path, Math.max(0, Math.min(50, Math.floor(context))), await markers(path), ripgrep()),
  );

  connection.onRequest(ViewArtifactRequest, (params: ViewArtifactParams) => viewArtifactIsolated(params));
}

async function exists(dir: string): Promise<boolean> {
  try {
    await fs.promises.stat(dir);
    return true;
  } catch {
    return false;
  }
}
