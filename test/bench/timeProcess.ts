import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/**
 * One timed run of a command (argv, no shell), process start included: the benchmarks of cold
 * processes (the CLI, its parse baseline, the setup checks) all time it this way. Throws unless
 * it exits with `status`, so a broken run never reads as a fast one.
 */
export function timeProcess(cmd: string, args: readonly string[], options: { status?: number; env?: NodeJS.ProcessEnv } = {}): { ms: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, ...options.env } });
  const ms = performance.now() - t0;
  const status = options.status ?? 0;
  if (r.status !== status) throw new Error(`${path.basename(cmd)} ${args.join(' ')} exited ${r.status}, not ${status}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}
