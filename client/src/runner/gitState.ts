import { execFile } from 'node:child_process';

/**
 * The commit a run tests and whether tracked files differed from it, recorded with the run so
 * history can tell flaky (both results on one clean commit) from "the code changed". Untracked
 * files (control_logs, scratch notes) don't count. git runs with argv, never a shell; outside a
 * repository, or without git, both are null.
 */
export interface GitState {
  commit: string | null;
  dirty: boolean | null;
}

function git(cwd: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: 10_000, maxBuffer: 4 * 1024 * 1024, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } }, (error, stdout) => resolve(error ? null : stdout));
  });
}

export async function gitState(cwd: string): Promise<GitState> {
  const head = await git(cwd, ['rev-parse', '--verify', 'HEAD']);
  const commit = head && /^[0-9a-f]{40,64}$/.test(head.trim()) ? head.trim() : null;
  if (!commit) return { commit: null, dirty: null };
  const status = await git(cwd, ['status', '--porcelain', '--untracked-files=no']);
  return { commit, dirty: status === null ? null : status.trim().length > 0 };
}
