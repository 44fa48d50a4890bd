import * as fs from 'fs';
import * as path from 'path';
import { RUN_ID_PATTERN, type PastRunInfo } from '../../../shared/src/protocol';
import { readRunRecord, type RecordFields } from '../artifacts/runRecord';
import { listRuns, runById, walkFiles, type RunSummary } from '../artifacts/runIndex';

/**
 * History per test, from run folders: the run record hi workbench writes (exact names, per-test and
 * subtest results, backend, git commit) or, for runs it did not start (CI artifacts), what the folder
 * shows without reading a log (the `hs-<name>-<hex>` prefix, hi's deletion of bulky files on success,
 * the last write as the end). Used by the lens, the hover, the history view and `cli history`.
 */
export type Backend = 'sqlite' | 'postgres';

export interface TestRunEntry {
  runId: string;
  dir: string;
  /** `TestX` / `TestX/sub` from a record; without one, the `hs-` prefix (e.g. `pingallbyip`). */
  test: string;
  status: 'passed' | 'failed' | 'cancelled';
  durationSeconds: number | null;
  /** ISO time; without a record, the run id's local time. */
  startedAt: string;
  backend: Backend;
  commit: string | null;
  dirty: boolean | null;
}

const BULKY = /(\.db|_metrics\.txt|_status\.json)$|^(pprof|mapresponses)\//;
const HS_STDERR = /^hs-(.+)-[0-9a-f]{6}\.stderr\.log$/;
const MAX_GUESSED_HOURS = 12;

/** The entries one run folder gives: one per test and subtest in its record. */
export function entriesOfRun(run: RunSummary, backendHint: Backend = 'sqlite', testHint: string | null = null): TestRunEntry[] {
  const rec = readRunRecord(run.path);
  return rec ? fromRecord(run, rec) : fromFolder(run, backendHint, testHint);
}

function fromRecord(run: RunSummary, rec: RecordFields): TestRunEntry[] {
  const base = {
    runId: run.id,
    dir: run.path,
    startedAt: rec.startedAt ?? run.startedAt,
    backend: (rec.postgres ? 'postgres' : 'sqlite') as Backend,
    commit: typeof rec.gitCommit === 'string' ? rec.gitCommit : null,
    dirty: typeof rec.gitDirty === 'boolean' ? rec.gitDirty : null,
  };
  const out: TestRunEntry[] = [];
  for (const t of Array.isArray(rec.tests) ? rec.tests : []) {
    if (!t || typeof t.name !== 'string' || (t.status !== 'passed' && t.status !== 'failed')) continue;
    out.push({ ...base, test: t.name, status: t.status, durationSeconds: typeof t.durationSeconds === 'number' ? t.durationSeconds : null });
  }
  // A run with no parsed test lines (doctor failed, cancelled early) still counts for its test.
  if (!out.length && typeof rec.test === 'string' && rec.status) {
    out.push({ ...base, test: rec.test, status: rec.status, durationSeconds: typeof rec.durationSeconds === 'number' ? rec.durationSeconds : null });
  }
  return out;
}

/**
 * Files a record-less run's history entry looks at. The walk is breadth-first, so these are the
 * top-level logs hi writes last (the end time, the hs- name) and the start of the bulky folders
 * (the failed sign); a 20 000-file walk held the server for half a second when a test file opened.
 */
const HISTORY_WALK_FILES = 1000;

function fromFolder(run: RunSummary, backend: Backend, testHint: string | null): TestRunEntry[] {
  const { files } = walkFiles(run.path, HISTORY_WALK_FILES);
  const hs = testHint ?? files.map((f) => HS_STDERR.exec(f.relative)?.[1]).find(Boolean);
  if (!hs || !files.length) return [];
  // A loop, not a spread: Math.max(...) over a huge run overflows the call stack.
  let lastWrite = 0;
  for (const f of files) if (f.mtimeMs > lastWrite) lastWrite = f.mtimeMs;
  const guessed = (lastWrite - new Date(run.startedAt).getTime()) / 1000;
  return [{
    runId: run.id,
    dir: run.path,
    test: hs,
    // hi deletes the bulky artifacts of passed runs: their presence means the run failed.
    status: files.some((f) => BULKY.test(f.relative)) ? 'failed' : 'passed',
    durationSeconds: guessed > 0 && guessed < MAX_GUESSED_HOURS * 3600 ? Math.round(guessed) : null,
    startedAt: run.startedAt,
    backend,
    commit: null,
    dirty: null,
  }];
}

/** The wire shape of an entry (lens, hover strip, history view). */
export function pastRun(e: TestRunEntry): PastRunInfo {
  return { status: e.status, durationSeconds: e.durationSeconds, dir: e.dir, runId: e.runId, startedAt: e.startedAt, backend: e.backend, commit: e.commit, dirty: e.dirty };
}

/** `TestPingAllByIP` → `pingallbyip`: how a record-less run's `hs-` prefix can name a test. */
export function folderKey(test: string): string {
  return test.replace(/^Test/, '').toLowerCase();
}

/** CI's artifact names: `<sqlite|postgres>-<test>-artifacts` / `-logs` (headscale-facts §1.6). */
const CI_ARTIFACT = /^(sqlite|postgres)-(Test[\w/.*-]*?)-(artifacts|logs)$/;

export interface FoundRun {
  run: RunSummary;
  backend: Backend;
  /** The test named by a CI artifact folder around the run, if any. */
  test: string | null;
}

/**
 * Run folders under the given paths: a run folder itself, a control_logs folder, or any folder
 * holding those a few levels down (artifacts downloaded from many CI jobs). A CI artifact folder
 * (`postgres-TestX-artifacts`) names the test and backend of the record-less runs inside it.
 */
export function findRuns(roots: readonly string[], maxDepth = 4): FoundRun[] {
  const out: FoundRun[] = [];
  const seen = new Set<string>();
  const visit = (dir: string, depth: number, backend: Backend, test: string | null) => {
    const real = path.resolve(dir);
    if (seen.has(real)) return;
    seen.add(real);
    const runs = listRuns(real);
    for (const run of runs) out.push({ run, backend, test });
    if (depth >= maxDepth) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(real, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory() || RUN_ID_PATTERN.test(e.name)) continue; // symlinks are not followed
      const ci = CI_ARTIFACT.exec(e.name);
      visit(path.join(real, e.name), depth + 1, ci ? (ci[1] as Backend) : backend, ci ? ci[2] : test);
    }
  };
  for (const root of roots) {
    const abs = path.resolve(root);
    const base = path.basename(abs);
    const ci = CI_ARTIFACT.exec(base);
    const backend: Backend = ci ? (ci[1] as Backend) : 'sqlite';
    const one = runById(path.dirname(abs), base);
    if (one) out.push({ run: one, backend, test: ci ? ci[2] : null });
    else visit(abs, 0, backend, ci ? ci[2] : null);
  }
  return out;
}

/** One control_logs folder's history by test, rebuilt when the folder or a run in it changes. */
interface Index {
  key: string;
  byTest: Map<string, TestRunEntry[]>;
}
const indexes = new Map<string, Index>();
const perRun = new Map<string, { key: string; entries: TestRunEntry[] }>();

function mtime(p: string): number {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return -1;
  }
}

/**
 * Entries by test name (and by `folderKey` for record-less runs), newest first. `generation` is bumped
 * when a run finished (its record lands inside an existing folder, which the listing's mtime misses).
 * Between generations, an edit costs one stat.
 */
export function historyIndex(controlLogs: string, generation: number): Map<string, TestRunEntry[]> {
  const key = `${mtime(controlLogs)}:${generation}`;
  const hit = indexes.get(controlLogs);
  if (hit && hit.key === key) return hit.byTest;
  const byTest = new Map<string, TestRunEntry[]>();
  for (const run of listRuns(controlLogs)) {
    const runKey = `${mtime(run.path)}:${mtime(path.join(run.path, 'hi-workbench-run.json'))}`;
    let cached = perRun.get(run.path);
    if (!cached || cached.key !== runKey) perRun.set(run.path, (cached = { key: runKey, entries: entriesOfRun(run) }));
    for (const e of cached.entries) {
      const list = byTest.get(e.test) ?? [];
      list.push(e);
      byTest.set(e.test, list);
    }
  }
  if (perRun.size > 20_000) perRun.clear();
  indexes.set(controlLogs, { key, byTest });
  return byTest;
}

/** A test's runs, newest first: its own records plus record-less runs whose `hs-` prefix names it. */
export function historyOf(index: Map<string, TestRunEntry[]>, test: string): TestRunEntry[] {
  const exact = index.get(test) ?? [];
  const guessed = test.includes('/') ? [] : index.get(folderKey(test)) ?? [];
  if (!guessed.length) return exact;
  return [...exact, ...guessed].sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
}

/** What the lens, the ETA and the hover need of one test's history. */
export interface HistorySummary {
  /** Newest first. */
  entries: TestRunEntry[];
  /** Durations of finished runs per backend, newest first: the ETA is their median. */
  durations: Record<Backend, number[]>;
  flakyCommits: string[];
}

/** Summaries per index (a rebuilt index is a new Map, so a history change starts afresh). */
const summaries = new WeakMap<Map<string, TestRunEntry[]>, Map<string, HistorySummary>>();

/** A test's history summary, computed once per history index rather than per lens or hover request. */
export function historySummary(index: Map<string, TestRunEntry[]>, test: string): HistorySummary {
  let byTest = summaries.get(index);
  if (!byTest) summaries.set(index, (byTest = new Map()));
  let s = byTest.get(test);
  if (!s) {
    const entries = historyOf(index, test);
    const durations: Record<Backend, number[]> = { sqlite: [], postgres: [] };
    for (const e of entries) if (e.status !== 'cancelled' && e.durationSeconds !== null) durations[e.backend].push(e.durationSeconds);
    byTest.set(test, (s = { entries, durations, flakyCommits: flakyCommits(entries) }));
  }
  return s;
}

export interface TestStats {
  runs: number;
  passed: number;
  failed: number;
  /** Passed ÷ (passed + failed); cancelled runs don't count. */
  passRate: number | null;
  medianSeconds: number | null;
  p90Seconds: number | null;
  /** Commits (clean trees only) on which the test both passed and failed. */
  flakyCommits: string[];
}

/** Nearest-rank percentile of durations; null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** The median as the lens and ETA use it: the middle value, or the mean of the two middle ones. */
export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function statsOf(entries: readonly TestRunEntry[]): TestStats {
  const done = entries.filter((e) => e.status !== 'cancelled');
  const passed = done.filter((e) => e.status === 'passed').length;
  const durations = done.map((e) => e.durationSeconds).filter((d): d is number => d !== null);
  return {
    runs: entries.length,
    passed,
    failed: done.length - passed,
    passRate: done.length ? passed / done.length : null,
    medianSeconds: median(durations),
    p90Seconds: percentile(durations, 90),
    flakyCommits: flakyCommits(entries),
  };
}

/**
 * A test is flaky when it passed and failed on the same commit with a clean tree: the same code
 * gave both results. Runs on a dirty tree are left out, since the code under test may have changed.
 */
export function flakyCommits(entries: readonly TestRunEntry[]): string[] {
  const results = new Map<string, Set<string>>();
  for (const e of entries) {
    if (!e.commit || e.dirty !== false || e.status === 'cancelled') continue;
    const set = results.get(e.commit) ?? new Set<string>();
    set.add(e.status);
    results.set(e.commit, set);
  }
  return [...results].filter(([, s]) => s.size === 2).map(([c]) => c);
}
