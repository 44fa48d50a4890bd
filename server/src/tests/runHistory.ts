import * as fs from 'fs';
import * as path from 'path';
import { RUN_ID_PATTERN, RUN_RECORD_FILE } from '../../../shared/src/protocol';

/**
 * Earlier runs of a test, from the run records hi workbench leaves in control_logs/<run-id>/.
 * Only folder names and the small record files are read (cached by mtime), never logs.
 */
export interface PastRun {
  runId: string;
  dir: string;
  status: 'passed' | 'failed' | 'cancelled';
  durationSeconds: number;
  finishedAt: string;
}

/** The fields of a run record that the server reads (client/src/runner/runRecord.ts writes it). */
export interface RecordFields {
  test?: string;
  status?: PastRun['status'];
  durationSeconds?: number;
  finishedAt?: string;
}

interface Cached {
  mtimeMs: number;
  record: RecordFields | null;
}

const records = new Map<string, Cached>();
/** control_logs listings by folder mtime: one stat per lookup instead of a readdir per test. */
const listings = new Map<string, { mtimeMs: number; names: string[] }>();

function runFolders(controlLogs: string): string[] {
  let st: fs.Stats;
  try {
    st = fs.statSync(controlLogs);
  } catch {
    return [];
  }
  const hit = listings.get(controlLogs);
  if (hit && hit.mtimeMs === st.mtimeMs) return hit.names;
  let names: string[] = [];
  try {
    names = fs.readdirSync(controlLogs).filter((n) => RUN_ID_PATTERN.test(n)).sort().reverse();
  } catch {
    names = [];
  }
  listings.set(controlLogs, { mtimeMs: st.mtimeMs, names });
  return names;
}

/** A run folder's record, cached by mtime; null when absent, half-written or hand-broken. */
export function readRunRecord(runDir: string): RecordFields | null {
  const file = path.join(runDir, RUN_RECORD_FILE);
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return null;
  }
  const hit = records.get(file);
  if (hit && hit.mtimeMs === st.mtimeMs) return hit.record;
  let record: Cached['record'] = null;
  try {
    record = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    record = null; // half-written or hand-edited: ignore
  }
  records.set(file, { mtimeMs: st.mtimeMs, record });
  return record;
}

/** Newest first. */
export function pastRuns(controlLogs: string, testName: string, limit = 5): PastRun[] {
  const out: PastRun[] = [];
  for (const runId of runFolders(controlLogs)) {
    const dir = path.join(controlLogs, runId);
    const rec = readRunRecord(dir);
    if (!rec || rec.test !== testName || !rec.status) continue;
    out.push({ runId, dir, status: rec.status, durationSeconds: rec.durationSeconds ?? 0, finishedAt: rec.finishedAt ?? '' });
    if (out.length >= limit) break;
  }
  return out;
}
