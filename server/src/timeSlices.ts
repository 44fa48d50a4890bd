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
