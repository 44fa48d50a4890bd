import type { HiContainer } from '../../../shared/src/docker';

/**
 * Whether a run is still going, from Docker alone: go test lives in hi's runner container
 * (`headscale-test-suite-<run-id>`, role test-runner), so the run is active exactly while that
 * container runs. Once it has exited or is gone, hi is done, and scenario containers that still run
 * were left behind (a SIGKILL, --keep-on-failure, a memory-limit failure): leftovers, not a live test.
 */
const RUNNING = new Set(['running', 'restarting', 'paused']);

export function isRunning(c: Pick<HiContainer, 'state'>): boolean {
  return RUNNING.has(c.state);
}

export function runIsActive(containers: readonly Pick<HiContainer, 'role' | 'state'>[]): boolean {
  return containers.some((c) => c.role === 'test-runner' && isRunning(c));
}

/** Run ids with a running runner container, from one listing. */
export function activeRuns(containers: readonly Pick<HiContainer, 'role' | 'state' | 'runId'>[]): Set<string> {
  return new Set(containers.filter((c) => c.runId && c.role === 'test-runner' && isRunning(c)).map((c) => c.runId!));
}

/** Running containers of a labelled run that is no longer active: left behind by hi. */
export function isLeftBehind(c: Pick<HiContainer, 'runId' | 'state'>, active: ReadonlySet<string>): boolean {
  return !!c.runId && isRunning(c) && !active.has(c.runId);
}
