import * as path from 'node:path';
import * as vscode from 'vscode';

/** Makes `route_test.go:123` in hi terminals clickable (to the file under integration/). */
interface FileLink extends vscode.TerminalLink {
  file: string;
  line: number;
}

export class TestFileLinks implements vscode.TerminalLinkProvider<FileLink> {
  constructor(private readonly moduleRootOf: (terminal: vscode.Terminal) => string | undefined) {}

  provideTerminalLinks(context: vscode.TerminalLinkContext): FileLink[] {
    if (!context.terminal.name.startsWith('hi: ')) return [];
    const links: FileLink[] = [];
    for (const m of context.line.matchAll(/(?:[\w./-]*\/)?([\w.-]+_test\.go):(\d+)/g)) {
      links.push({ startIndex: m.index ?? 0, length: m[0].length, tooltip: 'Open in editor', file: m[1], line: Number(m[2]) });
    }
    return links;
  }

  async handleTerminalLink(link: FileLink): Promise<void> {
    const root = this.moduleRootOf(vscode.window.activeTerminal!) ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const candidates = root ? [vscode.Uri.file(path.join(root, 'integration', link.file))] : [];
    const found = candidates.length ? candidates : await vscode.workspace.findFiles(`**/${link.file}`, '**/node_modules/**', 1);
    const target = found[0] ?? (await vscode.workspace.findFiles(`**/${link.file}`, '**/node_modules/**', 1))[0];
    if (!target) return;
    const pos = new vscode.Position(Math.max(0, link.line - 1), 0);
    await vscode.window.showTextDocument(target, { selection: new vscode.Range(pos, pos) });
  }
}
