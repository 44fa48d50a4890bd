import { execFile } from 'child_process';

/** One git invocation: argv only (never a shell), bounded output, no prompts, no pager. */
export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

const MAX_OUTPUT = 64 * 1024 * 1024;

export function git(cwd: string, args: readonly string[]): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['--no-pager', '-c', 'core.quotePath=false', ...args],
      {
        cwd,
        maxBuffer: MAX_OUTPUT,
        windowsHide: true,
        // Never wait for credentials or an editor: a contract read is a background query.
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof (error as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? ((error as unknown as { code: number }).code) : -1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}
