import * as path from 'node:path';
import * as vscode from 'vscode';
import { runSettings } from '../settings';
import { displayCommand, formatDuration, formatRunDuration } from '../../../shared/src/hiCommand';
import { RunsChangedNotification, type RunTestArgs } from '../../../shared/src/protocol';
import { HiOutputParser } from './hiOutput';
import { HiProcess } from './hiProcess';
import { offerWorkspaceTrust } from '../trust';
import { preflight } from './preflight';
import { RunQueue, type QueuedRun } from './runQueue';
import { buildRecord, writeRecord, type RunRecord } from './runRecord';

/** A run as the queue holds it; observers (the Test Explorer) get the parsed output. */
export interface HiRun extends QueuedRun {
  args: RunTestArgs;
  observer?: RunObserver;
}

export interface RunObserver {
  started?(run: HiRun): void;
  output?(chunk: string): void;
  finished?(run: HiRun, parsed: HiOutputParser, record: RunRecord | null, status: RunRecord['status']): void;
}

interface Active {
  run: HiRun;
  process: HiProcess;
  startedAt: number;
  cancelling: boolean;
  terminal: vscode.Terminal;
  parser: HiOutputParser;
}

let nextId = 1;

/**
 * Owns the one-at-a-time queue and everything a user sees of a run: the terminal, the status bar
 * ("hi TestX 03:12 / 20:00 · ETA 06:10"), the cancel flow and the end-of-run notification.
 */
export class RunnerController implements vscode.Disposable {
  private readonly queue: RunQueue<HiRun>;
  private active: Active | undefined;
  private readonly status: vscode.StatusBarItem;
  private ticker: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly runChanged = new vscode.EventEmitter<void>();
  /** Fires when the active run gets its run id (hi printed "Run ID:") and when it ends. */
  readonly onDidChangeRun = this.runChanged.event;
  private readonly runFinished = new vscode.EventEmitter<{ runId: string | null; status: RunRecord['status']; args: RunTestArgs }>();
  /** Fires after each run with hi's run id (for the leftover-containers offer). */
  readonly onDidFinishRun = this.runFinished.event;
  /** Checks before a run is queued (the Docker environment); false keeps it from starting. */
  beforeRun: ((args: RunTestArgs) => Promise<boolean>) | undefined;

  constructor(private readonly log: vscode.LogOutputChannel, private readonly notifyServer: (method: string) => void, private readonly settings: () => { maxConcurrentRuns: number; cancelGraceSeconds: number }) {
    this.queue = new RunQueue<HiRun>((run) => this.execute(run), settings().maxConcurrentRuns);
    this.status = vscode.window.createStatusBarItem('hi.run', vscode.StatusBarAlignment.Left, 50);
    this.status.name = 'hi run';
    this.status.command = 'hi.runMenu';
    this.queue.on('changed', () => this.render());
    this.disposables.push(this.status, this.runChanged, this.runFinished);
  }

  get busy(): boolean {
    return this.queue.running.length > 0;
  }

  get queued(): readonly HiRun[] {
    return this.queue.queued;
  }

  get current(): HiRun | undefined {
    return this.active?.run;
  }

  /** hi's run id of the active run, once hi printed it. */
  get activeRunId(): string | null {
    return this.active?.parser.runId ?? null;
  }

  /** Entry point for lenses, the Test Explorer and commands. Returns false when refused. */
  async request(args: RunTestArgs, observer?: RunObserver): Promise<boolean> {
    if (!vscode.workspace.isTrusted) {
      void offerWorkspaceTrust('hi workbench does not run anything in Restricted Mode. Trust this workspace to run hi.');
      return false;
    }
    const configured = runSettings(typeof args?.uri === 'string' && args.uri ? vscode.Uri.parse(args.uri) : undefined);
    const problem = preflight(args, process.env, { hiCommand: configured.hiCommand, extraArgs: configured.hiExtraArgs });
    if (problem) {
      this.log.warn(problem);
      void vscode.window.showErrorMessage(`hi workbench: ${problem}`);
      return false;
    }
    if (this.beforeRun && !(await this.beforeRun(args))) return false;
    const run: HiRun = { id: nextId++, title: args.title, args, observer };
    this.queue.maxConcurrent = Math.max(1, this.settings().maxConcurrentRuns);
    if (this.queue.busy) {
      const current = this.queue.running[0]?.title ?? 'a test';
      const choice = await vscode.window.showInformationMessage(`hi is running ${current}. Queue ${args.title}, or cancel the current run?`, 'Queue', 'Cancel current');
      if (!choice) return false;
      if (choice === 'Cancel current') void this.cancel();
    }
    this.queue.enqueue(run);
    return true;
  }

  async cancel(): Promise<void> {
    const a = this.active;
    if (!a || a.cancelling) return;
    a.cancelling = true;
    const grace = this.settings().cancelGraceSeconds;
    this.log.info(`cancelling ${a.run.title}: SIGINT, then SIGTERM after ${grace}s`);
    this.render();
    const stage = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Stopping hi (${a.run.title})`, cancellable: false },
      async (progress) => {
        progress.report({ message: 'sent SIGINT; hi is removing its containers…' });
        a.process.on('cancelStage', (s) => progress.report({ message: s === 'terminate' ? `no exit after ${grace}s: sent SIGTERM` : s === 'kill' ? 'still running: sent SIGKILL' : 'sent SIGINT' }));
        return a.process.cancel(grace * 1000);
      },
    );
    const how = stage === 'interrupt' ? 'hi stopped after SIGINT and cleaned up its containers' : stage === 'terminate' ? `hi ignored SIGINT for ${grace}s and was stopped with SIGTERM; containers may be left` : 'hi had to be killed (SIGKILL); containers are likely left behind';
    void vscode.window.showInformationMessage(`Cancelled ${a.run.title}: ${how}.`);
  }

  removeQueued(id: number): void {
    this.queue.remove(id);
  }

  moveQueued(id: number, delta: number): void {
    this.queue.move(id, delta);
  }

  private async execute(run: HiRun): Promise<void> {
    const { args } = run;
    const writer = new vscode.EventEmitter<string>();
    const closed = new vscode.EventEmitter<number | void>();
    const terminal = vscode.window.createTerminal({
      name: `hi: ${run.title}`,
      pty: { onDidWrite: writer.event, onDidClose: closed.event, open: () => undefined, close: () => void this.cancel(), handleInput: (data: string) => { if (data === '\x03') void this.cancel(); } },
      iconPath: new vscode.ThemeIcon('beaker'),
    });
    terminal.show(true);
    const write = (text: string) => writer.fire(text.replace(/\r?\n/g, '\r\n'));
    write(`\x1b[2m$ cd ${args.cwd}\n$ ${displayCommand(args.argv)}\x1b[0m\n`);
    const parser = new HiOutputParser();
    const startedAt = Date.now();
    let proc: HiProcess;
    try {
      proc = new HiProcess(args.argv, args.cwd);
    } catch (error) {
      write(`\nfailed to start: ${String(error)}\n`);
      return;
    }
    this.active = { run, process: proc, startedAt, cancelling: false, terminal, parser };
    this.log.info(`run ${run.title}: ${displayCommand(args.argv)} (cwd ${args.cwd}, pid ${proc.pid})`);
    run.observer?.started?.(run);
    proc.on('data', (chunk) => {
      write(chunk);
      run.observer?.output?.(chunk);
    });
    proc.on('line', (line) => {
      parser.push(line);
      if (/Run ID:/.test(line)) {
        this.render();
        this.runChanged.fire();
      }
    });
    let spawnError: Error | undefined;
    proc.on('error', (e) => (spawnError = e));
    this.ticker = setInterval(() => this.render(), 1000);
    this.render();
    const { code, signal } = await proc.exitPromise;
    clearInterval(this.ticker);
    const cancelled = this.active.cancelling;
    this.active = undefined;
    this.render();
    const durationSeconds = (Date.now() - startedAt) / 1000;
    const status: RunRecord['status'] = cancelled ? 'cancelled' : code === 0 ? 'passed' : 'failed';
    const record = buildRecord(
      { test: args.testName ?? args.title, pattern: args.pattern, argv: args.argv, cwd: args.cwd, postgres: args.postgres, timeoutSeconds: args.timeoutSeconds, startedAt: new Date(startedAt).toISOString(), finishedAt: new Date().toISOString(), durationSeconds, exitCode: code, signal, status },
      parser,
    );
    const recordFile = record ? writeRecord(record, parser.logsDir) : null;
    write(`\n\x1b[1m${status === 'passed' ? '✓ passed' : status === 'cancelled' ? '⊘ cancelled' : '✗ failed'}\x1b[0m in ${formatRunDuration(durationSeconds)}${code !== null ? ` (exit ${code})` : signal ? ` (${signal})` : ''}\n`);
    this.log.info(`run ${run.title} ${status} in ${durationSeconds.toFixed(1)}s, exit ${code}${recordFile ? `, record ${recordFile}` : ''}`);
    run.observer?.finished?.(run, parser, record, status);
    this.notifyServer(RunsChangedNotification.method);
    this.runChanged.fire();
    this.runFinished.fire({ runId: parser.runId, status, args });
    void this.announce(run, status, durationSeconds, parser, terminal, spawnError);
  }

  private async announce(run: HiRun, status: RunRecord['status'], seconds: number, parser: HiOutputParser, terminal: vscode.Terminal, spawnError?: Error): Promise<void> {
    if (status === 'cancelled') return; // the cancel flow already said what happened
    const runDir = parser.logsDir ? path.resolve(run.args.cwd, parser.logsDir) : null;
    let message: string;
    if (spawnError) message = `hi could not start: ${spawnError.message}`;
    else if (parser.doctorFailed.length && !parser.runId) message = `hi's pre-flight checks failed: ${parser.doctorFailed.map((c) => `${c.name}: ${c.message}`).join('; ')}`;
    else message = `${run.title} ${status === 'passed' ? 'passed' : 'failed'} in ${formatRunDuration(seconds)}.`;
    const actions = ['Show output', ...(runDir ? ['Open artifacts'] : [])];
    const show = status === 'passed' ? vscode.window.showInformationMessage : vscode.window.showErrorMessage;
    const choice = await show(message, ...actions);
    if (choice === 'Show output') terminal.show();
    if (choice === 'Open artifacts' && runDir) await vscode.commands.executeCommand('hi.revealRun', runDir);
  }

  private render(): void {
    const a = this.active;
    const waiting = this.queue.queued.length;
    if (!a) {
      if (waiting) {
        this.status.text = `$(clock) hi: ${waiting} queued`;
        this.status.show();
      } else this.status.hide();
      return;
    }
    const elapsed = (Date.now() - a.startedAt) / 1000;
    const previous = a.run.args.previousDurations;
    const eta = previous.length ? ` · ETA ${formatDuration([...previous].sort((x, y) => x - y)[Math.floor(previous.length / 2)])}` : '';
    const spin = a.cancelling ? '$(loading~spin) stopping' : '$(sync~spin)';
    this.status.text = `${spin} hi ${a.run.title} ${formatDuration(elapsed)} / ${formatDuration(a.run.args.timeoutSeconds)}${eta}${waiting ? ` (+${waiting})` : ''}`;
    this.status.tooltip = `${displayCommand(a.run.args.argv)}\n${Math.max(0, Math.round(a.run.args.timeoutSeconds - elapsed))}s of the timeout remain. Click to cancel or see the queue.`;
    this.status.show();
  }

  dispose(): void {
    clearInterval(this.ticker);
    if (this.active) void this.active.process.cancel(this.settings().cancelGraceSeconds * 1000);
    this.disposables.forEach((d) => d.dispose());
  }
}
