import * as vscode from 'vscode';

/**
 * The runner's notifications, at most one at a time. VS Code cannot close an information message,
 * so every notice is a progress notification that the runner ends itself: one follows a queue while
 * it runs (what runs, how many are left, what finished, a cancel in progress), and when the queue
 * ends it closes and one summary takes its place. The summary stays until the next queue replaces
 * it, so results never pile up in the notification center.
 */
export class RunNotice implements vscode.Disposable {
  private shown: Notice | undefined;

  /** While a queue runs: opens its notice (closing the last summary) or updates it. */
  progress(message: string): void {
    if (this.shown?.kind !== 'queue') this.replace(new Notice('queue', message));
    else this.shown.report(message);
  }

  /** The queue ended: its notice closes and the summary replaces it. Links are markdown `[text](command:…)`. */
  summary(message: string): void {
    this.replace(new Notice('summary', message));
  }

  /** The queue ended with nothing to say (a phase reports in its own table). */
  end(): void {
    if (this.shown?.kind === 'queue') this.replace(undefined);
  }

  private replace(next: Notice | undefined): void {
    this.shown?.close();
    this.shown = next;
  }

  dispose(): void {
    this.replace(undefined);
  }
}

class Notice {
  private progressReport: ((message: string) => void) | undefined;
  private pending: string;
  private resolve: (() => void) | undefined;
  private closed = false;

  constructor(readonly kind: 'queue' | 'summary', message: string) {
    this.pending = message;
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'hi', cancellable: false }, (progress) => {
      // A finished summary shows a full bar, not a busy one.
      if (kind === 'summary') progress.report({ increment: 100 });
      this.progressReport = (m) => progress.report({ message: m });
      this.progressReport(this.pending);
      return new Promise<void>((resolve) => {
        this.resolve = resolve;
        if (this.closed) resolve();
      });
    });
  }

  report(message: string): void {
    this.pending = message;
    this.progressReport?.(message);
  }

  close(): void {
    this.closed = true;
    this.resolve?.();
  }
}

/** A command link for a notice's message (arguments as the command URI's JSON array). */
export function commandLink(text: string, command: string, args: unknown[] = []): string {
  return `[${text}](command:${command}${args.length ? `?${encodeURIComponent(JSON.stringify(args))}` : ''})`;
}
