import { ruleTitle } from '../../server/src/analysis/rule';
import type { DocumentedRule } from '../../server/src/analysis/rules';

const SARIF_LEVEL: Record<string, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

export function sarifLevel(severity: string): string {
  return SARIF_LEVEL[severity] ?? 'warning';
}

/** One SARIF 2.1.0 log of hi workbench's rules and results (check and contract share it). */
export function sarifLog(rules: readonly DocumentedRule[], results: unknown[]): string {
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
              rules: rules.map((r) => ({ id: r.id, shortDescription: { text: ruleTitle(r) }, fullDescription: { text: r.doc.replace(/\s+/g, ' ') }, defaultConfiguration: { level: sarifLevel(r.defaultSeverity) } })),
            },
          },
          results,
        },
      ],
    },
    null,
    2,
  );
}

/** A SARIF location of 1-based positions in a file. */
export function sarifLocation(file: string, r: { line: number; column: number; endLine: number; endColumn: number }) {
  return { physicalLocation: { artifactLocation: { uri: file.split('\\').join('/') }, region: { startLine: r.line, startColumn: r.column, endLine: r.endLine, endColumn: r.endColumn } } };
}
