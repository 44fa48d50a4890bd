import * as fs from 'fs';
import * as path from 'path';
import type { RunFile, RunView } from '../../../shared/src/artifacts';
import { RUN_ID_PATTERN } from '../../../shared/src/protocol';
import { readRunRecord } from './runRecord';
import { RIPGREP_MIN_BYTES, scanFiles, type ScanResult } from './errorScan';
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

export interface Walk {
  files: WalkedFile[];
  /** Set when the walk stopped at its file budget: what is listed is not everything. */
  truncated: string | null;
}

/**
 * Files below a run folder, with ONE budget for the whole walk (not per directory), iterative (a
 * run of 160k nested files cannot overflow the stack) and breadth-first: the logs hi writes at the
 * top of the run come before the 20k entries of `mapresponses/`, so a budget that runs out never
 * hides a run's ts-* logs. Symlinks are not followed (a link loop cannot trap the walk), and only
 * regular files are listed (a FIFO or device is never offered for reading).
 */
export function walkFiles(dir: string, budget = MAX_FILES): Walk {
  const steps = walkSteps(dir, budget);
  for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
}

/** walkFiles that lets other requests in every WALK_SLICE entries (a 20k-file run takes a while to stat). */
export async function walkFilesYielding(dir: string, budget = MAX_FILES): Promise<Walk> {
  const steps = walkSteps(dir, budget);
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done) return step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

const WALK_SLICE = 500;

/** The walk itself; it pauses (yields) every WALK_SLICE entries so a caller may let others run. */
function* walkSteps(dir: string, budget: number): Generator<void, Walk> {
  const files: WalkedFile[] = [];
  const queue: { abs: string; relative: string }[] = [{ abs: dir, relative: '' }];
  /** Directories listed at most: a tree of empty folders has a budget too. */
  let dirsLeft = budget;
  let sinceYield = 0;
  for (let head = 0; head < queue.length; head++) {
    const { abs: current, relative: base } = queue[head];
    queue[head] = undefined as never; // let the walked part of the queue be collected
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(current, { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (++sinceYield >= WALK_SLICE) {
        sinceYield = 0;
        yield;
      }
      const abs = path.join(current, e.name);
      const relative = base ? `${base}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (dirsLeft-- > 0) queue.push({ abs, relative });
        else return { files, truncated: truncatedNote(budget) };
      } else if (e.isFile()) {
        if (files.length >= budget) return { files, truncated: truncatedNote(budget) };
        let st: fs.Stats;
        try {
          st = fs.lstatSync(abs);
        } catch {
          continue; // deleted while listing
        }
        if (st.isFile()) files.push({ abs, relative, size: st.size, mtimeMs: st.mtimeMs });
      }
    }
  }
  return { files, truncated: null };
}

function truncatedNote(budget: number): string {
  return `more than ${budget.toLocaleString('en-US')} files: only the first ${budget.toLocaleString('en-US')} (top-level logs first) are listed`;
}

function byReadingOrder(a: RunFile, b: RunFile): number {
  return KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.relative.localeCompare(b.relative);
}

/**
 * What a run shows without reading any log: the record (a small JSON file) if hi workbench started
 * it, the test from `hs-<test>-<hex>` names, sizes, and a status inferred from which files exist.
 */
export function summarizeRun(run: RunSummary): RunView {
  const { files: walked, truncated } = walkFiles(run.path);
  const files: RunFile[] = walked.map((f) => ({ path: f.abs, relative: f.relative, kind: kindOf(f.relative), sizeBytes: f.size, errorCount: 0, warningCount: 0, errors: [], warnings: [] }));
  files.sort(byReadingOrder);
  return assemble(run, files, false, [], lastWrite(walked), truncated);
}

/** A run's logs in the guide's reading order (headscale first), for searches and the timeline. */
export function runLogs(run: RunSummary): { path: string; relative: string; kind: FileKind }[] {
  return walkFiles(run.path)
    .files.map((f) => ({ path: f.abs, relative: f.relative, kind: kindOf(f.relative) }))
    .filter((f) => LOG_KINDS.has(f.kind))
    .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.relative.localeCompare(b.relative));
}

/** Everything the sidebar and `cli runs` show for one run: files in reading order, errors, triage. */
export async function describeRun(run: RunSummary, markers: readonly Marker[], maxErrors = 200, rg: string | null = null): Promise<RunView> {
  return (await describeRuns([run], markers, maxErrors, rg))[0];
}

/**
 * Runs per scan in describeRuns: one ripgrep process per group. A group of ten 20 MB runs bounds
 * what one scan holds (peak RSS growth over 1 GB: 10 MB in groups of ten, 57 MB in one group of
 * seventy, with the server's flags) and was also the fastest.
 */
const RUNS_PER_SCAN = 10;

/**
 * describeRun for many runs (the listing, `cli runs`) with one scan per group of runs: the big
 * logs of RUNS_PER_SCAN runs go to a single ripgrep process instead of one per run (a spawn from a
 * server with a large heap costs ~10 ms, and rg's threads start once). Other requests get their
 * turn between walks, scan slices and runs.
 */
export async function describeRuns(runs: readonly RunSummary[], markers: readonly Marker[], maxErrors = 200, rg: string | null = null): Promise<RunView[]> {
  const views: RunView[] = [];
  for (let start = 0; start < runs.length; start += RUNS_PER_SCAN) {
    const group = runs.slice(start, start + RUNS_PER_SCAN);
    const walks: Walk[] = [];
    for (const run of group) walks.push(await walkFilesYielding(run.path));
    const logs = walks.flatMap((w) => w.files.filter((f) => LOG_KINDS.has(kindOf(f.relative))));
    const scans = await scanInSlices(logs, markers, rg);
    for (const [i, run] of group.entries()) {
      if (views.length) await new Promise<void>((resolve) => setImmediate(resolve));
      views.push(assembleDescribed(run, walks[i], scans, markers, maxErrors));
    }
  }
  return views;
}

function assembleDescribed(run: RunSummary, walk: Walk, scans: Map<string, ScanResult>, markers: readonly Marker[], maxErrors: number): RunView {
  const { files: walked, truncated } = walk;
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
  return assemble(run, files, true, tallies, lastWrite(walked), truncated, markers);
}

/** Bytes of logs the in-process scan reads before the server answers other requests again. */
const SLICE_BYTES = 2 << 20;

/**
 * scanFiles in slices of about SLICE_BYTES, yielding to the event loop between them. Logs under
 * ripgrep's threshold are scanned in-process and synchronously: a run of 1.5 GB of small logs in
 * one call kept a hover waiting for seconds. Big logs go to ripgrep in one call (it runs outside
 * the process), or, without ripgrep, one per slice.
 */
async function scanInSlices(files: readonly WalkedFile[], markers: readonly Marker[], rg: string | null): Promise<Map<string, ScanResult>> {
  const out = new Map<string, ScanResult>();
  const scan = async (slice: readonly WalkedFile[]) => {
    if (!slice.length) return;
    for (const [file, result] of await scanFiles(slice.map((f) => f.abs), markers, undefined, rg)) out.set(file, result);
    await new Promise<void>((resolve) => setImmediate(resolve));
  };
  const viaRipgrep = rg ? files.filter((f) => f.size >= RIPGREP_MIN_BYTES) : [];
  const big = new Set(viaRipgrep);
  let slice: WalkedFile[] = [];
  let bytes = 0;
  for (const f of files) {
    if (big.has(f)) continue;
    slice.push(f);
    bytes += f.size;
    if (bytes >= SLICE_BYTES) {
      await scan(slice);
      slice = [];
      bytes = 0;
    }
  }
  await scan(slice);
  await scan(viaRipgrep);
  return out;
}

/** The newest mtime, without a spread: Math.max(...160k values) overflows the call stack. */
function lastWrite(files: readonly WalkedFile[]): number | null {
  let newest: number | null = null;
  for (const f of files) if (newest === null || f.mtimeMs > newest) newest = f.mtimeMs;
  return newest;
}

/** Hours: a span longer than this between the run id's time and the last write is not a duration. */
const MAX_ESTIMATED_HOURS = 12;

function assemble(run: RunSummary, files: RunFile[], described: boolean, tallies: TriageInput[], lastWriteMs: number | null, truncated: string | null, markers: readonly Marker[] = []): RunView {
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
    // hi starts one headscale per run: its log (the first in reading order) is the one that
    // initialises. A folder holding dozens of hs-*.stderr.log files gets no more reads than that.
    const headscale = files.find((f) => f.kind === 'hs-stderr');
    const stalls = headscale ? [initStall(headscale.path, headscale.relative, Number.isFinite(endMs) ? endMs : null)].flatMap((e) => e ?? []) : [];
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
    ...(truncated ? { truncated } : {}),
  };
}
