import { analyzeText } from '../../server/src/analysis/analyze';
import { LineIndex } from '../../server/src/analysis/lineIndex';
import type { GoParser } from '../../server/src/analysis/parser';
import { ruleTitle } from '../../server/src/analysis/rule';
import { allRules } from '../../server/src/analysis/rules';
import { READ_LIMITS, readRegularText } from '../../server/src/safeRead';
import { collectGoFiles, type SkippedPath } from './files';

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

export interface CheckResult {
  rows: CheckRow[];
  /** Files that were not (fully) checked, with why: the CLI then exits 2, never 0. */
  unchecked: SkippedPath[];
}

/**
 * Analyses files and directories; positions in rows are 1-based (UTF-16 columns, as LSP). Nothing
 * fails open: a file that is not a regular file, is over the size limit, cannot be read, or that
 * the parser or a rule failed on is listed in `unchecked`, and the other files are still checked.
 */
export function check(parser: GoParser, inputs: readonly string[], onWarning: (msg: string) => void): CheckResult {
  const rows: CheckRow[] = [];
  const { files, skipped } = collectGoFiles(inputs);
  const unchecked: SkippedPath[] = [...skipped];
  for (const file of files) {
    let text: string;
    try {
      // Invalid UTF-8 decodes to U+FFFD: the analysis still runs on the rest of the file.
      text = readRegularText(file, READ_LIMITS.goSource);
    } catch (e) {
      unchecked.push({ path: file, reason: (e as Error).message });
      continue;
    }
    const failures: string[] = [];
    const lines = new LineIndex(text);
    const findings = analyzeText(parser, file, text, {
      onRuleError: (rule, e) => {
        failures.push(rule.id === 'parser' ? `the parser failed: ${String(e)}` : `rule ${rule.id} failed: ${String(e)}`);
        onWarning(`${file}: ${failures[failures.length - 1]}`);
      },
    });
    if (failures.length) unchecked.push({ path: file, reason: failures.join('; ') });
    for (const f of findings) {
      const s = lines.positionAt(f.start);
      const e = lines.positionAt(f.end);
      rows.push({ file, line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1, rule: f.ruleId, severity: f.severity, message: f.message });
    }
  }
  return { rows, unchecked };
}

export function formatText(rows: readonly CheckRow[]): string {
  return rows.map((r) => `${r.file}:${r.line}:${r.column}: ${r.severity} ${r.rule}: ${r.message}`).join('\n') + (rows.length ? '\n' : '');
}

const SARIF_LEVEL: Record<string, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

export function formatSarif(rows: readonly CheckRow[]): string {
  return JSON.stringify(
    {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'hi-workbench',
              informationUri: 'https://github.com/juanfont/headscale/tree/main/integration',
              rules: allRules.map((r) => ({ id: r.id, shortDescription: { text: ruleTitle(r) }, fullDescription: { text: r.doc.replace(/\s+/g, ' ') }, defaultConfiguration: { level: SARIF_LEVEL[r.defaultSeverity] } })),
            },
          },
          results: rows.map((r) => ({
            ruleId: r.rule,
            level: SARIF_LEVEL[r.severity] ?? 'warning',
            message: { text: r.message },
            locations: [{ physicalLocation: { artifactLocation: { uri: r.file.split('\\').join('/') }, region: { startLine: r.line, startColumn: r.column, endLine: r.endLine, endColumn: r.endColumn } } }],
          })),
        },
      ],
    },
    null,
    2,
  );
}
