import { defaultMarkers } from '../../server/src/artifacts/markers';
import { findRipgrep } from '../../server/src/artifacts/ripgrep';
import { describeRun, listRuns } from '../../server/src/artifacts/runIndex';
import { UsageError } from './files';
import * as fs from 'fs';

/** `runs <control_logs>`: every run with its status, triage and error lines per file. */
export async function runsReport(controlLogs: string, maxErrors: number) {
  if (!fs.existsSync(controlLogs)) throw new UsageError(`no such directory: ${controlLogs}`);
  const rg = findRipgrep();
  const out = [];
  for (const run of listRuns(controlLogs)) {
    const d = await describeRun(run, defaultMarkers, maxErrors, rg);
    out.push({
      id: d.id,
      path: d.path,
      startedAt: d.startedAt,
      test: d.test,
      status: d.status,
      triage: d.triage,
      sizeBytes: d.sizeBytes,
      ...(d.truncated ? { truncated: d.truncated } : {}),
      files: d.files.map((f) => ({ path: f.path, kind: f.kind, errorCount: f.errorCount, errors: f.errors.map((e) => ({ line: e.line, text: e.text, marker: e.marker })), ...(f.problem ? { problem: f.problem } : {}) })),
    });
  }
  return out;
}

export function formatRunsText(runs: Awaited<ReturnType<typeof runsReport>>): string {
  return runs
    .map((r) => {
      const errors = r.files.reduce((n, f) => n + f.errorCount, 0);
      return `${r.id}  ${r.status.padEnd(7)} ${(r.triage ?? '').padEnd(14)} ${String(errors).padStart(4)} errors  ${(r.sizeBytes / 1024).toFixed(0).padStart(6)} KiB  ${r.test ?? '?'}${r.truncated ? `  (${r.truncated})` : ''}`;
    })
    .join('\n') + (runs.length ? '\n' : '');
}
