import * as vscode from 'vscode';
import { asLogDocument } from '../logDocument';
import type { DockerClient } from './dockerClient';

export const CONTAINER_LOG_SCHEME = 'hi-container-log';

/**
 * A container's logs as a read-only document in the log language, followed live: the server keeps
 * the stream and says when text arrived; closing the document stops the stream.
 */
export class ContainerLogs implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly open = new Map<string, vscode.Uri>();
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly docker: DockerClient) {
    this.disposables = [
      vscode.workspace.registerTextDocumentContentProvider(CONTAINER_LOG_SCHEME, this),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.scheme !== CONTAINER_LOG_SCHEME) return;
        const id = d.uri.query;
        this.open.delete(id);
        this.docker.closeContainerLog(id);
      }),
      this.changed,
    ];
  }

  /** The server's "more text for container <id>". */
  textArrived(id: string): void {
    const uri = this.open.get(id);
    if (uri) this.changed.fire(uri);
  }

  async show(id: string, name: string): Promise<void> {
    const uri = vscode.Uri.from({ scheme: CONTAINER_LOG_SCHEME, path: `/${name}.log`, query: id });
    this.open.set(id, uri);
    const doc = await asLogDocument(await vscode.workspace.openTextDocument(uri));
    // Text that arrived while the document was being created was announced too early: read again.
    this.changed.fire(uri);
    const editor = await vscode.window.showTextDocument(doc, { preview: true });
    const end = new vscode.Position(doc.lineCount - 1, 0);
    editor.revealRange(new vscode.Range(end, end), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    try {
      const { text, following } = await this.docker.containerLog(uri.query);
      return text + (following ? '' : '\n# (the container stopped; the log is complete)\n');
    } catch (e) {
      return `# cannot read the logs: ${String(e)}\n`;
    }
  }

  dispose(): void {
    for (const id of this.open.keys()) this.docker.closeContainerLog(id);
    for (const d of this.disposables) d.dispose();
  }
}
