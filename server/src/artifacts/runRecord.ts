import * as fs from 'fs';
import * as path from 'path';
import { RUN_RECORD_FILE } from '../../../shared/src/protocol';

/** The fields of a run record that the server reads (client/src/runner/runRecord.ts writes it). */
export interface RecordFields {
  test?: string;
  status?: 'passed' | 'failed' | 'cancelled';
  durationSeconds?: number;
  startedAt?: string;
  finishedAt?: string;
  postgres?: boolean;
  /** `git rev-parse HEAD` and whether tracked files differed, at run time (null outside a repo). */
  gitCommit?: string | null;
  gitDirty?: boolean | null;
  tests?: { name: string; status: string; durationSeconds?: number }[];
}

const records = new Map<string, { mtimeMs: number; record: RecordFields | null }>();

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
  let record: RecordFields | null = null;
  try {
    record = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    record = null; // half-written or hand-edited: ignore
  }
  records.set(file, { mtimeMs: st.mtimeMs, record });
  return record;
}
