import type { Readable } from 'stream';
import type { DockerState } from '../../../shared/src/docker';
import { Coalescer } from './coalescer';
import { DockerApi } from './dockerApi';
import type { DockerHost } from './dockerHost';

export interface WatcherOptions {
  /** No more than one change notification per this many ms. */
  coalesceMs?: number;
  /** Slow polling fallback while connected (events can be lost across daemon restarts). */
  pollMs?: number;
  firstRetryMs?: number;
  maxRetryMs?: number;
  /** Timeout of ordinary requests (not of the event stream). */
  requestTimeoutMs?: number;
}

/**
 * Keeps one connection to the Docker daemon: reachable with a live event stream, or unreachable
 * with one error and retries that back off (2 s, 4 s, … 60 s). `onChange` fires, coalesced, for
 * container/network events, for the polling tick and when reachability flips, never for each retry.
 */
export class DockerWatcher {
  state: DockerState;
  api: DockerApi;
  private events: Readable | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private retryMs: number;
  private started = false;
  private disposed = false;
  private readonly coalescer: Coalescer;
  private readonly opts: Required<WatcherOptions>;

  /** Whether the view has heard this watcher's first answer (reachable or not). */
  private answered = false;

  constructor(private host: DockerHost, private readonly onChange: () => void, options: WatcherOptions = {}) {
    this.opts = { coalesceMs: 250, pollMs: 30_000, firstRetryMs: 2_000, maxRetryMs: 60_000, requestTimeoutMs: 10_000, ...options };
    this.retryMs = this.opts.firstRetryMs;
    this.api = new DockerApi(host.host, this.opts.requestTimeoutMs);
    this.state = { reachable: false, host: host.host, error: 'not connected yet', retryInSeconds: 0 };
    this.coalescer = new Coalescer(() => this.onChange(), this.opts.coalesceMs);
  }

  /** Connects on first use, so editors that never open the view never touch Docker. */
  async ensureStarted(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.connect();
  }

  /** The daemon in use and where its address came from. */
  get dockerHost(): DockerHost {
    return this.host;
  }

  /** A different host (setting or environment changed): reconnect there. */
  async setHost(host: DockerHost): Promise<void> {
    if (host.host === this.host.host) return;
    this.host = host;
    this.api = new DockerApi(host.host, this.opts.requestTimeoutMs);
    this.teardown();
    this.retryMs = this.opts.firstRetryMs;
    if (this.started) await this.connect();
  }

  /** Retry now (the view's "Retry" action), resetting the backoff. */
  async retry(): Promise<void> {
    this.retryMs = this.opts.firstRetryMs;
    this.teardown();
    this.started = true;
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.disposed) return;
    const wasReachable = this.state.reachable;
    try {
      const v = await this.api.version();
      this.events = await this.api.events(() => this.coalescer.request());
      this.events.on('error', () => this.lost('the event stream failed'));
      this.events.on('end', () => this.lost('the event stream ended'));
      this.state = { reachable: true, host: this.host.host, version: v.version };
      this.retryMs = this.opts.firstRetryMs;
      this.pollTimer = setInterval(() => this.coalescer.request(), this.opts.pollMs);
      this.pollTimer.unref?.();
      if (!wasReachable) this.coalescer.request();
      this.answered = true;
    } catch (e) {
      this.unreachable((e as Error).message, wasReachable);
    }
  }

  private lost(reason: string): void {
    if (!this.state.reachable || this.disposed) return;
    this.teardown();
    this.unreachable(reason, true);
  }

  private unreachable(error: string, announce: boolean): void {
    this.state = { reachable: false, host: this.host.host, error, retryInSeconds: Math.round(this.retryMs / 1000) };
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
    this.retryTimer.unref?.();
    this.retryMs = Math.min(this.retryMs * 2, this.opts.maxRetryMs);
    // Reachability changed (or this is the first answer): tell the view once, not on every retry.
    if (announce || !this.answered) this.coalescer.request();
    this.answered = true;
  }

  private teardown(): void {
    clearTimeout(this.retryTimer);
    clearInterval(this.pollTimer);
    const events = this.events;
    this.events = undefined;
    events?.removeAllListeners();
    events?.on('error', () => undefined);
    events?.destroy();
  }

  dispose(): void {
    this.disposed = true;
    this.teardown();
    this.coalescer.dispose();
  }
}
