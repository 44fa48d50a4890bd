import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { TestHistoryRequest } from '../../../shared/src/protocol';
import { escapeHtml } from '../artifacts/viewerHtml';
import { page, renderHistory } from './runPages';

const nonce = () => randomBytes(16).toString('base64');

/** "Test history" webviews, one per test, redrawn after every run so they never go stale. */
export class TestHistoryPanels implements vscode.Disposable {
  private readonly panels = new Map<string, { panel: vscode.WebviewPanel; uri: string; test: string }>();

  constructor(private readonly client: LanguageClient) {}

  async open(uri: string, test: string): Promise<void> {
    const key = `${uri}#${test}`;
    const open = this.panels.get(key);
    if (open) {
      open.panel.reveal();
      return this.draw(open);
    }
    const panel = vscode.window.createWebviewPanel('hi.testHistory', `History: ${test}`, vscode.ViewColumn.Beside, { enableScripts: false, enableCommandUris: ['hi.revealRun'], localResourceRoots: [] });
    const entry = { panel, uri, test };
    this.panels.set(key, entry);
    panel.onDidDispose(() => this.panels.delete(key));
    panel.webview.html = page(`Test history: ${test}`, '<p class="muted">Reading control_logs…</p>', nonce());
    await this.draw(entry);
  }

  /** After a run: every open history is read again. */
  refresh(): void {
    for (const entry of this.panels.values()) void this.draw(entry);
  }

  private async draw(entry: { panel: vscode.WebviewPanel; uri: string; test: string }): Promise<void> {
    try {
      const result = await this.client.sendRequest(TestHistoryRequest, { uri: entry.uri, test: entry.test });
      entry.panel.webview.html = renderHistory(result, nonce());
    } catch (e) {
      entry.panel.webview.html = page(`Test history: ${entry.test}`, `<p class="failed">Could not read the history: ${escapeHtml(e instanceof Error ? e.message : String(e))}</p>`, nonce());
    }
  }

  dispose(): void {
    for (const { panel } of this.panels.values()) panel.dispose();
  }
}
