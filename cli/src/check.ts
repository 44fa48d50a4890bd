import * as fs from 'fs';
import { analyzeText } from '../../server/src/analysis/analyze';
import { LineIndex } from '../../server/src/analysis/lineIndex';
import type { GoParser } from '../../server/src/analysis/parser';
import { allRules } from '../../server/src/analysis/rules';
import { collectGoFiles } from './files';
import { sarifLevel, sarifLocation, sarifLog } from './sarif';

export interface CheckRow {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: string;
  severity: string;
  message: string;
}

/** Analyses files and directories; positions in rows are 1-based (UTF-16 columns, as LSP). */
export function check(parser: GoParser, inputs: readonly string[], onWarning: (msg: string) => void): CheckRow[] {
  const rows: CheckRow[] = [];
  for (const file of collectGoFiles(inputs)) {
    // Invalid UTF-8 decodes to U+FFFD: the analysis still runs on the rest of the file.
    const text = fs.readFileSync(file).toString('utf8');
    const lines = new LineIndex(text);
    const findings = analyzeText(parser, file, text, { onRuleError: (rule, e) => onWarning(`${file}: rule ${rule.id} failed: ${String(e)}`) });
    for (const f of findings) {
      const s = lines.positionAt(f.start);
      const e = lines.positionAt(f.end);
      rows.push({ file, line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1, rule: f.ruleId, severity: f.severity, message: f.message });
    }
  }
  return rows;
}

export function formatText(rows: readonly CheckRow[]): string {
  return rows.map((r) => `${r.file}:${r.line}:${r.column}: ${r.severity} ${r.rule}: ${r.message}`).join('\n') + (rows.length ? '\n' : '');
}

export function formatSarif(rows: readonly CheckRow[]): string {
  return sarifLog(
    allRules,
    rows.map((r) => ({ ruleId: r.rule, level: sarifLevel(r.severity), message: { text: r.message }, locations: [sarifLocation(r.file, r)] })),
  );
}
