import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { logFoldingRanges } from '../../../shared/src/logFolding';
import { logViewSettings } from '../settings';
import type { ArtifactsClient } from './artifactsClient';

import { asLogDocument, LOG_LANGUAGE_ID } from '../logDocument';

export { asLogDocument, LOG_LANGUAGE_ID } from '../logDocument';
export const CONTEXT_SCHEME = 'hi-log-context';

/** Selects line `line` (1-based, clamped) whole and centres it. */
function selectLine(editor: vscode.TextEditor, line: number): void {
  const range = editor.document.lineAt(Math.max(0, Math.min(line - 1, editor.document.lineCount - 1))).range;
  editor.selection = new vscode.Selection(range.start, range.end);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenter);
}

/**
 * Logs in the editor: opening a log at an error line (selected and centred), next/previous error,
 * the "errors with context" document for logs too big for VS Code to tokenise, and folding of
 * goroutine dumps and stack traces.
 */
export class LogEditor implements vscode.TextDocumentContentProvider, vscode.DocumentLinkProvider, vscode.FoldingRangeProvider {
  /** Virtual document text and links, per context URI. */
  private readonly contexts = new Map<string, { links: { line: number; target: number }[]; source: string }>();

  constructor(private readonly client: ArtifactsClient) {}

  register(): vscode.Disposable[] {
    return [
      vscode.workspace.registerTextDocumentContentProvider(CONTEXT_SCHEME, this),
      vscode.languages.registerDocumentLinkProvider({ scheme: CONTEXT_SCHEME }, this),
      vscode.languages.registerFoldingRangeProvider({ language: LOG_LANGUAGE_ID }, this),
      vscode.workspace.onDidCloseTextDocument((d) => this.contexts.delete(d.uri.toString())),
    ];
  }

  /** Opens `file` with line `line` (1-based) selected and centred; huge logs open as errors with context. */
  async openAt(file: string, line: number, knownSize?: number): Promise<void> {
    // A Runs view row knows the file's size already; other callers (links, commands) stat it.
    let size = knownSize ?? 0;
    if (knownSize === undefined) {
      try {
        size = fs.statSync(file).size;
      } catch {
        void vscode.window.showWarningMessage(`hi workbench: ${path.basename(file)} no longer exists (the run may have been deleted).`);
        return;
      }
    }
    if (size > logViewSettings().largeLogBytes) {
      await this.openWithContext(file, line);
      return;
    }
    let doc: vscode.TextDocument;
    try {
      doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    } catch {
      void vscode.window.showWarningMessage(`hi workbench: ${path.basename(file)} cannot be opened (the run may have been deleted).`);
      return;
    }
    if (file.endsWith('.log')) doc = await asLogDocument(doc);
    selectLine(await vscode.window.showTextDocument(doc, { preview: true }), line);
  }

  /** The errors-with-context document for `file`, scrolled to the block of `line` when given. */
  async openWithContext(file: string, line?: number): Promise<void> {
    const uri = vscode.Uri.from({ scheme: CONTEXT_SCHEME, path: `/${path.basename(file)} (errors with context)`, query: encodeURIComponent(file) });
    const doc = await asLogDocument(await vscode.workspace.openTextDocument(uri));
    const links = this.contexts.get(uri.toString())?.links ?? [];
    const at = links.find((l) => l.target === line)?.line ?? 0;
    const range = new vscode.Range(at, 0, at, 0);
    const editor = await vscode.window.showTextDocument(doc, { selection: range, preview: true });
    editor.revealRange(range, vscode.TextEditorRevealType.AtTop);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const source = decodeURIComponent(uri.query);
    try {
      const result = await this.client.errorsWithContext(source, logViewSettings().contextLines);
      this.contexts.set(uri.toString(), { links: result.links, source });
      return result.text;
    } catch (e) {
      return `# Cannot read ${source}: ${String(e)}\n`;
    }
  }

  provideDocumentLinks(doc: vscode.TextDocument): vscode.DocumentLink[] {
    const entry = this.contexts.get(doc.uri.toString());
    if (!entry) return [];
    return entry.links
      .filter((l) => l.line < doc.lineCount)
      .map((l) => {
        const link = new vscode.DocumentLink(doc.lineAt(l.line).range, vscode.Uri.file(entry.source).with({ fragment: `L${l.target}` }));
        link.tooltip = `Open line ${l.target} of ${path.basename(entry.source)}`;
        return link;
      });
  }

  provideFoldingRanges(doc: vscode.TextDocument): vscode.FoldingRange[] {
    const lines: string[] = [];
    for (let i = 0; i < doc.lineCount; i++) lines.push(doc.lineAt(i).text);
    return logFoldingRanges(lines).map((f) => new vscode.FoldingRange(f.start, f.end, vscode.FoldingRangeKind.Region));
  }

  /** Moves the cursor to the next (or previous) error line of the log in the active editor. */
  async jump(direction: 1 | -1): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.uri.scheme !== 'file') {
      void vscode.window.showInformationMessage('hi workbench: open a control_logs log to move between its errors.');
      return;
    }
    const errors = await this.client.logErrors(editor.document.uri.fsPath).catch(() => []);
    if (!errors.length) {
      vscode.window.setStatusBarMessage('hi workbench: no error lines in this log', 3000);
      return;
    }
    const here = editor.selection.active.line + 1;
    const lines = errors.map((e) => e.line);
    const next = direction === 1 ? lines.find((l) => l > here) ?? lines[0] : [...lines].reverse().find((l) => l < here) ?? lines[lines.length - 1];
    selectLine(editor, next);
    const index = lines.indexOf(next) + 1;
    vscode.window.setStatusBarMessage(`hi workbench: error ${index} of ${lines.length}`, 3000);
  }
}
