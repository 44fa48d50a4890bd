import * as os from 'os';
import * as v8 from 'v8';
import { checkExitCode, checkOnCores, formatSarif, formatSummary, formatText, parseCheckArgs } from './check';
import { reportUnchecked, UsageError } from './files';

/*
 * The `hi-workbench` entry (dist/cli.js). It holds `check` alone, which CI runs on every push and
 * which must start fast; every other command is in dist/cliCommands.js (commands.ts), which takes
 * 50 ms to load and is required only when one of them runs.
 */

type Commands = typeof import('./commands');

/**
 * A check is a short run of much code, once each: V8's default (optimise a function once it has
 * run about 66 KB of bytecode) spends its compiler threads on code that will not run long, and on
 * two cores those threads take the time of the workers themselves. Optimising later cut the cold
 * check of 34 000 lines from 0.81 to 0.71 s, and of 180 000 lines from 2.7 to 2.3 s (npm run bench).
 * V8 flags are the process's: it is set once the files are parsed (wasm, which it does not touch),
 * as a worker's boot, node's own JavaScript run once, took 40 to 70 ms longer under it.
 */
const CHECK_INTERRUPT_BUDGET = 500_000;

async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] !== 'check' || argv.includes('--help')) return ((require('./cliCommands.js') as Commands).runCommand)(argv);
  const args = parseCheckArgs(argv.slice(1));
  const { rows, unchecked, checked } = await checkOnCores(__dirname, args.inputs, (w) => process.stderr.write(w + '\n'), {
    rules: args.rules,
    workers: Math.min(os.availableParallelism(), 4),
    beforeAnalysis: () => v8.setFlagsFromString(`--interrupt-budget=${CHECK_INTERRUPT_BUDGET}`),
  });
  // Paths with no Go file in them (a typo'd folder in CI) must not pass as a clean check.
  if (checked === 0 && unchecked.length === 0) throw new UsageError(`check: no Go files in ${args.inputs.join(', ')}`);
  const format = args.format;
  process.stdout.write(format === 'json' ? JSON.stringify(rows, null, 2) + '\n' : format === 'sarif' ? formatSarif(rows) + '\n' : formatText(rows, checked));
  // JSON and SARIF keep stdout machine-readable: the summary goes to stderr there.
  if (format !== 'text') process.stderr.write(formatSummary(rows, checked) + '\n');
  if (reportUnchecked(unchecked)) return 2;
  return checkExitCode(rows, args.failOn);
}

/**
 * Sets the exit status and leaves only once stdout and stderr are flushed. process.exit() right
 * after a write cuts piped output at the pipe's 64 KiB buffer (invalid SARIF in CI); the exit
 * after the flush callbacks still ends the process when a library left a socket open.
 */
function finish(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv.slice(2)).then(finish, (error: unknown) => {
  const message = error instanceof UsageError ? error.message : `error: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`hi-workbench: ${message.split('\n')[0]}\n`);
  finish(2);
});
