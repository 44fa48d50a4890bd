import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { codeRefs } from '../../../shared/src/codeRefs';
import { LOG_LANGUAGE_ID } from './logEditor';

/** Logs longer than this get no code links (VS Code asks for the whole document at once). */
const MAX_LINES = 200_000;

/**
 * From a log line to the code: a headscale caller (`hscontrol/state/state.go:812 >`), a panic
 * frame (`/go/src/headscale/hscontrol/mapper/batcher.go:401 +0x1a4`) or a testify `Error Trace:`
 * becomes a link to that line of the workspace's own checkout (the container prefix mapped to the
 * module root). A file that is not in the workspace links to a message saying so.
 */
export class CodeLinks implements vscode.DocumentLinkProvider {
  constructor(private readonly moduleRoot: () => string | undefined) {}

  register(): vscode.Disposable {
    return vscode.languages.registerDocumentLinkProvider({ language: LOG_LANGUAGE_ID, scheme: 'file' }, this);
  }

  provideDocumentLinks(doc: vscode.TextDocument, token: vscode.CancellationToken): vscode.DocumentLink[] {
    const root = this.moduleRoot();
    const links: vscode.DocumentLink[] = [];
    const known = new Map<string, boolean>();
    const inWorkspace = (file: string) => {
      let hit = known.get(file);
      if (hit === undefined) known.set(file, (hit = isFile(file)));
      return hit;
    };
    for (let i = 0; i < Math.min(doc.lineCount, MAX_LINES) && !token.isCancellationRequested; i++) {
      const text = doc.lineAt(i).text;
      for (const ref of codeRefs(text)) {
        const file = root && ref.relative ? path.join(root, ref.relative) : null;
        const range = new vscode.Range(i, ref.start, i, ref.end);
        const link = file && inWorkspace(file)
          ? new vscode.DocumentLink(range, vscode.Uri.file(file).with({ fragment: `L${ref.line}` }))
          : new vscode.DocumentLink(range, vscode.Uri.parse(`command:hi.codeNotInWorkspace?${encodeURIComponent(JSON.stringify([ref.relative ?? ref.written, ref.line]))}`));
        link.tooltip = file && inWorkspace(file) ? `Open ${ref.relative}:${ref.line} in the workspace` : `${ref.relative ?? ref.written} is not in this workspace`;
        links.push(link);
      }
    }
    return links;
  }
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
