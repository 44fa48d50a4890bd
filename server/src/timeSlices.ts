import type { Pause } from './analysis/parser';

/**
 * A Pause that lets the event loop run (queued LSP requests, I/O) once `ms` of work went by since
 * the last break, so a hover that arrived during a long first contract check is answered in a
 * break, not after the whole check. The break is a timer, not setImmediate: answering a request
 * takes several immediates (the JSON-RPC reader, handler and writer each queue one), and a
 * setImmediate break would put a whole slice of work between each of them.
 */
export function everyMs(ms: number): Pause {
  let deadline = performance.now() + ms;
  return () => {
    if (performance.now() < deadline) return undefined;
    return new Promise<void>((resolve) => setTimeout(resolve, 0)).then(() => {
      deadline = performance.now() + ms;
    });
  };
}

/**
 * Background work that waits until something (opens and edits, analyses) has not happened for
 * `ms`: `note()` when it happens, `remaining()` before starting, and wait that long again if it is
 * positive. Foreground requests then go first.
 */
export class QuietPeriod {
  private last = -Infinity;

  constructor(private readonly ms: number) {}

  note(): void {
    this.last = performance.now();
  }

  /** How long until it has been quiet for the period (≤ 0: it has). */
  remaining(): number {
    return this.last + this.ms - performance.now();
  }
}
