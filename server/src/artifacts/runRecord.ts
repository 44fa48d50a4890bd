import * as fs from 'fs';
import * as path from 'path';
import { RUN_RECORD_FILE } from '../../../shared/src/protocol';
import { READ_LIMITS, tryReadRegularText } from '../safeRead';

/** The fields of a run record that the server reads (client/src/runner/runRecord.ts writes it). */
export interface RecordFields {
  test?: string;
  status?: 'passed' | 'failed' | 'cancelled';
  durationSeconds?: number;
  finishedAt?: string;
}

const records = new Map<string, { mtimeMs: number; record: RecordFields | null }>();

/**
 * A run folder's record, cached by mtime; null when absent, half-written, hand-broken, or not a
 * small regular file (a cloned repo may ship `hi-workbench-run.json -> /dev/zero`).
 */
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
    const text = tryReadRegularText(file, READ_LIMITS.runRecord);
    const parsed: unknown = text === null ? null : JSON.parse(text);
    record = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as RecordFields) : null;
  } catch {
    record = null; // half-written or hand-edited: ignore
  }
  records.set(file, { mtimeMs: st.mtimeMs, record });
  return record;
}
