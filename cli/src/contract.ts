import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { compareContracts, contractOfText, type ContractChange } from '../../server/src/analysis/contract';
import { LineIndex } from '../../server/src/analysis/lineIndex';
import type { GoParser } from '../../server/src/analysis/parser';
import { rule as contractRule } from '../../server/src/analysis/rules/hs-test-contract';
import { changedTestFiles, repositoryRoot } from '../../server/src/git/changedTests';
import { ContractBaseReader } from '../../server/src/git/contractBase';
import { checkContract } from '../../server/src/git/contractCheck';
import { collectGoFiles, UsageError } from './files';
import { sarifLocation, sarifLog } from './sarif';

export interface ContractRow {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: 'hs-test-contract';
  kind: ContractChange['kind'];
  test: string;
  message: string;
  /** Where it was: the file at the base revision, 1-based line. */
  base: { revision: string; path: string; line: number };
  /** The `//hi:contract-change -- <why>`, or null when the change is not explained. */
  reason: string | null;
}

export interface ContractReport {
  base: string;
  rows: ContractRow[];
}

/**
 * `contract [--base REV] [--format text|json|sarif] [paths…]`: every test-contract change in the
 * working tree against the base. Without paths: the _test.go files git reports as changed since
 * the base (deleted ones list their removed tests). Exit 1 when a change has no reason.
 */
export async function contractCommand(parser: GoParser, argv: readonly string[], cwd: string): Promise<{ output: string; code: number }> {
  let values: { base?: string; format?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: [...argv], options: { base: { type: 'string' }, format: { type: 'string' } }, allowPositionals: true, strict: true }));
  } catch (error) {
    throw new UsageError(`contract: ${error instanceof Error ? error.message : String(error)}`);
  }
  const format = values.format ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError('--format must be one of text, json, sarif');
  const base = values.base ?? 'HEAD';
  if (!/^[A-Za-z0-9_./~^@{}][A-Za-z0-9_./~^@{}-]*$/.test(base)) throw new UsageError(`--base ${JSON.stringify(base)} is not a revision name`);
  const report = await contractReport(parser, base, positionals, cwd);
  const output = format === 'json' ? JSON.stringify(report, null, 2) + '\n' : format === 'sarif' ? formatContractSarif(report) + '\n' : formatContractText(report);
  return { output, code: report.rows.some((r) => r.reason === null) ? 1 : 0 };
}

export async function contractReport(parser: GoParser, base: string, inputs: readonly string[], cwd: string): Promise<ContractReport> {
  const top = await repositoryRoot(cwd);
  if (!top) throw new UsageError(`contract: ${cwd} is not inside a git repository`);
  const reader = new ContractBaseReader(parser);
  let files: { file: string; deleted: boolean }[];
  if (inputs.length > 0) {
    files = collectGoFiles(inputs.map((p) => path.resolve(cwd, p))).files
      .filter((f) => f.endsWith('_test.go'))
      .map((file) => ({ file, deleted: false }));
  } else {
    const changed = await changedTestFiles(top, base);
    if (!changed) throw new UsageError(missingBase(base));
    files = changed.filter((c) => c.status !== 'added').map((c) => ({ file: path.join(top, c.path), deleted: c.status === 'deleted' }));
  }
  const rows: ContractRow[] = [];
  for (const { file, deleted } of files) {
    const text = deleted ? '' : fs.readFileSync(file).toString('utf8');
    const result = deleted ? await deletedFile(reader, parser, file, base) : await checkContract(reader, parser, file, text, base);
    if (result.lookup.kind === 'missing-base') throw new UsageError(result.lookup.message);
    if (result.lookup.kind !== 'found') continue;
    const lines = new LineIndex(text);
    const baseLines = new LineIndex(result.lookup.text);
    for (const c of result.changes) {
      const s = lines.positionAt(c.start);
      const e = lines.positionAt(c.end);
      rows.push({
        file: path.relative(cwd, file) || file,
        line: s.line + 1,
        column: s.character + 1,
        endLine: e.line + 1,
        endColumn: e.character + 1,
        rule: 'hs-test-contract',
        kind: c.kind,
        test: c.functionName,
        message: c.message,
        base: { revision: base, path: result.lookup.path, line: baseLines.positionAt(c.baseStart).line + 1 },
        reason: c.directive?.reason ? c.directive.reason : null,
      });
    }
  }
  return { base, rows };
}

/** A test file deleted since the base: each of its tests was removed. */
async function deletedFile(reader: ContractBaseReader, parser: GoParser, file: string, base: string) {
  const lookup = await reader.lookup(file, base);
  const empty = contractOfText(parser, '');
  const changes = lookup.kind === 'found' && empty ? compareContracts(lookup.contract, empty, { baseLabel: base }) : [];
  return { lookup, changes };
}

function missingBase(base: string): string {
  return `contract: the base \`${base}\` is not a commit here (a shallow clone? fetch it, e.g. \`git fetch origin main\`)`;
}

export function formatContractText(report: ContractReport): string {
  if (report.rows.length === 0) return `No test contract changes against ${report.base}.\n`;
  const lines = report.rows.map(
    (r) => `${r.file}:${r.line}:${r.column}: ${r.reason === null ? 'warning' : 'explained'} hs-test-contract: ${r.message} [${r.base.revision}:${r.base.path}:${r.base.line}]${r.reason !== null ? ` (reason: ${r.reason})` : ''}`,
  );
  const open = report.rows.filter((r) => r.reason === null).length;
  lines.push(`${report.rows.length} contract change${report.rows.length === 1 ? '' : 's'} against ${report.base}, ${open} without a reason.`);
  return lines.join('\n') + '\n';
}

export function formatContractSarif(report: ContractReport): string {
  return sarifLog(
    [contractRule],
    report.rows.map((r) => ({
      ruleId: r.rule,
      level: 'warning',
      message: { text: `${r.message} (was at ${r.base.revision}:${r.base.path}:${r.base.line})` },
      locations: [sarifLocation(r.file, r)],
      ...(r.reason !== null ? { suppressions: [{ kind: 'inSource', justification: r.reason }] } : {}),
    })),
  );
}
