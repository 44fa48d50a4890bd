/**
 * `npm run precision [dir] [--list] [--rule ID]`: runs every rule over a Go tree and prints, per rule,
 * the findings by severity and per 1 000 lines, so a change to a rule can be judged on real code
 * (e.g. a Headscale checkout) before and after. `--list` prints each finding with its line, for
 * labelling by hand. Lines are counted over every .go file analysed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { collectGoFiles } from '../../cli/src/files';
import { byDirectory } from '../../cli/src/check';
import { analyzePackage } from '../../server/src/analysis/analyze';
import { LineIndex } from '../../server/src/analysis/lineIndex';
import { GoParser } from '../../server/src/analysis/parser';
import { allRules } from '../../server/src/analysis/rules';
import type { Finding } from '../../server/src/analysis/types';

const SEVERITIES = ['error', 'warning', 'information', 'hint'] as const;

export interface PrecisionRow {
  rule: string;
  counts: Record<string, number>;
  total: number;
  perKloc: number;
}

export interface PrecisionReport {
  files: number;
  lines: number;
  rows: PrecisionRow[];
  findings: { file: string; line: number; finding: Finding }[];
}

export function measure(parser: GoParser, root: string, ruleFilter?: string): PrecisionReport {
  const { files } = collectGoFiles([root]);
  const findings: PrecisionReport['findings'] = [];
  let lines = 0;
  for (const group of byDirectory(files)) {
    const sources = group.map((file) => ({ path: file, text: fs.readFileSync(file, 'utf8') }));
    const results = analyzePackage(parser, sources);
    for (const { path: file, text } of sources) {
      lines += text.split('\n').length;
      const index = new LineIndex(text);
      for (const f of results.get(file) ?? []) {
        if (ruleFilter && f.ruleId !== ruleFilter) continue;
        findings.push({ file: path.relative(root, file) || path.basename(file), line: index.positionAt(f.start).line + 1, finding: f });
      }
    }
  }
  const rows = allRules
    .filter((r) => !ruleFilter || r.id === ruleFilter)
    .map((r) => {
      const mine = findings.filter((f) => f.finding.ruleId === r.id);
      const counts: Record<string, number> = {};
      for (const s of SEVERITIES) counts[s] = mine.filter((f) => f.finding.severity === s).length;
      return { rule: r.id, counts, total: mine.length, perKloc: lines ? (mine.length * 1000) / lines : 0 };
    });
  return { files: files.length, lines, rows, findings };
}

export function formatReport(report: PrecisionReport, list: boolean): string {
  const out: string[] = [];
  out.push(`${report.files} files, ${report.lines} lines`);
  out.push(['rule'.padEnd(24), 'error', 'warn', 'info', 'hint', 'total', '/kloc'].join('\t'));
  const totals: Record<string, number> = {};
  for (const r of report.rows) {
    for (const s of SEVERITIES) totals[s] = (totals[s] ?? 0) + r.counts[s];
    out.push([r.rule.padEnd(24), ...SEVERITIES.map((s) => r.counts[s]), r.total, r.perKloc.toFixed(2)].join('\t'));
  }
  const all = report.rows.reduce((n, r) => n + r.total, 0);
  out.push(['all'.padEnd(24), ...SEVERITIES.map((s) => totals[s]), all, (report.lines ? (all * 1000) / report.lines : 0).toFixed(2)].join('\t'));
  if (list) {
    out.push('');
    for (const f of report.findings) out.push(`${f.file}:${f.line}: ${f.finding.severity} ${f.finding.ruleId}: ${f.finding.message}`);
  }
  return out.join('\n') + '\n';
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    allowPositionals: true,
    options: { list: { type: 'boolean', default: false }, rule: { type: 'string' } },
  });
  const root = path.resolve(positionals[0] ?? '.');
  const parser = await GoParser.load({ wasmDir: path.resolve(__dirname, '..', '..', '..', 'dist') });
  process.stdout.write(formatReport(measure(parser, root, values.rule), values.list));
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`precision: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  });
}
