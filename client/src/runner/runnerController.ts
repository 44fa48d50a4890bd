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
import { gitState } from './gitState';
import { commandLink, RunNotice } from './runNotice';

/** A path as one shell word (the terminal's first line is pasteable). */
function shellWord(p: string): string {
  return /^[\w./-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`;
}

/** A run as the queue holds it; observers (the Test Explorer's TestRun) get the parsed output. */
export interface HiRun extends QueuedRun {
  args: RunTestArgs;
  observer?: RunObserver;
  /** Runs right before the spawn (a phase's clean-environment step); false skips this run. */
  prepare?: (write: (text: string) => void) => Promise<boolean>;
  /** A phase reports its own summary: no end-of-run notification. */
  quiet?: boolean;
  /** Earlier durations read again when the run starts (the ETA); else the request's. */
  durations?: number[];
}

export interface RequestOptions {
  observer?: RunObserver;
  prepare?: HiRun['prepare'];
  quiet?: boolean;
  /** Queue behind a running test without asking (a batch from the Test Explorer or a phase). */
  queueWithoutAsking?: boolean;
}

/** One finished run, as notifications and phase summaries report it. */
export interface FinishedRun {
  runId: string | null;
  status: RunRecord['status'];
  args: RunTestArgs;
  durationSeconds: number;
  /** The run folder (absolute), once hi created it. */
  runDir: string | null;
  parsed: HiOutputParser;
}

export interface RunObserver {
  queued?(run: HiRun): void;
  started?(run: HiRun): void;
  output?(chunk: string): void;
  finished?(run: HiRun, parsed: HiOutputParser, record: RunRecord | null, status: RunRecord['status']): void;
  /** The run never started: refused, removed from the queue, or its preparation said no. */
  skipped?(run: HiRun): void;
}

/** The hi terminal: one pseudoterminal reused (and cleared) per run unless a terminal per run is asked for. */
interface RunTerminal {
  terminal: vscode.Terminal;
  write: (text: string) => void;
  /** Resolves once VS Code opened the pseudoterminal: writes before that are dropped. */
  opened: Promise<void>;
  closed: boolean;
}

interface Active {
  run: HiRun;
  process: HiProcess;
  startedAt: number;
  cancelling: boolean;
  /** Set by a cancel: how the stop ended, for the queue's summary. */
  stopped?: Promise<string>;
  terminal: RunTerminal;
  parser: HiOutputParser;
}

let nextId = 1;

/** ` · ETA 06:10`: the median of the run's earlier durations on its backend (none without history). */
function etaOf(run: HiRun): string {
  const previous = run.durations ?? run.args.previousDurations;
  return previous.length ? ` · ETA ${formatDuration([...previous].sort((x, y) => x - y)[Math.floor(previous.length / 2)])}` : '';
}

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
  private readonly runFinished = new vscode.EventEmitter<FinishedRun>();
  private shared: RunTerminal | undefined;
  /** The terminal of the last run ("Show output" of the summary, with a terminal per run too). */
  private lastTerminal: RunTerminal | undefined;
  /** The one runner notification: the queue's progress, then its summary (runNotice.ts). */
  private readonly notice = new RunNotice();
  /** The runs of the queue in progress, as its notice counts them. */
  private batch: { title: string; status: RunRecord['status'] | 'skipped'; durationSeconds: number }[] = [];
  /** Results not announced yet: while more runs wait, one summary at the end says it all. */
  private unannounced: { run: HiRun; finished: FinishedRun; spawnError?: Error }[] = [];
  /** How each cancel of this queue ended, for its summary. */
  private cancellations: string[] = [];
  /** Fires after each run with hi's run id (for the leftover-containers offer). */
  readonly onDidFinishRun = this.runFinished.event;
  /** Checks before a run is queued (the Docker environment); false keeps it from starting. */
  beforeRun: ((args: RunTestArgs) => Promise<boolean>) | undefined;
  /** The earlier durations as they are when a run starts, so the ETA of a queued run is not stale. */
  durationsFor: ((args: RunTestArgs) => Promise<number[] | null>) | undefined;

  constructor(private readonly log: vscode.LogOutputChannel, private readonly notifyServer: (method: string) => void, private readonly settings: () => { maxConcurrentRuns: number; cancelGraceSeconds: number; terminalPerRun: boolean }) {
    this.queue = new RunQueue<HiRun>((run) => this.execute(run), settings().maxConcurrentRuns);
    this.status = vscode.window.createStatusBarItem('hi.run', vscode.StatusBarAlignment.Left, 50);
    this.status.name = 'hi run';
    this.status.command = 'hi.runMenu';
    this.queue.on('changed', () => this.render());
    this.disposables.push(this.status, this.runChanged, this.runFinished, this.notice);
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

  /** Whether a terminal is one of hi workbench's run terminals (for its file links). */
  isRunTerminal(t: vscode.Terminal): boolean {
    return this.shared?.terminal === t || this.active?.terminal.terminal === t;
  }

  showOutput(): void {
    (this.active?.terminal ?? this.lastTerminal ?? this.shared)?.terminal.show();
  }

  /**
   * The one way a run starts; the Test Explorer wraps every run (lens, palette, phase) in a TestRun
   * through `observer`. Returns false when refused.
   */
  async request(args: RunTestArgs, options: RequestOptions = {}): Promise<boolean> {
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
    // A phase checks the environment in its own clean step, right before each test.
    if (this.beforeRun && !options.prepare && !(await this.beforeRun(args))) return false;
    const run: HiRun = { id: nextId++, title: args.title, args, observer: options.observer, prepare: options.prepare, quiet: options.quiet };
    this.queue.maxConcurrent = Math.max(1, this.settings().maxConcurrentRuns);
    if (this.queue.busy && !options.queueWithoutAsking) {
      const current = this.queue.running[0]?.title ?? 'a test';
      const choice = await vscode.window.showInformationMessage(`hi is running ${current}. Queue ${args.title}, or cancel the current run?`, 'Queue', 'Cancel current');
      if (!choice) return false;
      if (choice === 'Cancel current') void this.cancel();
    }
    run.observer?.queued?.(run);
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
    // The queue's notice follows the stop; its summary says how it ended.
    const stopping = (message: string) => this.notice.progress(`stopping ${a.run.title}: ${message}`);
    stopping('sent SIGINT; hi is removing its containers…');
    a.process.on('cancelStage', (s) => stopping(s === 'terminate' ? `no exit after ${grace}s: sent SIGTERM` : s === 'kill' ? 'still running: sent SIGKILL' : 'sent SIGINT'));
    a.stopped = a.process.cancel(grace * 1000).then((stage) =>
      stage === 'interrupt' ? 'hi stopped after SIGINT and cleaned up its containers' : stage === 'terminate' ? `hi ignored SIGINT for ${grace}s and was stopped with SIGTERM; containers may be left` : 'hi had to be killed (SIGKILL); containers are likely left behind',
    );
    await a.stopped;
  }

  removeQueued(id: number): void {
    const run = this.queue.queued.find((r) => r.id === id);
    if (this.queue.remove(id)) run?.observer?.skipped?.(run);
  }

  /** Drops everything waiting (a cancelled Test Explorer batch or phase). */
  clearQueue(filter: (run: HiRun) => boolean = () => true): void {
    for (const run of [...this.queue.queued]) if (filter(run)) this.removeQueued(run.id);
  }

  moveQueued(id: number, delta: number): void {
    this.queue.move(id, delta);
  }

  /** The hi terminal for the next run: the shared one, cleared, or a new one per run. */
  private terminalFor(run: HiRun): RunTerminal {
    const perRun = this.settings().terminalPerRun;
    if (!perRun && this.shared && !this.shared.closed) {
      // Clear the screen and the scrollback: the terminal shows this run only.
      this.shared.write('\x1b[2J\x1b[3J\x1b[H');
      return this.shared;
    }
    const writer = new vscode.EventEmitter<string>();
    let markOpen!: () => void;
    // Never wait forever: a terminal VS Code does not open still gets the run (and its output in the log).
    const opened = new Promise<void>((resolve) => {
      markOpen = resolve;
      setTimeout(resolve, 5000);
    });
    const rt: RunTerminal = { terminal: undefined as unknown as vscode.Terminal, write: (text) => writer.fire(text.replace(/\r?\n/g, '\r\n')), opened, closed: false };
    rt.terminal = vscode.window.createTerminal({
      name: perRun ? `hi: ${run.title}` : 'hi: runs',
      pty: {
        onDidWrite: writer.event,
        open: () => markOpen(),
        close: () => {
          rt.closed = true;
          if (this.active?.terminal === rt) void this.cancel();
        },
        handleInput: (data: string) => {
          if (data === '\x03' && this.active?.terminal === rt) void this.cancel();
        },
      },
      iconPath: new vscode.ThemeIcon('beaker'),
    });
    if (!perRun) this.shared = rt;
    return rt;
  }

  /** Runs one queued run, then, when nothing else waits, ends the queue's notice with its summary. */
  private async execute(run: HiRun): Promise<void> {
    let status: RunRecord['status'] | 'skipped' = 'skipped';
    const startedAt = Date.now();
    try {
      run.durations = (await this.durationsFor?.(run.args).catch(() => null)) ?? run.args.previousDurations;
      this.notice.progress(this.queueMessage(run));
      status = await this.runOne(run);
    } finally {
      this.batch.push({ title: run.title, status, durationSeconds: (Date.now() - startedAt) / 1000 });
      // The queue still counts this run as running; it ends when nothing else runs or waits.
      if (!this.queue.queued.length && this.queue.running.length <= 1) this.endQueue();
    }
  }

  /** `running TestB (2 of 3) · ETA 06:10 · last ✓ TestA 1m02s`: the queue's notice while it runs. */
  private queueMessage(run: HiRun): string {
    const total = this.batch.length + 1 + this.queue.queued.length;
    const eta = etaOf(run);
    const last = this.batch[this.batch.length - 1];
    const icon = { passed: '✓', failed: '✗', cancelled: '⊘', skipped: '–' } as const;
    return `running ${run.title}${total > 1 ? ` (${this.batch.length + 1} of ${total})` : ''}${eta}${last ? ` · last ${icon[last.status]} ${last.title} ${formatRunDuration(last.durationSeconds)}` : ''}`;
  }

  private async runOne(run: HiRun): Promise<RunRecord['status'] | 'skipped'> {
    const { args } = run;
    const terminal = this.terminalFor(run);
    this.lastTerminal = terminal;
    terminal.terminal.show(true);
    await terminal.opened;
    const write = terminal.write;
    // The first line is what ran and where, exactly as a shell would take it.
    write(`\x1b[2m$ cd ${shellWord(args.cwd)} && ${displayCommand(args.argv)}\x1b[0m\n`);
    if (run.prepare && !(await run.prepare(write))) {
      write('\nskipped: the clean-environment step did not pass\n');
      run.observer?.skipped?.(run);
      return 'skipped';
    }
    const git = await gitState(args.cwd);
    const parser = new HiOutputParser();
    const startedAt = Date.now();
    let proc: HiProcess;
    try {
      proc = new HiProcess(args.argv, args.cwd);
    } catch (error) {
      write(`\nfailed to start: ${String(error)}\n`);
      run.observer?.skipped?.(run);
      return 'skipped';
    }
    this.active = { run, process: proc, startedAt, cancelling: false, terminal, parser };
    this.log.info(`run ${run.title}: ${displayCommand(args.argv)} (cwd ${args.cwd}, pid ${proc.pid}, commit ${git.commit ?? 'none'}${git.dirty ? ' dirty' : ''})`);
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
    // The summary says how a cancelled run stopped.
    if (this.active.stopped) this.cancellations.push(`Cancelled ${run.title}: ${await this.active.stopped}.`);
    this.active = undefined;
    this.render();
    const durationSeconds = (Date.now() - startedAt) / 1000;
    const status: RunRecord['status'] = cancelled ? 'cancelled' : code === 0 ? 'passed' : 'failed';
    const record = buildRecord(
      { test: args.testName ?? args.title, pattern: args.pattern, argv: args.argv, cwd: args.cwd, postgres: args.postgres, timeoutSeconds: args.timeoutSeconds, startedAt: new Date(startedAt).toISOString(), finishedAt: new Date().toISOString(), durationSeconds, exitCode: code, signal, status, gitCommit: git.commit, gitDirty: git.dirty },
      parser,
    );
    const recordFile = record ? writeRecord(record, parser.logsDir) : null;
    write(`\n\x1b[1m${status === 'passed' ? '✓ passed' : status === 'cancelled' ? '⊘ cancelled' : '✗ failed'}\x1b[0m in ${formatRunDuration(durationSeconds)}${code !== null ? ` (exit ${code})` : signal ? ` (${signal})` : ''}\n`);
    this.log.info(`run ${run.title} ${status} in ${durationSeconds.toFixed(1)}s, exit ${code}${recordFile ? `, record ${recordFile}` : ''}`);
    const runDir = parser.logsDir ? path.resolve(args.cwd, parser.logsDir) : null;
    const finished: FinishedRun = { runId: parser.runId, status, args, durationSeconds, runDir, parsed: parser };
    // The server hears of the run first, so whatever the observers ask next (the Test Explorer's
    // arguments, the ETA) already includes it.
    this.notifyServer(RunsChangedNotification.method);
    run.observer?.finished?.(run, parser, record, status);
    this.runChanged.fire();
    this.runFinished.fire(finished);
    if (status !== 'cancelled' && !run.quiet) this.unannounced.push({ run, finished, spawnError });
    return status;
  }

  /** The queue is done: its notice gives way to one summary (or closes, when a phase reports itself). */
  private endQueue(): void {
    const batch = this.unannounced;
    const cancellations = this.cancellations;
    this.unannounced = [];
    this.cancellations = [];
    this.batch = [];
    const parts = [...(batch.length ? [this.summaryOf(batch)] : []), ...cancellations];
    if (parts.length) this.notice.summary(parts.join(' '));
    else this.notice.end();
  }

  private summaryOf(batch: RunnerController['unannounced']): string {
    const last = batch[batch.length - 1];
    let message: string;
    let failed = batch.some((b) => b.finished.status === 'failed');
    if (batch.length > 1) {
      const bad = batch.filter((b) => b.finished.status === 'failed').map((b) => b.run.title);
      message = `${batch.length} hi runs finished: ${batch.length - bad.length} passed${bad.length ? `, ${bad.length} failed (${bad.join(', ')})` : ''}.`;
    } else {
      const { run, finished, spawnError } = last;
      const parser = finished.parsed;
      if (spawnError) message = `hi could not start: ${spawnError.message}`;
      else if (parser.doctorFailed.length && !parser.runId) message = `hi's pre-flight checks failed: ${parser.doctorFailed.map((c) => `${c.name}: ${c.message}`).join('; ')}`;
      else message = `${run.title} ${finished.status === 'passed' ? 'passed' : 'failed'} in ${formatRunDuration(finished.durationSeconds)}.`;
      failed = finished.status !== 'passed';
    }
    const runDir = last.finished.runDir;
    const links = [commandLink('Show output', 'hi.showRunOutput'), ...(runDir ? [commandLink('Open artifacts', 'hi.revealRun', [runDir])] : [])];
    return `${failed ? '✗' : '✓'} ${message} ${links.join(' · ')}`;
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
    const eta = etaOf(a.run);
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
