import { NotificationType, NotificationType0, RequestType, RequestType0 } from 'vscode-jsonrpc';

/**
 * The wire contract of the Docker view and environment checks: the server talks to Docker through
 * dockerode, the extension draws. Plain JSON data only.
 */

export interface HiContainer {
  id: string;
  name: string;
  /** `hi.test-type` (test-runner, headscale, tailscale, postgres, derp, …), or a role guessed from the name. */
  role: string;
  runId: string | null;
  labelled: boolean;
  state: string;
  status: string;
  image: string;
  createdAt: number;
  networks: string[];
  sizeBytes: number | null;
}

export interface ContainerGroup {
  /** The run id, or null for "Unlabelled hi containers". */
  runId: string | null;
  label: string;
  /** A run is active while its runner container (or any of its containers) runs. */
  active: boolean;
  containers: HiContainer[];
}

export type DockerState = { reachable: true; host: string; version: string } | { reachable: false; host: string; error: string; retryInSeconds: number };

export interface ListContainersResult {
  state: DockerState;
  groups: ContainerGroup[];
}
/** client → server: hi's containers, grouped by run. */
export const ListContainersRequest = new RequestType0<ListContainersResult, void>('hi/listContainers');

/** client → server: connect again now, resetting the backoff (the view's Retry). */
export const RetryDockerRequest = new RequestType0<void, void>('hi/retryDocker');

/** server → client: containers changed (Docker events, coalesced) or reachability changed. */
export const ContainersChangedNotification = new NotificationType0('hi/containersChanged');

export interface CleanupOptions {
  /** Exactly these containers (a container's or a run's "Remove"); otherwise all exited/dead hi containers. */
  containerIds?: string[];
  includeCacheVolumes?: boolean;
  includeImages?: boolean;
}

export interface CleanupPlan {
  containers: HiContainer[];
  /** Running containers among the requested ones: removed only with `allowRunning`. */
  running: HiContainer[];
  networks: { id: string; name: string }[];
  volumes: { name: string; sizeBytes: number | null }[];
  /** hi's tags only (removed one by one); `sizeBytes` is 0 when someone else's tag keeps the image. */
  images: { id: string; tags: string[]; sizeBytes: number }[];
  /** Estimated space reclaimed (container layers, volumes, images). */
  reclaimBytes: number;
}

/** client → server: what a cleanup would remove (nothing is removed). */
export const PlanCleanupRequest = new RequestType<CleanupOptions, CleanupPlan, void>('hi/planCleanup');

/** client → server: remove exactly what the confirmed plan listed. */
export const ExecuteCleanupRequest = new RequestType<ExecuteCleanupParams, CleanupResult, void>('hi/executeCleanup');
export interface ExecuteCleanupParams {
  plan: CleanupPlan;
  /** The user confirmed removing running containers specifically. */
  allowRunning: boolean;
}
export interface CleanupResult {
  removedContainers: string[];
  removedNetworks: string[];
  removedVolumes: string[];
  removedImages: string[];
  refused: { name: string; reason: string }[];
  failed: { name: string; message: string }[];
  reclaimedBytes: number;
}

/** client → server: start following a container's logs; text comes through ContainerLogRequest. */
export const ContainerLogRequest = new RequestType<ContainerLogParams, ContainerLogResult, void>('hi/containerLog');
export interface ContainerLogParams {
  id: string;
}
export interface ContainerLogResult {
  text: string;
  following: boolean;
}
/** server → client: more log text arrived for a followed container (throttled). */
export const ContainerLogChangedNotification = new NotificationType<ContainerLogParams>('hi/containerLogChanged');
/** client → server: the log document was closed; stop following. */
export const ContainerLogClosedNotification = new NotificationType<ContainerLogParams>('hi/containerLogClosed');

export type CheckStatus = 'pass' | 'warn' | 'fail';
export interface EnvCheck {
  name: string;
  status: CheckStatus;
  message: string;
  /** What fixes it: a command id the report offers, or advice. */
  fix?: string;
}

/** A check's fix in words: the command ids a report can offer become what to do in VS Code. */
export function fixAdvice(fix: string): string {
  return fix === 'hi.cleanLeftovers' ? 'Run "hi: Clean Leftover Containers…" from the Containers view (or `docker rm` the exited hi containers)' : fix;
}

/** client → server: the Docker environment checks (joined with `hi doctor` in the report). */
export const EnvChecksRequest = new RequestType<EnvChecksParams, EnvCheck[], void>('hi/envChecks');
export interface EnvChecksParams {
  moduleRoot: string;
  minFreeGB: number;
}
