import * as fs from 'node:fs';
import * as path from 'node:path';
import { validatePattern } from '../../../shared/src/hiCommand';
import type { RunTestArgs } from '../../../shared/src/protocol';

/** Why a run cannot start, in words for the user; null when it can. Pure (no vscode). */
export function preflight(args: RunTestArgs, env: NodeJS.ProcessEnv = process.env): string | null {
  const bad = validatePattern(args.pattern);
  if (bad) return `Refusing to run: ${bad}.`;
  // The pattern must be exactly what reaches hi, not just a label beside a different argv.
  if (!args.argv.includes(args.pattern)) return 'Refusing to run: the command line does not contain the test pattern.';
  if (!fs.existsSync(args.cwd)) return `The module root ${args.cwd} does not exist.`;
  if (args.argv.includes('./cmd/hi') && !fs.existsSync(path.join(args.cwd, 'cmd', 'hi'))) {
    return `No cmd/hi in ${args.cwd}: open a headscale checkout, or point headscale.hi.command at a prebuilt hi.`;
  }
  const program = args.argv[0];
  if (!findProgram(program, args.cwd, env)) {
    return program === 'go'
      ? '`go` is not on PATH: install Go (hi is started with `go run ./cmd/hi`), or set headscale.hi.command to a prebuilt hi binary.'
      : `\`${program}\` was not found (headscale.hi.command).`;
  }
  return null;
}

export function findProgram(program: string, cwd: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (program.includes('/')) {
    const p = path.resolve(cwd, program);
    return fs.existsSync(p) ? p : null;
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, program);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}
