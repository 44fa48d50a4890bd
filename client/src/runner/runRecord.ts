import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HiOutputParser } from './hiOutput';

/**
 * The small JSON file hi workbench leaves next to a run's artifacts: what ran, how, how long and
 * how it ended. The artifacts view and the "Last run" lens read it.
 */
import { RUN_RECORD_FILE, type RunRecord } from '../../../shared/src/runRecord';

export type { RunRecord };

export function buildRecord(base: Omit<RunRecord, 'runId' | 'tests' | 'error'>, parsed: HiOutputParser): RunRecord | null {
  if (!parsed.runId) return null;
  return {
    ...base,
    runId: parsed.runId,
    error: parsed.error,
    tests: [...parsed.tests.values()].map((t) => ({ name: t.name, status: t.status, durationSeconds: t.durationSeconds, failures: t.failures })),
  };
}

/** Writes the record into the run's folder (only when hi created it); returns the path or null. */
export function writeRecord(record: RunRecord, logsDir: string | null): string | null {
  const dir = logsDir ? path.resolve(record.cwd, logsDir) : null;
  if (!dir || !fs.existsSync(dir)) return null;
  const file = path.join(dir, RUN_RECORD_FILE);
  fs.writeFileSync(file, JSON.stringify(record, null, 2) + '\n');
  return file;
}
