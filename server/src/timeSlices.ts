import type { Pause } from './analysis/parser';

/**
 * A Pause that lets the event loop run (queued LSP requests, I/O) once `ms` of work went by since
 * the last break. setImmediate runs after pending I/O callbacks, so a hover that arrived during a
 * long first contract check is read and answered in the next break, not after the whole check.
 */
export function everyMs(ms: number): Pause {
  let deadline = performance.now() + ms;
  return () => {
    if (performance.now() < deadline) return undefined;
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      deadline = performance.now() + ms;
    });
  };
}
