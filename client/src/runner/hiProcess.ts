import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';

/**
 * One hi process: spawned with argv (never a shell), in its own process group so a cancel reaches
 * `go run`, hi and everything they started. Cancel is SIGINT first, because hi removes its
 * containers on interrupt; only after the grace period does it escalate to SIGTERM, then SIGKILL.
 */
export type CancelStage = 'interrupt' | 'terminate' | 'kill';

export interface HiProcessEvents {
  line: [text: string, stream: 'stdout' | 'stderr'];
  /** Raw chunks, for a terminal that keeps ANSI and partial lines. */
  data: [chunk: string];
  cancelStage: [stage: CancelStage];
  exit: [code: number | null, signal: NodeJS.Signals | null];
  error: [error: Error];
}

export class HiProcess extends EventEmitter<HiProcessEvents> {
  private readonly child: ChildProcess;
  private exited = false;
  readonly exitPromise: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
    super();
    if (argv.length === 0) throw new Error('empty hi command');
    this.child = spawn(argv[0], argv.slice(1), { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    this.exitPromise = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exited = true;
        // Let the pipes drain before announcing the end.
        setImmediate(() => {
          this.emit('exit', code, signal);
          resolve({ code, signal });
        });
      });
      this.child.once('error', (error) => {
        this.exited = true;
        this.emit('error', error);
        resolve({ code: null, signal: null });
      });
    });
    this.pipe(this.child.stdout!, 'stdout');
    this.pipe(this.child.stderr!, 'stderr');
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return !this.exited;
  }

  private pipe(stream: NodeJS.ReadableStream, name: 'stdout' | 'stderr'): void {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      this.emit('data', chunk);
      rest += chunk;
      const lines = rest.split(/\r?\n/);
      rest = lines.pop() ?? '';
      for (const l of lines) this.emit('line', l, name);
    });
    stream.on('end', () => {
      if (rest) this.emit('line', rest, name);
      rest = '';
    });
  }

  /**
   * SIGINT to the group; after `graceMs` SIGTERM; after `termGraceMs` more, SIGKILL.
   * Resolves when the process has exited, with the last stage that was needed.
   */
  async cancel(graceMs: number, termGraceMs = 5000): Promise<CancelStage> {
    const stages: [CancelStage, NodeJS.Signals, number][] = [
      ['interrupt', 'SIGINT', graceMs],
      ['terminate', 'SIGTERM', termGraceMs],
      ['kill', 'SIGKILL', 0],
    ];
    let last: CancelStage = 'interrupt';
    for (const [stage, signal, wait] of stages) {
      if (this.exited) break;
      last = stage;
      this.emit('cancelStage', stage);
      this.signalGroup(signal);
      if (wait > 0 && (await this.exitedWithin(wait))) break;
    }
    await this.exitPromise;
    // hi has exited; anything it left in its group (a `go test` child, a stuck docker CLI) would be
    // an orphan nobody owns. The user asked to stop, so the group goes.
    this.signalGroup('SIGKILL');
    return last;
  }

  private signalGroup(signal: NodeJS.Signals): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // The group is already gone.
    }
  }

  private exitedWithin(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      void this.exitPromise.then(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
