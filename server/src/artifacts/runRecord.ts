import * as fs from 'fs';
import * as path from 'path';
import { parseRunRecord, RUN_RECORD_FILE, type RunRecord } from '../../../shared/src/runRecord';
import { READ_LIMITS, tryReadRegularText } from '../safeRead';

/** The fields of a run record the server could read (shared/src/runRecord.ts defines the format). */
export type RecordFields = Partial<RunRecord>;

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
    // Regular files only, size-capped; half-written or hand-edited: what is well-typed.
    const text = tryReadRegularText(file, READ_LIMITS.runRecord);
    record = text === null ? null : parseRunRecord(text);
  } catch {
    record = null; // vanished or unreadable
  }
  records.set(file, { mtimeMs: st.mtimeMs, record });
  return record;
}
