import * as fs from 'node:fs';
import * as path from 'node:path';
import { validatePattern } from '../../../shared/src/hiCommand';
import type { RunTestArgs } from '../../../shared/src/protocol';

/** The user's own hi command settings, which a run's argv must be made of. */
export interface ConfiguredCommand {
  hiCommand: readonly string[];
  extraArgs: readonly string[];
}

/**
 * Why an argv is not one hi workbench builds (`<hi command> run <pattern> --timeout=Ns
 * [--postgres] <extra args>`), or null. Command arguments arrive from lenses, the Test Explorer and
 * command URIs: `hi.runTest` must not spawn whatever argv it is handed.
 */
export function argvProblem(args: RunTestArgs, command: ConfiguredCommand): string | null {
  const argv = args.argv;
  if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string')) return 'Refusing to run: the command line is not a list of strings.';
  const n = command.hiCommand.length;
  if (argv.length < n + 2 || command.hiCommand.some((c, i) => argv[i] !== c)) return `Refusing to run: the command line does not start with headscale.hi.command (${command.hiCommand.join(' ')}).`;
  if (argv[n] !== 'run' || argv[n + 1] !== args.pattern) return 'Refusing to run: the command line is not `hi run <pattern>`.';
  const extra = argv.slice(n + 2).find((a) => !/^--timeout=\d+s$/.test(a) && a !== '--postgres' && !command.extraArgs.includes(a));
  return extra === undefined ? null : `Refusing to run: "${extra}" is neither a flag hi workbench adds nor one of headscale.hi.extraArgs.`;
}

/** Why a run cannot start, in words for the user; null when it can. Pure (no vscode). */
export function preflight(args: RunTestArgs, env: NodeJS.ProcessEnv = process.env, command?: ConfiguredCommand): string | null {
  if (typeof args.pattern !== 'string' || typeof args.cwd !== 'string') return 'Refusing to run: malformed run arguments.';
  const bad = validatePattern(args.pattern);
  if (bad) return `Refusing to run: ${bad}.`;
  // The pattern must be exactly what reaches hi, not just a label beside a different argv.
  if (!Array.isArray(args.argv) || !args.argv.includes(args.pattern)) return 'Refusing to run: the command line does not contain the test pattern.';
  const shape = command ? argvProblem(args, command) : null;
  if (shape) return shape;
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
