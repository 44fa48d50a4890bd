import * as path from 'path';
import { pathToFileURL } from 'url';
import { DiagnosticSeverity, type Diagnostic, type TextEdit as LspTextEdit } from 'vscode-languageserver';
import { DIAGNOSTIC_SOURCE, type DiagnosticData } from '../../shared/src/protocol';
import type { LineIndex } from './analysis/lineIndex';
import type { Finding, Severity, TextEdit } from './analysis/types';
import type { ErrorLine } from '../../shared/src/artifacts';

/**
 * The one place findings become LSP Diagnostics (and offset edits become LSP TextEdits).
 */

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Rule docs ship in the README beside dist/, so links work offline and match the installed version. */
const README_URI = pathToFileURL(path.join(__dirname, '..', 'README.md')).toString();

export function ruleDocUri(ruleId: string): string {
  return `${README_URI}#${ruleId}`;
}

export function toRange(lines: LineIndex, start: number, end: number) {
  return { start: lines.positionAt(start), end: lines.positionAt(end) };
}

export function toDiagnostic(uri: string, lines: LineIndex, finding: Finding, version: number): Diagnostic {
  const data: DiagnosticData = { ruleId: finding.ruleId, version };
  return {
    range: toRange(lines, finding.start, finding.end),
    severity: SEVERITY[finding.severity],
    code: finding.ruleId,
    codeDescription: { href: ruleDocUri(finding.ruleId) },
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
    relatedInformation: finding.related.map((r) => ({ location: { uri, range: toRange(lines, r.start, r.end) }, message: r.message })),
    data,
  };
}

export function toLspEdit(lines: LineIndex, edit: TextEdit): LspTextEdit {
  return { range: toRange(lines, edit.start, edit.end), newText: edit.newText };
}

/** Matches a client-sent diagnostic back to the finding it came from. */
export function sameFinding(lines: LineIndex, finding: Finding, d: Diagnostic): boolean {
  if (d.code !== finding.ruleId || d.source !== DIAGNOSTIC_SOURCE) return false;
  const r = toRange(lines, finding.start, finding.end);
  return r.start.line === d.range.start.line && r.start.character === d.range.start.character && r.end.line === d.range.end.line && r.end.character === d.range.end.character;
}

/** A control_logs error line as a Problem on that line of the log (source "hi workbench logs"). */
export function logDiagnostic(error: ErrorLine): Diagnostic {
  const line = Math.max(0, error.line - 1);
  return {
    range: { start: { line, character: 0 }, end: { line, character: error.text.length } },
    severity: error.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: error.marker,
    source: `${DIAGNOSTIC_SOURCE} logs`,
    message: (error.text.trim() || error.marker) + (error.note ? ` (${error.note})` : ''),
  };
}
