import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ViewArtifactParams } from '../../../shared/src/artifacts';
import type { ArtifactsClient } from './artifactsClient';
import { renderViewer } from './viewerHtml';

/**
 * Webview panels for metrics, status, map-response timelines and database snapshots: one panel
 * per artifact, reused when opened again. No scripts run in them; links may only call hi.openFile.
 */
export class ArtifactViewers implements vscode.Disposable {
  private readonly panels = new Map<string, vscode.WebviewPanel>();

  constructor(private readonly client: ArtifactsClient) {}

  async open(file: string, kind: ViewArtifactParams['kind']): Promise<void> {
    const key = `${kind}:${file}`;
    const existing = this.panels.get(key);
    if (existing) {
      existing.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel('hi.artifactViewer', `${kindTitle(kind)}: ${path.basename(kind === 'mapresponses' ? path.dirname(file) : file)}`, vscode.ViewColumn.Active, {
      enableScripts: false,
      enableCommandUris: ['hi.openFile'],
      localResourceRoots: [],
    });
    this.panels.set(key, panel);
    panel.onDidDispose(() => this.panels.delete(key));
    panel.webview.html = renderViewer({ kind: 'error', title: 'Loading…', path: file, error: 'Reading the file…' }, nonce());
    const view = await this.client.viewArtifact({ path: file, kind }).catch((e) => ({ kind: 'error' as const, title: path.basename(file), path: file, error: String(e) }));
    panel.webview.html = renderViewer(view, nonce());
  }

  dispose(): void {
    for (const p of this.panels.values()) p.dispose();
  }
}

function kindTitle(kind: ViewArtifactParams['kind']): string {
  return { metrics: 'Metrics', status: 'Status', mapresponses: 'Map responses', database: 'Database' }[kind];
}

function nonce(): string {
  return randomBytes(16).toString('base64');
}
