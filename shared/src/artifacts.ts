import { NotificationType, RequestType } from 'vscode-jsonrpc';

/**
 * The wire contract of the control_logs artifact browser: the server indexes and parses, the
 * extension draws. Plain JSON data only. Every message is declared once here, typed with its
 * params and result, so a call with the wrong payload does not compile on either side.
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
  /** How to read the line, when the marker says (HTTP/2 stream errors: "often a symptom, not the root cause"). */
  note?: string;
}

/** One marker's exact count in a log and its first line. */
export interface MarkerTally {
  count: number;
  first: ErrorLine;
}

/** A line that explains a run's triage. */
export interface Evidence {
  /** Run-relative path. */
  file: string;
  /** 1-based. */
  line: number;
  text: string;
  marker?: string;
  /** How many lines of the file the marker matched. */
  count?: number;
  note?: string;
}

export interface RunFile {
  path: string;
  /** Inside the run folder, `/`-separated. */
  relative: string;
  kind: FileKind;
  sizeBytes: number;
  /** Exact counts of the two tiers. */
  errorCount: number;
  warningCount: number;
  /** The error tier (capped per file): never crowded out by warnings. */
  errors: ErrorLine[];
  /** The warning tier (capped per file), shown as a collapsed "N warnings" group. */
  warnings: ErrorLine[];
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
  evidence: Evidence[];
  sizeBytes: number;
  durationSeconds: number | null;
  /** Exact totals over the run's logs. */
  errorCount: number;
  warningCount: number;
  /** False for runs listed without reading their logs (older ones); describe them on demand. */
  described: boolean;
  files: RunFile[];
  /** Set when the run has more files than the walk's budget: `files` is not everything. */
  truncated?: string;
  /**
   * Set when the run holds more map responses than are sent as rows (the first ones are): every
   * node folder with its full count. `unlistedFiles` says how many files `files` leaves out.
   */
  mapResponseFolders?: MapResponseFolder[];
  unlistedFiles?: number;
}

/** One node's folder of map response captures, `mapresponses/<node>/`. */
export interface MapResponseFolder {
  node: string;
  dir: string;
  count: number;
}

export interface ListRunsParams {
  controlLogs: string;
}
export interface ListRunsResult {
  controlLogs: string;
  exists: boolean;
  totalBytes: number;
  runs: RunView[];
}
/** client → server: the runs of one control_logs folder, newest first. */
export const ListRunsRequest = new RequestType<ListRunsParams, ListRunsResult, void>('hi/listRuns');

export interface DescribeRunParams {
  controlLogs: string;
  id: string;
}
/** client → server: one run with its files, error and warning tiers and triage (null: no such run). */
export const DescribeRunRequest = new RequestType<DescribeRunParams, RunView | null, void>('hi/describeRun');

export interface LogErrorsParams {
  path: string;
}
/** client → server: the error tier of one log (next/previous error); publishes nothing. */
export const LogErrorsRequest = new RequestType<LogErrorsParams, ErrorLine[], void>('hi/logErrors');

export interface LogProblemsParams {
  /** Every log whose lines should be Problems now (open in an editor, or of the selected run). */
  paths: string[];
  /** `headscale.artifacts.warningsAsProblems`: publish the warning tier too. */
  warnings: boolean;
}
/**
 * client → server: the complete set of logs whose lines are Problems. The server publishes the
 * new ones and clears those no longer listed, so closing a log or collapsing its run removes them.
 */
export const LogProblemsNotification = new NotificationType<LogProblemsParams>('hi/logProblems');

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
/** client → server: which runs a retention rule would delete (nothing is deleted). */
export const PlanDeletionRequest = new RequestType<PlanDeletionParams, DeletionPlan, void>('hi/planDeletion');

export interface DeleteRunsParams {
  controlLogs: string;
  ids: string[];
}
export interface DeleteRunsResult {
  deleted: string[];
  freedBytes: number;
  failed: { id: string; message: string }[];
}
/** client → server: delete exactly these run folders (after the user confirmed the plan). */
export const DeleteRunsRequest = new RequestType<DeleteRunsParams, DeleteRunsResult, void>('hi/deleteRuns');

export interface ErrorsWithContextParams {
  path: string;
  context: number;
}
export interface ErrorsWithContextResult {
  text: string;
  /** 0-based line of the virtual document → 1-based line of the log it stands for. */
  links: { line: number; target: number }[];
}
/** client → server: each error of a log with N lines around it (for logs too large to tokenise). */
export const ErrorsWithContextRequest = new RequestType<ErrorsWithContextParams, ErrorsWithContextResult, void>('hi/errorsWithContext');

export interface RunParams {
  controlLogs: string;
  id: string;
}

/** A link in a generated document: a character range of one line → a file and line. */
export interface SummaryLink {
  /** 0-based line of the document and character range in it. */
  line: number;
  start: number;
  end: number;
  target: { path: string; line: number; inWorkspace: boolean };
}

export interface FailureSummary {
  title: string;
  text: string;
  links: SummaryLink[];
}
/** client → server: a failed run's summary in the guide's reading order (null: no such run). */
export const FailureSummaryRequest = new RequestType<RunParams, FailureSummary | null, void>('hi/failureSummary');

export interface SearchRunParams extends RunParams {
  /** A regexp (a debug flow's or the user's). */
  pattern: string;
  /** Matches per file on the first screen (default 200). */
  maxPerFile?: number;
}
export interface SearchFile {
  path: string;
  relative: string;
  matches: { line: number; text: string }[];
  /** More matches than listed. */
  more: boolean;
  problem?: string;
}
export interface RunSearchResult {
  pattern: string;
  /** Files with matches, in the guide's reading order. */
  files: SearchFile[];
  total: number;
  /** A pattern that is not a regexp, or ripgrep failing: said instead of results. */
  error?: string;
}
/** client → server: a debug flow or "Search this run…": matching lines of the run's logs, grouped by file. */
export const SearchRunRequest = new RequestType<SearchRunParams, RunSearchResult | null, void>('hi/searchRun');

export interface TimelineParams extends RunParams {
  /** The chosen line: a log of the run and its 1-based line. */
  path: string;
  line: number;
  /** ± this many seconds (default 10). */
  seconds?: number;
}
export interface TimelineResult {
  text: string;
  links: SummaryLink[];
  /** Logs left out, and why (no timestamps, unreadable). */
  skipped: string[];
}
/** client → server: all of a run's logs merged by timestamp around one line (null: no such run). */
export const TimelineRequest = new RequestType<TimelineParams, TimelineResult | null, void>('hi/timeline');

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
  /** Per node, each response with what changed against that node's previous one. */
  nodes: { node: string; entries: { time: string; type: string; peers: number | null; path: string; changes?: string[]; error?: string }[] }[];
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

/** client → server: the parsed content of a metrics dump, status dump, map responses or database. */
export const ViewArtifactRequest = new RequestType<ViewArtifactParams, ArtifactView, void>('hi/viewArtifact');
