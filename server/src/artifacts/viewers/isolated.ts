import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { ArtifactView, ViewArtifactParams } from '../../../../shared/src/artifacts';
import { viewArtifact } from '.';

/** A viewer that takes longer than this is stopped: the file is not a real headscale artifact. */
export const VIEWER_BUDGET_MS = 15_000;
/** The worker's JavaScript heap; an artifact that needs more is refused, the server is untouched. */
const WORKER_HEAP_MB = 768;

/**
 * The worker script: `viewerWorker.js` beside the server bundle in dist/, or beside this module's
 * compiled output in out/ (tests). null when neither exists (then the viewer runs in-process).
 */
function workerScript(): string | null {
  const file = path.join(__dirname, 'viewerWorker.js');
  return fs.existsSync(file) ? file : null;
}

/**
 * Parses an artifact for a viewer in a worker thread, so a 60 MB metrics dump, 8 000 map responses
 * or a hostile SQLite file never block hovers and diagnostics, and a wasm abort or an exhausted
 * heap ends the worker, not the language server. Past the time budget the worker is terminated
 * and the viewer shows why.
 */
export function viewArtifactIsolated(params: ViewArtifactParams, budgetMs = VIEWER_BUDGET_MS): Promise<ArtifactView> {
  const script = workerScript();
  if (!script) return viewArtifact(params);
  const title = path.basename(params.path);
  const failed = (error: string): ArtifactView => ({ title, path: params.path, kind: 'error', error });
  return new Promise((resolve) => {
    let settled = false;
    const worker = new Worker(script, { workerData: params, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB }, stdout: true, stderr: true });
    const settle = (view: ArtifactView) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(view);
    };
    const timer = setTimeout(() => settle(failed(`reading took longer than ${budgetMs / 1000} s and was stopped: not a real headscale artifact?`)), budgetMs);
    worker.once('message', (view: ArtifactView) => settle(view));
    worker.once('error', (e) => settle(failed(/memory|heap/i.test(e.message) ? `needs more than ${WORKER_HEAP_MB} MB of memory to read and was stopped` : `the viewer failed: ${e.message}`)));
    worker.once('exit', (code) => settle(failed(`the viewer stopped (exit code ${code})`)));
  });
}
