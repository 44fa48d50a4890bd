import * as fs from 'fs';
import * as path from 'path';
import { analyzePackage } from '../../server/src/analysis/analyze';
import { LineIndex } from '../../server/src/analysis/lineIndex';
import type { GoParser } from '../../server/src/analysis/parser';
import { ruleTitle } from '../../server/src/analysis/rule';
import { allRules } from '../../server/src/analysis/rules';
import { collectGoFiles } from './files';

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
  for (const group of byDirectory(collectGoFiles(inputs))) {
    // Invalid UTF-8 decodes to U+FFFD: the analysis still runs on the rest of the file.
    const sources = group.map((file) => ({ path: file, text: fs.readFileSync(file).toString('utf8') }));
    // The files of one directory are one package: facts (MustFindNode defined in helpers.go)
    // reach the files that call them.
    const results = analyzePackage(parser, sources, { onRuleError: (rule, e) => onWarning(`${path.dirname(group[0])}: rule ${rule.id} failed: ${String(e)}`) });
    for (const { path: file, text } of sources) {
      const lines = new LineIndex(text);
      for (const f of results.get(file) ?? []) {
        const s = lines.positionAt(f.start);
        const e = lines.positionAt(f.end);
        rows.push({ file, line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1, rule: f.ruleId, severity: f.severity, message: f.message });
      }
    }
  }
  return rows;
}

/** Files grouped by their directory, in first-seen order. */
export function byDirectory(files: readonly string[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const f of files) {
    const dir = path.dirname(f);
    groups.set(dir, [...(groups.get(dir) ?? []), f]);
  }
  return [...groups.values()];
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
