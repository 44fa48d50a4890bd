/**
 * The run record: the small JSON file hi workbench writes into each run folder it started
 * (`hi-workbench-run.json`), what ran, how, how long and how it ended. Defined once here: the
 * runner writes it (client/src/runner/runRecord.ts) and the server reads it
 * (server/src/artifacts/runRecord.ts) through `parseRunRecord`, so the two cannot drift.
 */
export { RUN_RECORD_FILE } from './protocol';

export interface RecordedFailure {
  /** As go test prints it: relative to integration/ (`route_test.go`). */
  file: string;
  line: number;
  message: string;
}

export interface RecordedTest {
  name: string;
  status: string;
  durationSeconds?: number;
  failures: RecordedFailure[];
}

export interface RunRecord {
  runId: string;
  test: string;
  pattern: string;
  argv: string[];
  /** The module root hi ran in. */
  cwd: string;
  postgres: boolean;
  timeoutSeconds: number;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  exitCode: number | null;
  signal: string | null;
  status: 'passed' | 'failed' | 'cancelled';
  error: string | null;
  tests: RecordedTest[];
}

/**
 * A record from its JSON text, keeping only well-typed fields (a hand-edited or half-written file
 * loses the broken ones, never the whole run); null when it is not a JSON object.
 */
export function parseRunRecord(text: string): Partial<RunRecord> | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const r = raw as Record<string, unknown>;
  const out: Partial<RunRecord> = {};
  for (const k of ['runId', 'test', 'pattern', 'cwd', 'startedAt', 'finishedAt'] as const) if (typeof r[k] === 'string') out[k] = r[k] as string;
  for (const k of ['timeoutSeconds', 'durationSeconds'] as const) if (typeof r[k] === 'number' && Number.isFinite(r[k])) out[k] = r[k] as number;
  if (r.status === 'passed' || r.status === 'failed' || r.status === 'cancelled') out.status = r.status;
  if (typeof r.postgres === 'boolean') out.postgres = r.postgres;
  if (Array.isArray(r.argv)) out.argv = r.argv.filter((a): a is string => typeof a === 'string');
  if (typeof r.exitCode === 'number' || r.exitCode === null) out.exitCode = r.exitCode as number | null;
  if (typeof r.signal === 'string' || r.signal === null) out.signal = r.signal as string | null;
  if (typeof r.error === 'string' || r.error === null) out.error = r.error as string | null;
  if (Array.isArray(r.tests)) {
    out.tests = r.tests.flatMap((t): RecordedTest[] => {
      if (!t || typeof t !== 'object') return [];
      const x = t as Record<string, unknown>;
      if (typeof x.name !== 'string' || typeof x.status !== 'string') return [];
      const failures = Array.isArray(x.failures)
        ? x.failures.flatMap((f): RecordedFailure[] => {
            const y = (f ?? {}) as Record<string, unknown>;
            return typeof y.file === 'string' && typeof y.line === 'number' && typeof y.message === 'string' ? [{ file: y.file, line: y.line, message: y.message }] : [];
          })
        : [];
      return [{ name: x.name, status: x.status, ...(typeof x.durationSeconds === 'number' ? { durationSeconds: x.durationSeconds } : {}), failures }];
    });
  }
  return out;
}
