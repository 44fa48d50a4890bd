import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HiOutputParser } from './hiOutput';

/**
 * The small JSON file hi workbench leaves next to a run's artifacts: what ran, how, how long and
 * how it ended. The artifacts view and the "Last run" lens read it.
 */
import { RUN_RECORD_FILE } from '../../../shared/src/protocol';

export interface RunRecord {
  runId: string;
  test: string;
  pattern: string;
  argv: string[];
  cwd: string;
  postgres: boolean;
  timeoutSeconds: number;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  exitCode: number | null;
  signal: string | null;
  status: 'passed' | 'failed' | 'cancelled';
  /** At run start: `git rev-parse HEAD` and whether tracked files differed (null outside a repo). */
  gitCommit: string | null;
  gitDirty: boolean | null;
  error: string | null;
  tests: { name: string; status: string; durationSeconds?: number; failures: { file: string; line: number; message: string }[] }[];
}

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
