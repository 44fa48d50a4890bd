import { EventEmitter } from 'node:events';

/**
 * hi runs one at a time (the guide: Docker port conflicts and resources). The queue holds what
 * waits; `maxConcurrent` comes from `headscale.maxConcurrentRuns`.
 */
export interface QueuedRun {
  id: number;
  title: string;
}

export interface RunQueueEvents<T extends QueuedRun> {
  changed: [];
  start: [run: T];
}

export class RunQueue<T extends QueuedRun> extends EventEmitter<RunQueueEvents<T>> {
  private waiting: T[] = [];
  private active: T[] = [];

  constructor(private readonly execute: (run: T) => Promise<void>, public maxConcurrent = 1) {
    super();
  }

  get running(): readonly T[] {
    return this.active;
  }

  get queued(): readonly T[] {
    return this.waiting;
  }

  get busy(): boolean {
    return this.active.length >= Math.max(1, this.maxConcurrent);
  }

  enqueue(run: T): void {
    this.waiting.push(run);
    this.pump();
  }

  remove(id: number): boolean {
    const before = this.waiting.length;
    this.waiting = this.waiting.filter((r) => r.id !== id);
    if (this.waiting.length !== before) this.emit('changed');
    return this.waiting.length !== before;
  }

  move(id: number, delta: number): void {
    const i = this.waiting.findIndex((r) => r.id === id);
    const j = i + delta;
    if (i < 0 || j < 0 || j >= this.waiting.length) return;
    [this.waiting[i], this.waiting[j]] = [this.waiting[j], this.waiting[i]];
    this.emit('changed');
  }

  private pump(): void {
    while (!this.busy && this.waiting.length > 0) {
      const run = this.waiting.shift()!;
      this.active.push(run);
      this.emit('start', run);
      void this.execute(run)
        .catch(() => undefined)
        .finally(() => {
          this.active = this.active.filter((r) => r !== run);
          this.emit('changed');
          this.pump();
        });
    }
    this.emit('changed');
  }
}
