import * as fs from 'fs';
import * as path from 'path';
import type { RunFile, RunView } from '../../../shared/src/artifacts';
import { RUN_ID_PATTERN } from '../../../shared/src/protocol';
import { readRunRecord } from './runRecord';
import { scanFiles, type ScanResult } from './errorScan';
import { KIND_ORDER, kindOf, LOG_KINDS, type FileKind } from './fileKinds';
import type { Marker } from './markers';
import { initStall } from './stall';
import { properTestName } from './testNames';
import { triage, type TriageInput, type TriageResult } from './triage';
import { nextTurn, runSteps, runStepsSync } from '../yielding';
import { mapResponseFolders } from '../../../shared/src/mapResponseFolders';

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
  return runStepsSync(walkSteps(dir, budget));
}

/** walkFiles that lets other requests in (a 20k-file run takes a while to list and stat). */
export function walkFilesYielding(dir: string, budget = MAX_FILES): Promise<Walk> {
  return runSteps(walkSteps(dir, budget));
}

/** The walk itself; it pauses after each entry so the server can let a hover in (yielding.ts). */
function* walkSteps(dir: string, budget: number): Generator<void, Walk> {
  const files: WalkedFile[] = [];
  const queue: { abs: string; relative: string }[] = [{ abs: dir, relative: '' }];
  /** Directories listed at most: a tree of empty folders has a budget too. */
  let dirsLeft = budget;
  for (let head = 0; head < queue.length; head++) {
    const { abs: current, relative: base } = queue[head];
    queue[head] = undefined as never; // let the walked part of the queue be collected
    // Read entry by entry, pausing like the stats below (readdir of mapresponses/<node>/ with
    // 20 000 entries held the server for 70 ms in one call), and no more entries than the budget
    // has room for: a folder of a million captures is not read whole to list a few. Such a folder
    // is listed in part, the entries the directory gave first, sorted; the walk says it was cut.
    const entries: fs.Dirent[] = [];
    let cut = false;
    let handle: fs.Dir | undefined;
    try {
      handle = fs.opendirSync(current, { bufferSize: 128 });
      for (let e = handle.readSync(); e; e = handle.readSync()) {
        if (entries.length > budget - files.length) {
          cut = true;
          break;
        }
        entries.push(e);
        yield;
      }
    } catch {
      continue;
    } finally {
      handle?.closeSync();
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      yield;
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
    if (cut) return { files, truncated: truncatedNote(budget) };
  }
  return { files, truncated: null };
}

function truncatedNote(budget: number): string {
  // Not toLocaleString: its first call loads ICU data (30 ms) on the server's event loop.
  const n = String(budget).replace(/\B(?=(\d{3})+$)/g, ',');
  return `more than ${n} files: only the first ${n} (top-level logs first) are listed`;
}

const KIND_RANK = new Map(KIND_ORDER.map((k, i) => [k, i]));
/** localeCompare's order, without building a collator per comparison (20 000 rows are sorted). */
const collator = new Intl.Collator();

function byReadingOrder(a: RunFile, b: RunFile): number {
  return KIND_RANK.get(a.kind)! - KIND_RANK.get(b.kind)! || collator.compare(a.relative, b.relative);
}

/**
 * What a run shows without reading any log: the record (a small JSON file) if hi workbench started
 * it, the test from `hs-<test>-<hex>` names, sizes, and a status inferred from which files exist.
 */
export async function summarizeRun(run: RunSummary): Promise<RunView> {
  const { files: walked, truncated } = await walkFilesYielding(run.path);
  const files = await runSteps(rows(walked, new Map(), 0));
  files.sort(byReadingOrder);
  return foldMapResponses(assemble(run, files, false, [], lastWrite(walked), truncated));
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
 * turn between walks, scan steps, rows and runs: scanFiles yields while it scans in-process (a run
 * of 1.5 GB of small logs once kept a hover waiting for seconds), and ripgrep reads the big logs
 * meanwhile, outside the process.
 */
export async function describeRuns(runs: readonly RunSummary[], markers: readonly Marker[], maxErrors = 200, rg: string | null = null): Promise<RunView[]> {
  const views: RunView[] = [];
  for (let start = 0; start < runs.length; start += RUNS_PER_SCAN) {
    const group = runs.slice(start, start + RUNS_PER_SCAN);
    const walks: Walk[] = [];
    for (const run of group) walks.push(await walkFilesYielding(run.path));
    const logs = walks.flatMap((w) => w.files.filter((f) => LOG_KINDS.has(kindOf(f.relative))));
    const scans = await scanFiles(logs.map((f) => f.abs), markers, undefined, rg);
    for (const [i, run] of group.entries()) {
      if (views.length) await nextTurn();
      views.push(await assembleDescribed(run, walks[i], scans, markers, maxErrors));
    }
  }
  return views;
}

async function assembleDescribed(run: RunSummary, walk: Walk, scans: Map<string, ScanResult>, markers: readonly Marker[], maxErrors: number): Promise<RunView> {
  const { files: walked, truncated } = walk;
  const files = await runSteps(rows(walked, scans, maxErrors));
  files.sort(byReadingOrder);
  await nextTurn();
  const tallies: TriageInput[] = files.flatMap((f) => {
    const scan = scans.get(f.path);
    return scan ? [{ file: f.relative, markers: scan.markers }] : [];
  });
  return foldMapResponses(assemble(run, files, true, tallies, lastWrite(walked), truncated, markers));
}

/**
 * Map response rows sent with a described run, at most. The Runs view shows them per node folder
 * with a count and opens the map-response viewer on the folder, so 20 000 rows (5 MB of JSON that
 * the server encodes and the extension host parses while a hover waits) are summed up instead.
 */
export const MAX_MAP_RESPONSE_ROWS = 500;

/** The view with at most MAX_MAP_RESPONSE_ROWS map response rows and, past that, the folders' counts. */
function foldMapResponses(view: RunView): RunView {
  const captures = view.files.filter((f) => f.kind === 'mapresponse');
  if (captures.length <= MAX_MAP_RESPONSE_ROWS) return view;
  const kept = new Set(captures.slice(0, MAX_MAP_RESPONSE_ROWS));
  const files = view.files.filter((f) => f.kind !== 'mapresponse' || kept.has(f));
  return { ...view, files, mapResponseFolders: mapResponseFolders(captures), unlistedFiles: view.files.length - files.length };
}

/** A run's file list with each log's scan; 20 000 rows in one go held the server for 100 ms. */
function* rows(walked: readonly WalkedFile[], scans: Map<string, ScanResult>, maxErrors: number): Generator<void, RunFile[]> {
  const files: RunFile[] = [];
  for (const f of walked) {
    const scan = scans.get(f.abs);
    files.push({
      path: f.abs,
      relative: f.relative,
      kind: kindOf(f.relative),
      sizeBytes: f.size,
      errorCount: scan?.errorCount ?? 0,
      warningCount: scan?.warningCount ?? 0,
      errors: scan?.errors.slice(0, maxErrors) ?? [],
      warnings: scan?.warnings.slice(0, maxErrors) ?? [],
      ...(scan?.problem ? { problem: scan.problem } : {}),
    });
    yield;
  }
  return files;
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
