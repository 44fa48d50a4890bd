import * as fs from 'fs';
import { readRunRecord, type RecordFields } from '../artifacts/runRecord';
import { listRuns } from '../artifacts/runIndex';

/**
 * Earlier runs of a test, from the run records hi workbench leaves in control_logs/<run-id>/.
 * Only folder names and the small record files are read (cached by mtime), never logs.
 */
export interface PastRun {
  runId: string;
  dir: string;
  status: NonNullable<RecordFields['status']>;
  durationSeconds: number;
  finishedAt: string;
}

/** control_logs listings by folder mtime: one stat per lookup instead of a readdir per test. */
const listings = new Map<string, { mtimeMs: number; runs: ReturnType<typeof listRuns> }>();

function runFolders(controlLogs: string): ReturnType<typeof listRuns> {
  let st: fs.Stats;
  try {
    st = fs.statSync(controlLogs);
  } catch {
    return [];
  }
  const hit = listings.get(controlLogs);
  if (hit && hit.mtimeMs === st.mtimeMs) return hit.runs;
  const runs = listRuns(controlLogs);
  listings.set(controlLogs, { mtimeMs: st.mtimeMs, runs });
  return runs;
}

/** Newest first. */
export function pastRuns(controlLogs: string, testName: string, limit = 5): PastRun[] {
  const out: PastRun[] = [];
  for (const { id, path: dir } of runFolders(controlLogs)) {
    const rec = readRunRecord(dir);
    if (!rec || rec.test !== testName || !rec.status) continue;
    out.push({ runId: id, dir, status: rec.status, durationSeconds: rec.durationSeconds ?? 0, finishedAt: rec.finishedAt ?? '' });
    if (out.length >= limit) break;
  }
  return out;
}
