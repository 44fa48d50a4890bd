import { defaultMarkers } from '../../server/src/artifacts/markers';
import { findRipgrep } from '../../server/src/artifacts/ripgrep';
import { describeRuns, listRuns, runById, runLogs } from '../../server/src/artifacts/runIndex';
import { searchRun } from '../../server/src/artifacts/runSearch';
import { DEBUG_FLOWS } from '../../shared/src/debugFlows';
import { UsageError } from './files';
import * as fs from 'fs';

/** `runs <control_logs>`: every run with its status, triage and error lines per file. */
export async function runsReport(controlLogs: string, maxErrors: number) {
  if (!fs.existsSync(controlLogs)) throw new UsageError(`no such directory: ${controlLogs}`);
  const rg = findRipgrep();
  const out = [];
  for (const d of await describeRuns(listRuns(controlLogs), defaultMarkers, maxErrors, rg)) {
    out.push({
      id: d.id,
      path: d.path,
      startedAt: d.startedAt,
      test: d.test,
      status: d.status,
      triage: d.triage,
      sizeBytes: d.sizeBytes,
      ...(d.truncated ? { truncated: d.truncated } : {}),
      // Past 500 map responses, `files` lists the first ones and these count every node's folder.
      ...(d.mapResponseFolders ? { mapResponseFolders: d.mapResponseFolders, unlistedFiles: d.unlistedFiles } : {}),
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

/**
 * `runs <control_logs> --flow <id>` or `--search <regexp>`: the guide's debug flow (or any regexp)
 * over every log of each run (or only `--run <id>`), grouped by file in reading order.
 */
export async function flowReport(controlLogs: string, opts: { flow?: string; search?: string; run?: string; maxPerFile: number }) {
  if (!fs.existsSync(controlLogs)) throw new UsageError(`no such directory: ${controlLogs}`);
  let pattern = opts.search;
  if (opts.flow) {
    const flow = DEBUG_FLOWS.find((f) => f.id === opts.flow);
    if (!flow) throw new UsageError(`unknown flow "${opts.flow}"; flows: ${DEBUG_FLOWS.map((f) => f.id).join(', ')}`);
    pattern = flow.pattern;
  }
  if (!pattern) throw new UsageError('--flow or --search needs a value');
  const runs = opts.run ? [runById(controlLogs, opts.run)].filter((r) => r !== null) : listRuns(controlLogs);
  if (opts.run && !runs.length) throw new UsageError(`no run ${opts.run} in ${controlLogs}`);
  const rg = findRipgrep();
  const out = [];
  for (const run of runs) {
    const result = await searchRun(runLogs(run), pattern, opts.maxPerFile, rg);
    if (result.error) throw new UsageError(result.error);
    out.push({ id: run.id, path: run.path, pattern, total: result.total, files: result.files });
  }
  return out;
}

export function formatFlowText(runs: Awaited<ReturnType<typeof flowReport>>): string {
  const lines: string[] = [];
  for (const r of runs) {
    lines.push(`${r.id}  ${r.total} matching lines  /${r.pattern}/`);
    for (const f of r.files) {
      lines.push(`  ${f.relative}${f.more ? ' (first ' + f.matches.length + ')' : ''}${f.problem ? ' (' + f.problem + ')' : ''}`);
      for (const m of f.matches) lines.push(`    ${m.line}: ${m.text}`);
    }
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}
