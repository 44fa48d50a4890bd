import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic } from 'vscode-languageserver';
import { CONTRACT_DIRECTIVE } from './analysis/contract/directives';
import type { LineIndex } from './analysis/lineIndex';
import type { ContractState } from './contractService';
import { CONTRACT_RULE, DOC_RULE, toLspEdit, toRange } from './diagnostics';
import { InsertSnippetCommand } from '../../shared/src/protocol';

/**
 * Quick fixes for hs-test-contract: restore the base expectation, or say why it changed. The
 * explanation comment is inserted without a reason on purpose: the warning stays until one is typed.
 */
export function contractCodeActions(uri: string, text: string, lines: LineIndex, state: ContractState, params: CodeActionParams): CodeAction[] {
  if (params.context.only && !params.context.only.some((k) => CodeActionKind.QuickFix.startsWith(k))) return [];
  const actions: CodeAction[] = [];
  for (const d of params.context.diagnostics) {
    if (d.code === DOC_RULE) {
      const doc = state.docs.find((x) => sameRange(toRange(lines, x.start, x.end), d));
      if (!doc) continue;
      const at = lines.positionAt(doc.insertAt);
      // A snippet puts the cursor on the purpose; LSP 3.17 edits cannot, so the extension inserts it.
      actions.push({
        title: 'Add the godoc scaffold (purpose, then "The test verifies:")',
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        isPreferred: true,
        command: { title: 'Add the godoc scaffold', command: InsertSnippetCommand, arguments: [uri, at.line, doc.snippet] },
      });
      continue;
    }
    if (d.code !== CONTRACT_RULE) continue;
    const change = state.changes.find((c) => c.message === d.message && sameRange(toRange(lines, c.start, c.end), d));
    if (!change) continue;
    if (change.restore) {
      actions.push({
        title: change.restoreTitle ?? `Restore the expectation from ${state.base?.label ?? 'the base'}`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        isPreferred: true,
        edit: { changes: { [uri]: change.restore.map((e) => toLspEdit(lines, e)) } },
      });
    }
    if (!change.directive) {
      const line = lines.positionAt(change.start).line;
      const lineStart = lines.lineStart(line);
      const indent = /^[ \t]*/.exec(text.slice(lineStart, lineStart + 200))?.[0] ?? '';
      actions.push({
        title: `Explain this contract change (${CONTRACT_DIRECTIVE} -- <why>)`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        edit: { changes: { [uri]: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${indent}${CONTRACT_DIRECTIVE} -- \n` }] } },
      });
    }
  }
  return actions;
}

function sameRange(r: { start: { line: number; character: number }; end: { line: number; character: number } }, d: Diagnostic): boolean {
  return r.start.line === d.range.start.line && r.start.character === d.range.start.character && r.end.line === d.range.end.line && r.end.character === d.range.end.character;
}
