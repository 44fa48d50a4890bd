import { NotificationType, NotificationType0, RequestType } from 'vscode-jsonrpc';

/**
 * The wire contract between the extension (client) and the language server, declared once.
 * Standard LSP requests are not repeated here; only names and payloads that are ours, each typed
 * with its params and result (shared/src/artifacts.ts and docker.ts hold the views' messages).
 */

/** `source` of every diagnostic the server publishes. */
export const DIAGNOSTIC_SOURCE = 'hi workbench';

/** Language ids the server analyses. */
export const GO_LANGUAGE_ID = 'go';

/** Payload in `Diagnostic.data`: which rule, so code actions can find the finding again. */
export interface DiagnosticData {
  ruleId: string;
  /** Document version the finding was computed for. */
  version: number;
}

/** initializationOptions the extension sends. */
export interface InitializationOptions {
  /** Whether the workspace is trusted; untrusted workspaces get analysis only. */
  trusted: boolean;
  /** VS Code's bundled ripgrep, used to scan large logs (else `rg` on PATH, else a JS scan). */
  ripgrepPath?: string | null;
}

/**
 * Node flags the extension starts the server with. Parsing creates much short-lived garbage and
 * the live data is small: a small young generation and V8's size-optimised mode keep resident
 * memory near the live size (about 100 MB instead of 130–190 MB with 40 large files open; see
 * `npm run bench`) with no measurable edit-latency cost.
 */
export const SERVER_EXEC_ARGV: readonly string[] = ['--max-semi-space-size=2', '--optimize-for-size'];

/** The JSON file hi workbench writes into each run folder it started (see client/src/runner/runRecord.ts). */
export const RUN_RECORD_FILE = 'hi-workbench-run.json';

/** A run id as hi makes it: local time + 6 hex (headscale-facts §1.6). */
export const RUN_ID_PATTERN = /^\d{8}-\d{6}-[0-9a-z]{6}$/;

/** Everything the client needs to run one test or pattern: what the lens shows is what runs. */
export interface RunTestArgs {
  title: string;
  /** The test (`TestX`, `TestX/sub`) or null for a pattern run. */
  testName: string | null;
  /** The document the run came from (for the Test Explorer and links). */
  uri: string;
  /** The test pattern inside argv, as hi receives it (`^TestX$`): validated before spawning. */
  pattern: string;
  argv: string[];
  /** The module root (the folder with go.mod and cmd/hi). */
  cwd: string;
  timeoutSeconds: number;
  postgres: boolean;
  category: string;
  /** Durations (seconds) of earlier runs of the same test, newest first, for an ETA. */
  previousDurations: number[];
}

export interface PastRunInfo {
  status: 'passed' | 'failed' | 'cancelled';
  durationSeconds: number;
  /** The run folder. */
  dir: string;
}

export interface TestInfo {
  name: string;
  /** 0-based position of the test name. */
  line: number;
  character: number;
  endLine: number;
  endCharacter: number;
  category: string;
  label: string;
  reason: string;
  /** The SQLite run (hi's default backend), with the category's timeout. */
  run: RunTestArgs;
  /** The --postgres run, with at least the guide's 1800 s. */
  runPostgres: RunTestArgs;
  /** On `headscale.postgresTests` or marked `//hi:postgres`: the lens offers --postgres too. */
  postgresListed: boolean;
  /** Earlier runs of this test from its run records, newest first (for "Last run" and the hover). */
  lastRuns: PastRunInfo[];
  children: TestInfo[];
}

/** client → server: the tests of a file (read from disk when it is not open). */
export interface DiscoverTestsParams {
  uri: string;
}
export interface DiscoverTestsResult {
  tests: TestInfo[];
  /** The whole-file pattern run (null without tests). */
  fileRun: RunTestArgs | null;
}
export const DiscoverTestsRequest = new RequestType<DiscoverTestsParams, DiscoverTestsResult, void>('hi/discoverTests');

/** client → server: Workspace Trust changed; lenses switch between runnable and disabled. */
export const TrustChangedNotification = new NotificationType<{ trusted: boolean }>('hi/trustChanged');

/** client → server: a run finished; "Last run" lenses and hovers need a refresh. */
export const RunsChangedNotification = new NotificationType0('hi/runsChanged');

/**
 * Read-only documents of a file at the contract base (hs-test-contract's related information):
 * `hi-contract-base:/<path at base>?<query>`; the client's TextDocumentContentProvider asks the
 * server for the text with `hi/contractBase`.
 */
export const CONTRACT_BASE_SCHEME = 'hi-contract-base';

export interface ContractBaseParams {
  uri: string;
}
export interface ContractBaseResult {
  text: string | null;
}
/** client → server: the text behind a `hi-contract-base:` URI (null when git no longer has it). */
export const ContractBaseRequest = new RequestType<ContractBaseParams, ContractBaseResult, void>('hi/contractBase');

/**
 * server → client (a code action's command): insert a snippet at the start of a line of a
 * document, cursor on its first placeholder. Arguments: `[uri, line, snippet]`.
 */
export const InsertSnippetCommand = 'hi.insertSnippet';
