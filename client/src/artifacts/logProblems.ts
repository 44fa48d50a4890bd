import * as path from 'node:path';
import * as vscode from 'vscode';
import { RUN_ID_PATTERN } from '../../../shared/src/protocol';
import type { ArtifactsClient } from './artifactsClient';

/**
 * Which logs have their lines in the Problems panel: those open in an editor and those of the runs
 * expanded in the Runs view, nothing else. Every change sends the whole set once; the server
 * publishes what is new and clears what left, so a closed log or a collapsed run takes its
 * Problems with it and one real code warning is never buried under log errors.
 */
export class LogProblems implements vscode.Disposable {
  private open = new Set<string>();
  private readonly runs = new Map<string, readonly string[]>();
  private last = '';
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly client: ArtifactsClient,
    /** Whether a file is a control_logs log. */
    private readonly isLog: (file: string) => boolean,
    private readonly warnings: () => boolean,
  ) {
    // Open means "in a tab": VS Code keeps a closed tab's document alive for a while, so document
    // close events would leave Problems behind after the user closed the log.
    this.disposables.push(vscode.window.tabGroups.onDidChangeTabs(() => this.readTabs()));
    this.readTabs();
  }

  private readTabs(): void {
    const open = new Set<string>();
    for (const tab of vscode.window.tabGroups.all.flatMap((g) => g.tabs)) {
      const uri = tab.input instanceof vscode.TabInputText ? tab.input.uri : undefined;
      if (uri?.scheme === 'file' && this.isLog(uri.fsPath)) open.add(uri.fsPath);
    }
    if (open.size === this.open.size && [...open].every((p) => this.open.has(p))) return;
    this.open = open;
    this.send();
  }

  /** A run was expanded (its logs' Problems show) or collapsed (`logs` null: they go). */
  setRun(runPath: string, logs: readonly string[] | null): void {
    if (logs) this.runs.set(runPath, logs);
    else if (!this.runs.delete(runPath)) return;
    this.send();
  }

  /** The warnings setting changed. */
  resend(): void {
    this.last = '';
    this.send();
  }

  /** The paths whose Problems are published now (for tests and the log). */
  get paths(): string[] {
    return [...new Set([...this.open, ...[...this.runs.values()].flat()])].sort();
  }

  /**
   * Coalesced: giving a log its language closes and reopens the document, and expanding a run
   * describes it while the editor opens one of its logs; each burst is one message.
   */
  private send(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), 50);
  }

  private flush(): void {
    const paths = this.paths;
    const warnings = this.warnings();
    const key = `${warnings}\n${paths.join('\n')}`;
    if (key === this.last) return; // nothing changed: no message
    this.last = key;
    // Not sent (the server is starting or restarting): the next change sends the whole set again.
    this.client.logProblems(paths, warnings).catch(() => (this.last = ''));
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}

/** A container log hi saved into a run folder (`<run-id>/<name>.stderr.log`). */
export function isRunLog(file: string): boolean {
  return /\.(stderr|stdout)\.log$/.test(file) && RUN_ID_PATTERN.test(path.basename(path.dirname(file)));
}
