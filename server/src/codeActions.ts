import { CodeActionKind, type CodeAction, type CodeActionParams } from 'vscode-languageserver';
import { selectFixes } from './analysis/applyFixes';
import type { AnalyzedDocument } from './documentStore';
import { sameFinding, toDiagnostic, toLspEdit } from './diagnostics';

/** Quick fixes for the diagnostics in the request, a suppression per finding, and source.fixAll. */
export function codeActions(doc: AnalyzedDocument, params: CodeActionParams): CodeAction[] {
  const only = params.context.only;
  const wants = (kind: string) => !only || only.some((k) => kind === k || kind.startsWith(k + '.'));
  const actions: CodeAction[] = [];
  if (wants(CodeActionKind.QuickFix)) {
    for (const d of params.context.diagnostics) {
      const finding = doc.findings.find((f) => sameFinding(doc.lines, f, d));
      if (!finding) continue;
      const diagnostic = toDiagnostic(doc.uri, doc.lines, finding, doc.version);
      for (const fix of finding.fixes) {
        actions.push({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: fix.isPreferred ?? false,
          edit: { changes: { [doc.uri]: fix.edits.map((e) => toLspEdit(doc.lines, e)) } },
        });
      }
      actions.push(suppressAction(doc, finding.ruleId, finding.start, diagnostic));
    }
  }
  if (wants(CodeActionKind.SourceFixAll)) {
    const preferred = doc.findings.flatMap((f) => f.fixes.filter((x) => x.isPreferred).slice(0, 1));
    const { edits } = selectFixes(preferred);
    if (edits.length > 0) {
      actions.push({
        title: 'Fix all safe hi workbench findings',
        kind: `${CodeActionKind.SourceFixAll}.hi-workbench`,
        edit: { changes: { [doc.uri]: edits.map((e) => toLspEdit(doc.lines, e)) } },
      });
    }
  }
  return actions;
}

function suppressAction(doc: AnalyzedDocument, ruleId: string, offset: number, diagnostic: ReturnType<typeof toDiagnostic>): CodeAction {
  const line = doc.lines.positionAt(offset).line;
  const lineStart = doc.lines.lineStart(line);
  const indent = /^[ \t]*/.exec(doc.text.slice(lineStart, lineStart + 200))?.[0] ?? '';
  return {
    title: `Suppress ${ruleId} on this line`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: { changes: { [doc.uri]: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${indent}//hi:ignore ${ruleId}\n` }] } },
  };
}
