import * as fs from 'fs';
import * as path from 'path';
import { RUN_ID_PATTERN } from '../../../shared/src/protocol';
import { readRunRecord } from '../tests/runHistory';
import { scanFile, type ErrorLine } from './errorScan';
import { KIND_ORDER, kindOf, LOG_KINDS, type FileKind } from './fileKinds';
import type { Marker } from './markers';
import { triage, type Triage, type TriageResult } from './triage';

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
    .map((id) => ({ id, path: path.join(controlLogs, id), startedAt: `${id.slice(0, 4)}-${id.slice(4, 6)}-${id.slice(6, 8)}T${id.slice(9, 11)}:${id.slice(11, 13)}:${id.slice(13, 15)}` }));
}

export interface RunFile {
  path: string;
  relative: string;
  kind: FileKind;
  sizeBytes: number;
  errorCount: number;
  warningCount: number;
  errors: ErrorLine[];
  problem?: string;
}

export interface RunDetails extends RunSummary {
  test: string | null;
  status: 'passed' | 'failed' | 'cancelled' | 'unknown';
  triage: Triage | null;
  evidence: TriageResult['evidence'];
  sizeBytes: number;
  durationSeconds: number | null;
  files: RunFile[];
}

const BULKY = new Set<FileKind>(['database', 'metrics', 'status', 'mapresponse', 'pprof']);
/** Triage looks at this many error lines per file, whatever the display cap is. */
const TRIAGE_LINES = 200;
const MAX_FILES = 20_000;

/** Files below a run folder; symlinks are not followed (a link loop cannot trap the walk). */
function walkFiles(dir: string, base = ''): { abs: string; relative: string; size: number }[] {
  const out: { abs: string; relative: string; size: number }[] = [];
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
      let size = 0;
      try {
        size = fs.statSync(abs).size;
      } catch {
        continue; // deleted while listing
      }
      out.push({ abs, relative, size });
    }
  }
  return out;
}

/** Everything the sidebar and `cli runs` show for one run: files in reading order, errors, triage. */
export function describeRun(run: RunSummary, markers: readonly Marker[], maxErrors = 200): RunDetails {
  const evidence: { file: string; error: ErrorLine }[] = [];
  const files: RunFile[] = walkFiles(run.path).map((f) => {
    const kind = kindOf(f.relative);
    const scan = LOG_KINDS.has(kind) ? scanFile(f.abs, markers, Math.max(maxErrors, TRIAGE_LINES)) : null;
    for (const error of scan?.errors ?? []) evidence.push({ file: f.relative, error });
    return {
      path: f.abs,
      relative: f.relative,
      kind,
      sizeBytes: f.size,
      errorCount: scan?.errorCount ?? 0,
      warningCount: scan?.warningCount ?? 0,
      errors: scan?.errors.slice(0, maxErrors) ?? [],
      ...(scan?.problem ? { problem: scan.problem } : {}),
    };
  });
  files.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.relative.localeCompare(b.relative));
  const record = readRunRecord(run.path);
  const hsName = files.find((f) => f.kind === 'hs-stderr')?.relative.match(/^hs-(.+)-[0-9a-f]{6}\.stderr\.log$/)?.[1] ?? null;
  const failedInLogs = evidence.some((e) => e.error.marker === 'go-test-fail');
  // hi deletes the bulky artifacts of passed runs: their presence means the run failed.
  const bulky = files.some((f) => BULKY.has(f.kind));
  const status: RunDetails['status'] = record?.status ?? (failedInLogs || bulky ? 'failed' : files.some((f) => LOG_KINDS.has(f.kind)) ? 'passed' : 'unknown');
  const t = status === 'failed' ? triage(evidence) : null;
  return {
    ...run,
    // Without a record, hs-<test>-<hex> names carry the test name lowercased and without "Test".
    test: record?.test ?? hsName,
    status,
    triage: t?.triage ?? null,
    evidence: t?.evidence ?? [],
    sizeBytes: files.reduce((n, f) => n + f.sizeBytes, 0),
    durationSeconds: record?.durationSeconds ?? null,
    files,
  };
}
