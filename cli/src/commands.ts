import * as fs from 'fs';
import * as path from 'path';
import { parseArgs, type ParseArgsConfig } from 'util';
import { GoParser } from '../../server/src/analysis/parser';
import { renderRuleDocs, renderRulePage, replaceRuleDocs } from '../../server/src/analysis/ruleDocs';
import { documentedRules } from '../../server/src/analysis/rules';
import { reportUnchecked, UsageError } from './files';
import { discoverAll, formatTestsText, listTests } from './tests';
import { formatHistoryText, historyReport } from './history';
import { matrixEntries } from './matrix';
import { flowReport, formatFlowText, formatRunsText, runsReport } from './runs';
import { envReport, formatEnvText } from './env';
import { contractCommand } from './contract';
import { USAGE } from './usage';

/*
 * Every command but `check` (cli.ts runs that one, and loads this bundle, dist/cliCommands.js,
 * only for the others: with dockerode, sql.js and the log readers it takes 50 ms to load).
 */
interface Parsed {
  command: string | undefined;
  positional: string[];
  flags: Map<string, string>;
}

/**
 * Each command's flags, parsed by node:util's parseArgs in strict mode: an unknown or misspelt flag
 * is a usage error (exit 2), never silently ignored. `check` and `contract` parse their own.
 */
const COMMAND_OPTIONS: Record<string, NonNullable<ParseArgsConfig['options']>> = {
  tests: { format: { type: 'string' } },
  history: { format: { type: 'string' } },
  runs: { format: { type: 'string' }, 'max-errors': { type: 'string' }, flow: { type: 'string' }, search: { type: 'string' }, run: { type: 'string' }, 'max-per-file': { type: 'string' } },
  env: { format: { type: 'string' }, 'docker-host': { type: 'string' }, 'min-free-gb': { type: 'string' } },
  docs: { write: { type: 'string' }, pages: { type: 'string' } },
};

function parseCommandArgs(command: string, rest: readonly string[]): Parsed {
  const options = COMMAND_OPTIONS[command];
  if (!options) throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  let parsed: { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...rest], options: { ...options, help: { type: 'boolean' } }, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(`${command}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const flags = new Map<string, string>();
  for (const [name, value] of Object.entries(parsed.values)) if (value !== undefined && value !== false) flags.set(name, String(value));
  return { command, positional: parsed.positionals, flags };
}

function oneOf(flags: Map<string, string>, name: string, allowed: readonly string[], fallback: string): string {
  const v = flags.get(name) ?? fallback;
  if (!allowed.includes(v)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}`);
  return v;
}

/** Runs `argv` (a command other than `check`, or `--help`); resolves to the exit status. */
export async function runCommand(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'contract' && !argv.includes('--help')) {
    const { output, code } = await contractCommand(await GoParser.load({ wasmDir: __dirname }), argv.slice(1), process.cwd());
    process.stdout.write(output);
    return code;
  }
  const command = argv[0];
  if (!command || command === 'help' || command === '--help' || argv.includes('--help')) {
    process.stdout.write(USAGE + '\n');
    return command ? 0 : 2;
  }
  const { positional, flags } = parseCommandArgs(command, argv.slice(1));
  switch (command) {
    case 'tests': {
      const format = oneOf(flags, 'format', ['text', 'json', 'matrix'], 'text');
      if (positional.length === 0) throw new UsageError('tests needs at least one file or directory');
      const parser = await GoParser.load({ wasmDir: __dirname });
      if (format === 'matrix') {
        // Like CI's generator (rg --max-depth 1): the tests of the given folders, not of sub-packages.
        const roots = new Set(positional.map((p) => path.resolve(p)));
        const { found, unchecked } = discoverAll(parser, positional);
        const include = found
          .filter((f) => roots.has(path.resolve(f.file)) || roots.has(path.dirname(path.resolve(f.file))))
          .flatMap((f) => matrixEntries(f.tests));
        process.stdout.write(JSON.stringify({ include }, null, 2) + '\n');
        return reportUnchecked(unchecked) ? 2 : 0;
      }
      const { rows, unchecked } = listTests(parser, positional);
      process.stdout.write(format === 'json' ? JSON.stringify(rows, null, 2) + '\n' : formatTestsText(rows));
      return reportUnchecked(unchecked) ? 2 : 0;
    }
    case 'history': {
      const format = oneOf(flags, 'format', ['text', 'json'], 'text');
      if (positional.length === 0) throw new UsageError('history needs at least one control_logs (or artifacts) directory');
      const report = historyReport(positional);
      process.stdout.write(format === 'json' ? JSON.stringify(report, null, 2) + '\n' : formatHistoryText(report));
      return 0;
    }
    case 'runs': {
      const format = oneOf(flags, 'format', ['text', 'json'], 'text');
      if (positional.length !== 1) throw new UsageError('runs needs one control_logs directory');
      if (flags.has('flow') || flags.has('search')) {
        const maxPerFile = Number(flags.get('max-per-file') ?? 200);
        if (!Number.isInteger(maxPerFile) || maxPerFile < 1) throw new UsageError('--max-per-file takes a whole number above 0');
        const found = await flowReport(positional[0], { flow: flags.get('flow'), search: flags.get('search'), run: flags.get('run'), maxPerFile });
        process.stdout.write(format === 'json' ? JSON.stringify(found, null, 2) + '\n' : formatFlowText(found));
        return 0;
      }
      const maxErrors = Number(flags.get('max-errors') ?? 200);
      if (!Number.isInteger(maxErrors) || maxErrors < 0) throw new UsageError('--max-errors takes a whole number');
      const runs = await runsReport(positional[0], maxErrors);
      process.stdout.write(format === 'json' ? JSON.stringify(runs, null, 2) + '\n' : formatRunsText(runs));
      return 0;
    }
    case 'env': {
      const format = oneOf(flags, 'format', ['text', 'json'], 'text');
      if (positional.length > 1) throw new UsageError('env takes at most one module root');
      const minFreeGB = Number(flags.get('min-free-gb') ?? 10);
      if (!Number.isFinite(minFreeGB) || minFreeGB < 0) throw new UsageError('--min-free-gb takes a number');
      const checks = await envReport(positional[0] ?? process.cwd(), flags.get('docker-host'), minFreeGB);
      process.stdout.write(format === 'json' ? JSON.stringify(checks, null, 2) + '\n' : formatEnvText(checks));
      return checks.some((c) => c.status === 'fail') ? 1 : 0;
    }
    case 'docs': {
      const rendered = renderRuleDocs(documentedRules);
      const target = flags.get('write');
      const pages = flags.get('pages');
      if (!target && !pages) {
        process.stdout.write(rendered + '\n');
        return 0;
      }
      if (target) {
        const updated = replaceRuleDocs(fs.readFileSync(target, 'utf8'), rendered);
        if (updated === null) throw new UsageError(`${target} has no rule-docs markers`);
        fs.writeFileSync(target, updated);
      }
      if (pages) {
        // One page per rule; pages of rules that no longer exist are removed.
        fs.mkdirSync(pages, { recursive: true });
        const wanted = new Set(documentedRules.map((r) => `${r.id}.md`));
        for (const f of fs.readdirSync(pages)) if (f.endsWith('.md') && !wanted.has(f)) fs.rmSync(path.join(pages, f));
        for (const r of documentedRules) fs.writeFileSync(path.join(pages, `${r.id}.md`), renderRulePage(r));
      }
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  }
}
