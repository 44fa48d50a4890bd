/**
 * The wire contract of the control_logs artifact browser: the server indexes and parses, the
 * extension draws. Plain JSON data only.
 */

export type RunStatus = 'passed' | 'failed' | 'cancelled' | 'running' | 'unknown';
export type Triage = 'infrastructure' | 'code' | 'unknown';

/** Artifact kinds in the guide's reading order (server/src/artifacts/fileKinds.ts orders them). */
export type FileKind =
  | 'hs-stderr' | 'hs-stdout' | 'ts-stderr' | 'ts-stdout' | 'log'
  | 'mapresponse' | 'status' | 'netmap' | 'database' | 'metrics' | 'pprof' | 'record' | 'other';

/** What each kind is, in words (the sidebar's file descriptions). */
export const KIND_LABELS: Record<FileKind, string> = {
  'hs-stderr': 'Headscale server stderr',
  'hs-stdout': 'Headscale server stdout',
  'ts-stderr': 'Tailscale client stderr',
  'ts-stdout': 'Tailscale client stdout',
  log: 'Other container log',
  mapresponse: 'Map response',
  status: 'Client status',
  netmap: 'Client netmap',
  database: 'Database snapshot',
  metrics: 'Metrics',
  pprof: 'CPU profile',
  record: 'hi workbench run record',
  other: 'Other',
};

export interface ErrorLine {
  /** 1-based. */
  line: number;
  text: string;
  marker: string;
  severity: 'error' | 'warning';
}

export interface RunFile {
  path: string;
  /** Inside the run folder, `/`-separated. */
  relative: string;
  kind: FileKind;
  sizeBytes: number;
  errorCount: number;
  warningCount: number;
  errors: ErrorLine[];
  /** Why the file was not (fully) scanned: binary, unreadable, vanished. */
  problem?: string;
}

export interface RunView {
  id: string;
  path: string;
  /** From the run id (hi uses local time): `YYYY-MM-DDTHH:MM:SS`. */
  startedAt: string;
  test: string | null;
  status: RunStatus;
  triage: Triage | null;
  evidence: { file: string; line: number; text: string }[];
  sizeBytes: number;
  durationSeconds: number | null;
  errorCount: number;
  /** False for runs listed without reading their logs (older ones); describe them on demand. */
  described: boolean;
  files: RunFile[];
  /** Set when the run has more files than the walk's budget: `files` is not everything. */
  truncated?: string;
}

/** client → server: the runs of one control_logs folder, newest first. */
export const ListRunsRequest = 'hi/listRuns';
export interface ListRunsParams {
  controlLogs: string;
}
export interface ListRunsResult {
  controlLogs: string;
  exists: boolean;
  totalBytes: number;
  runs: RunView[];
}

/** client → server: one run with its files and error lines (also publishes them as Problems). */
export const DescribeRunRequest = 'hi/describeRun';
export interface DescribeRunParams {
  controlLogs: string;
  id: string;
}

/** client → server: the error lines of one log (next/previous error, opening at the first error). */
export const LogErrorsRequest = 'hi/logErrors';
export interface LogErrorsParams {
  path: string;
}

/** client → server: which runs a retention rule would delete (nothing is deleted). */
export const PlanDeletionRequest = 'hi/planDeletion';
export interface PlanDeletionParams {
  controlLogs: string;
  olderThanDays?: number;
  keepLast?: number;
  ids?: string[];
}
export interface DeletionPlan {
  runs: { id: string; path: string; sizeBytes: number }[];
  totalBytes: number;
  /** Why nothing may be deleted (control_logs is a symlink, the workspace is untrusted); shown as is. */
  refused?: string;
}

/** client → server: delete exactly these run folders (after the user confirmed the plan). */
export const DeleteRunsRequest = 'hi/deleteRuns';
export interface DeleteRunsParams {
  controlLogs: string;
  ids: string[];
}
export interface DeleteRunsResult {
  deleted: string[];
  freedBytes: number;
  failed: { id: string; message: string }[];
}

/** client → server: each error of a log with N lines around it (for logs too large to tokenise). */
export const ErrorsWithContextRequest = 'hi/errorsWithContext';
export interface ErrorsWithContextParams {
  path: string;
  context: number;
}
export interface ErrorsWithContextResult {
  text: string;
  /** 0-based line of the virtual document → 1-based line of the log it stands for. */
  links: { line: number; target: number }[];
}

/** client → server: the parsed content of a metrics dump, status dump, map responses or database. */
export const ViewArtifactRequest = 'hi/viewArtifact';
export interface ViewArtifactParams {
  path: string;
  kind: 'metrics' | 'status' | 'mapresponses' | 'database';
}

/** A sample: a finite number, or the text of one JSON cannot carry (`NaN`, `+Inf`, `-Inf`, `1e400`). */
export type MetricValue = number | string;
export interface MetricsView {
  kind: 'metrics';
  families: { name: string; type: string; help: string; series: { labels: string; value?: MetricValue; count?: MetricValue; sum?: MetricValue; mean?: MetricValue }[] }[];
  /** What could not be shown (invalid lines), so the rest still renders. */
  skipped?: string[];
}
export interface StatusView {
  kind: 'status';
  self: string;
  backendState: string;
  health: string[];
  peers: { hostName: string; online: boolean | null; tailscaleIPs: string[]; primaryRoutes: string[]; expired: boolean | null; lastSeen: string }[];
  /** Peers that could not be read (not an object), so the others still render. */
  skipped?: string[];
}
export interface MapResponsesView {
  kind: 'mapresponses';
  nodes: { node: string; entries: { time: string; type: string; peers: number | null; path: string }[] }[];
}
export interface DatabaseView {
  kind: 'database';
  tables: { name: string; columns: string[]; rows: (string | number | null)[][]; total: number }[];
  /** Of nodes/users/routes, the tables this snapshot does not have (newer headscale keeps routes on nodes). */
  missing: string[];
  /** Tables not read because their schema runs code on SELECT (virtual tables, generated columns). */
  refused?: string[];
}
export type ArtifactView = (MetricsView | StatusView | MapResponsesView | DatabaseView | { kind: 'error' }) & { title: string; path: string; error?: string };
