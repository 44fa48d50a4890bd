import * as fs from 'fs';
import * as path from 'path';
import type { RunFile, RunView } from '../../../shared/src/artifacts';
import { RUN_ID_PATTERN } from '../../../shared/src/protocol';
import { readRunRecord } from './runRecord';
import { scanFiles } from './errorScan';
import { KIND_ORDER, kindOf, LOG_KINDS, type FileKind } from './fileKinds';
import type { Marker } from './markers';
import { initStall } from './stall';
import { properTestName } from './testNames';
import { triage, type TriageInput, type TriageResult } from './triage';

/** Runs in control_logs, newest first by the run id's timestamp: names only, no file contents. */
export interface RunSummary {
  id: string;
  path: string;
  /** From the run id (hi uses local time): `YYYY-MM-DDTHH:MM:SS`. */
  startedAt: string;
}

export function listRuns(controlLogs: string): RunSummary[] {
  let names: string[];
  try {
    names = fs.readdirSync(controlLogs);
  } catch {
    return [];
  }
  return names
    .filter((n) => RUN_ID_PATTERN.test(n))
    .sort()
    .reverse()
    .map((id) => ({ id, path: path.join(controlLogs, id), startedAt: startedAtOf(id) }));
}

function startedAtOf(id: string): string {
  return `${id.slice(0, 4)}-${id.slice(4, 6)}-${id.slice(6, 8)}T${id.slice(9, 11)}:${id.slice(11, 13)}:${id.slice(13, 15)}`;
}

/** One run by id, without listing control_logs; null when the id is not a run id or not a folder there. */
export function runById(controlLogs: string, id: string): RunSummary | null {
  if (!RUN_ID_PATTERN.test(id)) return null;
  const dir = path.join(controlLogs, id);
  try {
    return fs.statSync(dir).isDirectory() ? { id, path: dir, startedAt: startedAtOf(id) } : null;
  } catch {
    return null;
  }
}

const BULKY = new Set<FileKind>(['database', 'metrics', 'status', 'mapresponse', 'pprof']);
const MAX_FILES = 20_000;

interface WalkedFile {
  abs: string;
  relative: string;
  size: number;
  mtimeMs: number;
}

/** Files below a run folder; symlinks are not followed (a link loop cannot trap the walk). */
export function walkFiles(dir: string, base = ''): WalkedFile[] {
  const out: WalkedFile[] = [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (out.length >= MAX_FILES) break;
    const abs = path.join(dir, e.name);
    const relative = base ? `${base}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walkFiles(abs, relative));
    else if (e.isFile()) {
      let st: fs.Stats;
      try {
        st = fs.statSync(abs);
      } catch {
        continue; // deleted while listing
      }
      out.push({ abs, relative, size: st.size, mtimeMs: st.mtimeMs });
    }
  }
  return out;
}

function byReadingOrder(a: RunFile, b: RunFile): number {
  return KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.relative.localeCompare(b.relative);
}

/**
 * What a run shows without reading any log: the record (a small JSON file) if hi workbench started
 * it, the test from `hs-<test>-<hex>` names, sizes, and a status inferred from which files exist.
 */
export function summarizeRun(run: RunSummary): RunView {
  const walked = walkFiles(run.path);
  const files: RunFile[] = walked.map((f) => ({ path: f.abs, relative: f.relative, kind: kindOf(f.relative), sizeBytes: f.size, errorCount: 0, warningCount: 0, errors: [], warnings: [] }));
  files.sort(byReadingOrder);
  return assemble(run, files, false, [], lastWrite(walked));
}

/** A run's logs in the guide's reading order (headscale first), for searches and the timeline. */
export function runLogs(run: RunSummary): { path: string; relative: string; kind: FileKind }[] {
  return walkFiles(run.path)
    .map((f) => ({ path: f.abs, relative: f.relative, kind: kindOf(f.relative) }))
    .filter((f) => LOG_KINDS.has(f.kind))
    .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.relative.localeCompare(b.relative));
}

/** Everything the sidebar and `cli runs` show for one run: files in reading order, errors, triage. */
export async function describeRun(run: RunSummary, markers: readonly Marker[], maxErrors = 200, rg: string | null = null): Promise<RunView> {
  const walked = walkFiles(run.path);
  const logs = walked.filter((f) => LOG_KINDS.has(kindOf(f.relative))).map((f) => f.abs);
  const scans = await scanFiles(logs, markers, undefined, rg);
  const files: RunFile[] = walked.map((f) => {
    const scan = scans.get(f.abs);
    return {
      path: f.abs,
      relative: f.relative,
      kind: kindOf(f.relative),
      sizeBytes: f.size,
      errorCount: scan?.errorCount ?? 0,
      warningCount: scan?.warningCount ?? 0,
      errors: scan?.errors.slice(0, maxErrors) ?? [],
      warnings: scan?.warnings.slice(0, maxErrors) ?? [],
      ...(scan?.problem ? { problem: scan.problem } : {}),
    };
  });
  files.sort(byReadingOrder);
  const tallies: TriageInput[] = files.flatMap((f) => {
    const scan = scans.get(f.path);
    return scan ? [{ file: f.relative, markers: scan.markers }] : [];
  });
  return assemble(run, files, true, tallies, lastWrite(walked), markers);
}

function lastWrite(files: readonly WalkedFile[]): number | null {
  return files.length ? Math.max(...files.map((f) => f.mtimeMs)) : null;
}

/** Hours: a span longer than this between the run id's time and the last write is not a duration. */
const MAX_ESTIMATED_HOURS = 12;

function assemble(run: RunSummary, files: RunFile[], described: boolean, tallies: TriageInput[], lastWriteMs: number | null, markers: readonly Marker[] = []): RunView {
  const record = readRunRecord(run.path);
  const hsName = files.find((f) => f.kind === 'hs-stderr')?.relative.match(/^hs-(.+)-[0-9a-f]{6}\.stderr\.log$/)?.[1] ?? null;
  // go test's own lines name the test exactly (`--- FAIL: TestX (12.3s)`).
  const fromLogs = tallies.map((t) => /--- FAIL: (Test\w+)/.exec(t.markers['go-test-fail']?.first.text ?? '')?.[1]).find(Boolean) ?? null;
  // Without a record: the run id's (local) start to the last file hi wrote, a close estimate since
  // hi writes the logs as the run ends.
  const estimated = lastWriteMs !== null ? (lastWriteMs - new Date(run.startedAt).getTime()) / 1000 : null;
  const failedInLogs = tallies.some((t) => t.markers['go-test-fail']);
  // hi deletes the bulky artifacts of passed runs: their presence means the run failed.
  const bulky = files.some((f) => BULKY.has(f.kind));
  const hasLogs = files.some((f) => LOG_KINDS.has(f.kind));
  const inferred: RunView['status'] = failedInLogs || bulky ? 'failed' : described && hasLogs ? 'passed' : 'unknown';
  const status = record?.status ?? inferred;
  let t: TriageResult | null = null;
  if (status === 'failed' && described) {
    const endMs = record?.finishedAt ? Date.parse(record.finishedAt) : lastWriteMs;
    const stalls = files.filter((f) => f.kind === 'hs-stderr').flatMap((f) => initStall(f.path, f.relative, Number.isFinite(endMs) ? endMs : null) ?? []);
    t = triage(tallies, markers, stalls);
  }
  return {
    ...run,
    // Without a record, go test's FAIL line has the exact name; hs-<test>-<hex> names carry it
    // lowercased and without "Test" (testNames.ts restores the spelling from the workspace).
    test: record?.test ?? fromLogs ?? (hsName ? properTestName(hsName, path.dirname(run.path)) : null),
    status,
    triage: t?.triage ?? null,
    evidence: t?.evidence ?? [],
    sizeBytes: files.reduce((n, f) => n + f.sizeBytes, 0),
    durationSeconds: record?.durationSeconds ?? (estimated !== null && estimated > 0 && estimated < MAX_ESTIMATED_HOURS * 3600 ? Math.round(estimated) : null),
    errorCount: files.reduce((n, f) => n + f.errorCount, 0),
    warningCount: files.reduce((n, f) => n + f.warningCount, 0),
    described,
    files,
  };
}
