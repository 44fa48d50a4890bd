/**
 * The exact hi command lines hi workbench runs, built in one place. Both sides use it: the server
 * puts the argv into lens arguments, and the client re-validates before it spawns (argv only,
 * never a shell string).
 */
import type { RunTestArgs } from './protocol';

/**
 * What may reach hi's command line as a test pattern: Go identifier characters plus the regexp
 * characters go test patterns use (`^ $ | * .`), `/` between subtest levels and `-` (subtest names
 * like `with-https-false`). No spaces, quotes, parentheses, `;`, `&`, `$(…)` or backticks.
 */
const SAFE_PATTERN = /^[\^]?[A-Za-z_][A-Za-z0-9_*^$|/.\-]*$/;

export function validatePattern(pattern: string): string | null {
  if (pattern.length === 0) return 'the test pattern is empty';
  if (pattern.length > 300) return 'the test pattern is longer than 300 characters';
  if (!SAFE_PATTERN.test(pattern) || pattern.includes('$(')) {
    return `"${pattern}" is not a Go test name or pattern (allowed: letters, digits, _ and * ^ $ | / . -)`;
  }
  return null;
}

/** `TestX` → `^TestX$`; `TestX/sub` → `^TestX$/^sub$` (go test matches each level separately). */
export function anchoredPattern(testName: string): string {
  return testName.split('/').map((part) => `^${part}$`).join('/');
}

/** Several tests in one run: `^TestA$|^TestB$` (no parentheses, which patterns may not contain). */
export function anchoredAlternatives(testNames: readonly string[]): string {
  return testNames.map(anchoredPattern).join('|');
}

export interface RunRequest {
  /** A test name (anchored for the command) or a user pattern (passed as typed). */
  pattern: string;
  anchored: boolean;
  timeoutSeconds: number;
  postgres: boolean;
}

/** Guide: database-heavy tests run with PostgreSQL *and* a longer timeout. */
export const POSTGRES_MIN_TIMEOUT = 1800;

export function buildRunArgv(hiCommand: readonly string[], extraArgs: readonly string[], req: RunRequest): string[] {
  const pattern = req.anchored ? anchoredPattern(req.pattern) : req.pattern;
  return [...hiCommand, 'run', pattern, `--timeout=${req.timeoutSeconds}s`, ...(req.postgres ? ['--postgres'] : []), ...extraArgs];
}

/** What a run is, before its argv exists: every run (lens, Test Explorer, palette, phase) is built by `runTestArgs`. */
export interface RunSpec {
  title: string;
  testName: string | null;
  /** For a run of several tests: their names (the Test Explorer marks each). */
  testNames?: string[];
  uri: string;
  /** A test name when `anchored`, else a pattern passed as typed. */
  pattern: string;
  anchored: boolean;
  cwd: string;
  timeoutSeconds: number;
  postgres: boolean;
  category: string;
  previousDurations: number[];
  timeoutReason?: string;
}

/**
 * The one place a run's arguments are made: the argv from `buildRunArgv`, and with --postgres at
 * least the guide's 1800 s, whoever asks (a test, a file, a pattern, a phase).
 */
export function runTestArgs(hiCommand: readonly string[], extraArgs: readonly string[], spec: RunSpec): RunTestArgs {
  const raised = spec.postgres && spec.timeoutSeconds < POSTGRES_MIN_TIMEOUT;
  const timeoutSeconds = raised ? POSTGRES_MIN_TIMEOUT : spec.timeoutSeconds;
  const pattern = spec.anchored ? anchoredPattern(spec.pattern) : spec.pattern;
  const timeoutReason = raised ? `${spec.timeoutReason ? `${spec.timeoutReason}; ` : ''}raised to ${POSTGRES_MIN_TIMEOUT}s, the guide's minimum with --postgres` : spec.timeoutReason;
  return {
    title: spec.title,
    testName: spec.testName,
    ...(spec.testNames ? { testNames: spec.testNames } : {}),
    uri: spec.uri,
    pattern,
    argv: buildRunArgv(hiCommand, extraArgs, { pattern: spec.pattern, anchored: spec.anchored, timeoutSeconds, postgres: spec.postgres }),
    cwd: spec.cwd,
    timeoutSeconds,
    postgres: spec.postgres,
    category: spec.category,
    previousDurations: spec.previousDurations,
    ...(timeoutReason ? { timeoutReason } : {}),
  };
}

/** For display: the argv as a user would type it in a POSIX shell. */
export function displayCommand(argv: readonly string[]): string {
  return argv.map((a, i) => (i > 0 && /[\^$*|\s"'\\]/.test(a) ? `"${a.replace(/(["\\$`])/g, '\\$1')}"` : a)).join(' ');
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  return `${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** `14m02s` / `52s`: how the lens shows a finished run's duration. */
export function formatRunDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
