/**
 * Long work on the language server's one event loop, written as a generator that `yield`s at
 * points where it may pause (after a chunk of a log, after a directory entry). `runSteps` lets
 * other requests in whenever the work has held the loop for `sliceMs`, so a hover never waits
 * behind a scan for more than about one slice, however big the input; `runStepsSync` is the same
 * work in one go, for the CLI and callers that are synchronous.
 */
export const SLICE_MS = 5;

export async function runSteps<T>(steps: Generator<void, T>, sliceMs = SLICE_MS): Promise<T> {
  let since = performance.now();
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done) return step.value;
    if (performance.now() - since >= sliceMs) {
      await nextTurn();
      since = performance.now();
    }
  }
}

export function runStepsSync<T>(steps: Generator<void, T>): T {
  for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
}

/** Lets the event loop run pending I/O (an incoming hover) before continuing. */
export function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
