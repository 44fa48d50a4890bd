import * as path from 'path';
import { pathToFileURL } from 'url';
import { DiagnosticSeverity, type Diagnostic, type TextEdit as LspTextEdit } from 'vscode-languageserver';
import { DIAGNOSTIC_SOURCE, type DiagnosticData } from '../../shared/src/protocol';
import type { LineIndex } from './analysis/lineIndex';
import { RULE_PAGES_DIR } from './analysis/ruleDocs';
import type { Finding, Severity, TextEdit } from './analysis/types';
import type { ErrorLine } from '../../shared/src/artifacts';
import type { RuleLevel } from '../../shared/src/settings';
import type { ContractChange, MissingDoc } from './analysis/contract';

/**
 * The one place findings become LSP Diagnostics (and offset edits become LSP TextEdits).
 */

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/**
 * Each rule's page ships in the VSIX (docs/rules/<id>.md beside dist/), so links work offline and
 * match the installed version. (Not README.md: vsce renames it to readme.md in the package.)
 */
const RULE_DOCS_DIR = path.join(__dirname, '..', RULE_PAGES_DIR);

/** One URI per rule (pathToFileURL costs more than the rest of a diagnostic). */
const ruleDocUris = new Map<string, string>();

export function ruleDocUri(ruleId: string): string {
  let uri = ruleDocUris.get(ruleId);
  if (uri === undefined) ruleDocUris.set(ruleId, (uri = pathToFileURL(path.join(RULE_DOCS_DIR, `${ruleId}.md`)).toString()));
  return uri;
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

/**
 * The one diagnostic of a document too large to analyse: said once, at the top, as information
 * (not a finding: no rule ran).
 */
export function tooLargeDiagnostic(tooLarge: { chars: number; limit: number }): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    source: DIAGNOSTIC_SOURCE,
    message: `hi workbench does not analyse this file: ${(tooLarge.chars / 1048576).toFixed(1)} M characters is over its ${(tooLarge.limit / 1048576).toFixed(0)} M limit (headscale's biggest test file is 0.2 M).`,
  };
}

/** A document's diagnostics: its findings, or the one note that it is too large to analyse. */
export function documentDiagnostics(uri: string, doc: { lines: LineIndex; findings: readonly Finding[]; version: number; tooLarge?: { chars: number; limit: number } }): Diagnostic[] {
  return doc.tooLarge ? [tooLargeDiagnostic(doc.tooLarge)] : doc.findings.map((f) => toDiagnostic(uri, doc.lines, f, doc.version));
}

export const CONTRACT_RULE = 'hs-test-contract';

/**
 * hs-test-contract's changes as diagnostics: those without a `//hi:contract-change -- <why>`,
 * each with related information opening the base version of the line (a read-only document).
 * At most `limit`, plus one line saying how many more there are: a huge diff never floods Problems.
 */
export function contractDiagnostics(
  uri: string,
  lines: LineIndex,
  version: number,
  changes: readonly ContractChange[],
  base: { uri: string; lines: LineIndex; text: string; label: string },
  level: RuleLevel,
  limit = 200,
): Diagnostic[] {
  if (level === 'off') return [];
  const severity = SEVERITY[level === 'default' ? 'warning' : level];
  const data: DiagnosticData = { ruleId: CONTRACT_RULE, version };
  const open = changes.filter((c) => !c.directive?.reason);
  const out: Diagnostic[] = open.slice(0, limit).map((c) => {
    const baseRange = toRange(base.lines, c.baseStart, c.baseEnd);
    const baseLine = base.text.slice(base.lines.lineStart(baseRange.start.line), base.lines.lineStart(baseRange.start.line + 1)).trim();
    return {
      range: toRange(lines, c.start, c.end),
      severity,
      code: CONTRACT_RULE,
      codeDescription: { href: ruleDocUri(CONTRACT_RULE) },
      source: DIAGNOSTIC_SOURCE,
      message: c.message,
      relatedInformation: [{ location: { uri: base.uri, range: baseRange }, message: `At ${base.label}: ${baseLine.length > 160 ? baseLine.slice(0, 157) + '…' : baseLine}` }],
      data,
    };
  });
  if (open.length > limit) {
    out.push({
      range: toRange(lines, 0, 0),
      severity: DiagnosticSeverity.Information,
      code: CONTRACT_RULE,
      source: DIAGNOSTIC_SOURCE,
      message: `${open.length - limit} more test contract changes since ${base.label} are not shown; \`hi-workbench contract\` lists them all.`,
      data,
    });
  }
  return out;
}

export const DOC_RULE = 'hs-test-doc';

/** hs-test-doc: an information on the name of each integration test without a doc comment. */
export function testDocDiagnostics(lines: LineIndex, version: number, docs: readonly MissingDoc[], level: RuleLevel): Diagnostic[] {
  if (level === 'off') return [];
  const data: DiagnosticData = { ruleId: DOC_RULE, version };
  return docs.map((d) => ({
    range: toRange(lines, d.start, d.end),
    severity: SEVERITY[level === 'default' ? 'information' : level],
    code: DOC_RULE,
    codeDescription: { href: ruleDocUri(DOC_RULE) },
    source: DIAGNOSTIC_SOURCE,
    message: d.message,
    data,
  }));
}
