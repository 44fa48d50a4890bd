import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SummaryLink } from '../../../shared/src/artifacts';
import { asLogDocument } from './logEditor';

export const RUN_DOC_SCHEME = 'hi-run-doc';

/** What a generated document is made from: the server's text and its links. */
export interface RunDocument {
  text: string;
  links: SummaryLink[];
}

/**
 * Read-only documents the server writes for a run (the failure summary, the timeline), with
 * their `file:line` links: a log line opens the log there, a code reference opens the workspace's
 * source, and one outside the workspace says so instead of failing.
 */
export class RunDocuments implements vscode.TextDocumentContentProvider, vscode.DocumentLinkProvider {
  private readonly docs = new Map<string, { make: () => Promise<RunDocument>; links: SummaryLink[] }>();

  register(): vscode.Disposable[] {
    return [
      vscode.workspace.registerTextDocumentContentProvider(RUN_DOC_SCHEME, this),
      vscode.languages.registerDocumentLinkProvider({ scheme: RUN_DOC_SCHEME }, this),
      vscode.commands.registerCommand('hi.codeNotInWorkspace', (file: string, line: number) =>
        vscode.window.showInformationMessage(`hi workbench: ${file}:${line} is not in this workspace (open the headscale checkout the run came from to follow it).`),
      ),
    ];
  }

  /** Opens (or re-opens, refreshed) the document `name` made by `make`. */
  async open(name: string, key: string, make: () => Promise<RunDocument>): Promise<vscode.TextEditor> {
    const uri = vscode.Uri.from({ scheme: RUN_DOC_SCHEME, path: `/${name}`, query: encodeURIComponent(key) });
    this.docs.set(uri.toString(), { make, links: [] });
    const doc = await asLogDocument(await vscode.workspace.openTextDocument(uri));
    return vscode.window.showTextDocument(doc, { preview: false });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const entry = this.docs.get(uri.toString());
    if (!entry) return '# This document is gone: open it again from the Runs view.\n';
    try {
      const doc = await entry.make();
      entry.links = doc.links;
      return doc.text;
    } catch (e) {
      return `# The language server could not make this document: ${String(e)}\n`;
    }
  }

  provideDocumentLinks(doc: vscode.TextDocument): vscode.DocumentLink[] {
    const entry = this.docs.get(doc.uri.toString());
    if (!entry) return [];
    return entry.links.filter((l) => l.line < doc.lineCount).map((l) => {
      const range = new vscode.Range(l.line, l.start, l.line, l.end);
      const t = l.target;
      // Logs open through hi.openLogAt (a huge one as errors with context); source through the editor.
      const target = !t.inWorkspace
        ? commandUri('hi.codeNotInWorkspace', [t.path, t.line])
        : t.path.endsWith('.log')
          ? commandUri('hi.openLogAt', [t.path, t.line])
          : vscode.Uri.file(t.path).with({ fragment: `L${t.line}` });
      const link = new vscode.DocumentLink(range, target);
      link.tooltip = t.inWorkspace ? `Open ${path.basename(t.path)} at line ${t.line}` : `${t.path} is not in this workspace`;
      return link;
    });
  }
}

function commandUri(command: string, args: unknown[]): vscode.Uri {
  return vscode.Uri.parse(`command:${command}?${encodeURIComponent(JSON.stringify(args))}`);
}
