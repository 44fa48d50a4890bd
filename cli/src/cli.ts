import * as fs from 'fs';
import * as path from 'path';
import { GoParser } from '../../server/src/analysis/parser';
import { renderRuleDocs, replaceRuleDocs } from '../../server/src/analysis/ruleDocs';
import { allRules } from '../../server/src/analysis/rules';
import { check, formatSarif, formatText } from './check';
import { UsageError } from './files';
import { discoverAll, formatTestsText, listTests } from './tests';
import { formatHistoryText, historyReport } from './history';
import { matrixEntries } from './matrix';
import { formatRunsText, runsReport } from './runs';
import { envReport, formatEnvText } from './env';

const USAGE = `usage: hi-workbench <command> [options]

commands:
  check <files|dirs…> [--format text|json|sarif]   EventuallyWithT and route-safety findings
  tests <files|dirs…> [--format text|json|matrix]   discovered tests: category, timeout, exact hi argv;
                                                    matrix: GitHub Actions entries (per-test timeout, postgres, splits)
  history <dirs…> [--format text|json]              per test: pass rate, duration median and p90, flaky ones
  runs <control_logs> [--format text|json] [--max-errors N]   runs, status, triage, error lines
  env [module root] [--docker-host H] [--min-free-gb N] [--format text|json]   Docker environment checks
  docs [--write README.md]                          print (or write) the generated rule docs

exit status: 0 success (check: no findings; env: no failed check), 1 findings or a failed check, 2 usage or I/O error`;

interface Parsed {
  command: string | undefined;
  positional: string[];
  flags: Map<string, string>;
}

function parseArgs(argv: readonly string[]): Parsed {
  const [command, ...rest] = argv;
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else if (i + 1 < rest.length && !rest[i + 1].startsWith('--')) flags.set(a.slice(2), rest[++i]);
      else flags.set(a.slice(2), 'true');
    } else positional.push(a);
  }
  return { command, positional, flags };
}

function oneOf(flags: Map<string, string>, name: string, allowed: readonly string[], fallback: string): string {
  const v = flags.get(name) ?? fallback;
  if (!allowed.includes(v)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}`);
  return v;
}

async function main(argv: readonly string[]): Promise<number> {
  const { command, positional, flags } = parseArgs(argv);
  if (!command || command === 'help' || command === '--help' || flags.has('help')) {
    process.stdout.write(USAGE + '\n');
    return command ? 0 : 2;
  }
  switch (command) {
    case 'check': {
      const format = oneOf(flags, 'format', ['text', 'json', 'sarif'], 'text');
      if (positional.length === 0) throw new UsageError('check needs at least one file or directory');
      const parser = await GoParser.load({ wasmDir: __dirname });
      const rows = check(parser, positional, (w) => process.stderr.write(w + '\n'));
      process.stdout.write(format === 'json' ? JSON.stringify(rows, null, 2) + '\n' : format === 'sarif' ? formatSarif(rows) + '\n' : formatText(rows));
      return rows.length > 0 ? 1 : 0;
    }
    case 'tests': {
      const format = oneOf(flags, 'format', ['text', 'json', 'matrix'], 'text');
      if (positional.length === 0) throw new UsageError('tests needs at least one file or directory');
      const parser = await GoParser.load({ wasmDir: __dirname });
      if (format === 'matrix') {
        // Like CI's generator (rg --max-depth 1): the tests of the given folders, not of sub-packages.
        const roots = new Set(positional.map((p) => path.resolve(p)));
        const include = discoverAll(parser, positional)
          .filter((f) => roots.has(path.resolve(f.file)) || roots.has(path.dirname(path.resolve(f.file))))
          .flatMap((f) => matrixEntries(f.tests));
        process.stdout.write(JSON.stringify({ include }, null, 2) + '\n');
        return 0;
      }
      const rows = listTests(parser, positional);
      process.stdout.write(format === 'json' ? JSON.stringify(rows, null, 2) + '\n' : formatTestsText(rows));
      return 0;
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
      const rendered = renderRuleDocs(allRules);
      const target = flags.get('write');
      if (!target) {
        process.stdout.write(rendered + '\n');
        return 0;
      }
      const updated = replaceRuleDocs(fs.readFileSync(target, 'utf8'), rendered);
      if (updated === null) throw new UsageError(`${target} has no rule-docs markers`);
      fs.writeFileSync(target, updated);
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof UsageError ? error.message : `error: ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`hi-workbench: ${message.split('\n')[0]}\n`);
    process.exit(2);
  },
);
