/**
 * Settings shared by the extension (which contributes them) and the server (which reads them).
 * Keys live under the `headscale.` section.
 */
export type RuleLevel = 'default' | 'off' | 'error' | 'warning' | 'information' | 'hint';

export interface AnalysisSettings {
  /** Per-rule level keyed by rule id (`headscale.rules.<id>`). */
  rules: Record<string, RuleLevel>;
  /** Extra method names treated as external reads (`headscale.analysis.readMethods`). */
  readMethods: string[];
  /** Extra method names treated as state-changing (`headscale.analysis.mutatingMethods`). */
  mutatingMethods: string[];
}

export const defaultAnalysisSettings: AnalysisSettings = { rules: {}, readMethods: [], mutatingMethods: [] };

export const RULE_LEVELS: readonly RuleLevel[] = ['default', 'off', 'error', 'warning', 'information', 'hint'];

/** Test categories and their hi --timeout, first match wins (headscale-facts §2.4). */
export type TestCategory = 'long' | 'ha' | 'auth' | 'route' | 'basic';

export const CATEGORY_LABELS: Record<TestCategory, string> = {
  long: 'long-running',
  ha: 'HA/failover',
  auth: 'auth/OIDC',
  route: 'route/ACL',
  basic: 'basic/CLI',
};

export interface CategoryPatterns {
  /** Test-name globs (`TestSubnet*`) or /regexps/. */
  names?: string[];
  /** File-name globs (`route_test.go`). */
  files?: string[];
}

export interface RunSettings {
  /** Seconds per category, plus `pattern` (a file's tests or a glob) and `suite` (whole package). */
  timeouts: Record<TestCategory | 'pattern' | 'suite', number>;
  /** Extra patterns per category, checked before the built-in rules of the same category. */
  categories: Partial<Record<TestCategory, CategoryPatterns>>;
  /** Tests that get a "--postgres" lens (and run with --postgres from the PostgreSQL profile). */
  postgresTests: string[];
  showPostgresLens: boolean;
  /** argv prefix that runs hi, relative to the module root. */
  hiCommand: string[];
  hiExtraArgs: string[];
  maxConcurrentRuns: number;
  cancelGraceSeconds: number;
  /** control_logs folder, relative to the module root (hi's --logs-dir). */
  controlLogs: string;
}

export const defaultRunSettings: RunSettings = {
  timeouts: { long: 2100, ha: 1800, auth: 1200, route: 1200, basic: 900, pattern: 1800, suite: 2700 },
  categories: {},
  // CI's PostgreSQL matrix (headscale-facts §2.2) plus database-heavy tests.
  postgresTests: ['TestACLAllowUserDst', 'TestPingAllByIP', 'TestEphemeral2006DeletedTooQuickly', 'TestPingAllByIPManyUpDown', 'TestSubnetRouterMultiNetwork', 'TestExpireNode'],
  showPostgresLens: false,
  hiCommand: ['go', 'run', './cmd/hi'],
  hiExtraArgs: [],
  maxConcurrentRuns: 1,
  cancelGraceSeconds: 60,
  controlLogs: 'control_logs',
};

/* Normalisation: settings come from user JSON; keep what is well-formed and drop the rest. */

const LEVELS = new Set<RuleLevel>(['default', 'off', 'error', 'warning', 'information', 'hint']);

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function normalize(raw: unknown): AnalysisSettings {
  const obj = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const rulesRaw = (obj.rules && typeof obj.rules === 'object' ? obj.rules : {}) as Record<string, unknown>;
  const rules: Record<string, RuleLevel> = {};
  for (const [id, level] of Object.entries(rulesRaw)) {
    if (typeof level === 'string' && LEVELS.has(level as RuleLevel)) rules[id] = level as RuleLevel;
  }
  const analysis = (obj.analysis && typeof obj.analysis === 'object' ? obj.analysis : {}) as Record<string, unknown>;
  return {
    ...defaultAnalysisSettings,
    rules,
    readMethods: stringList(analysis.readMethods),
    mutatingMethods: stringList(analysis.mutatingMethods),
  };
}

const CATEGORIES: TestCategory[] = ['long', 'ha', 'auth', 'route', 'basic'];

function positive(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback;
}

function section(obj: Record<string, unknown>, key: string): Record<string, unknown> {
  const v = obj[key];
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** `headscale.timeouts.*`, `headscale.categories`, `headscale.hi.*` … with malformed values dropped. */
export function normalizeRun(raw: unknown): RunSettings {
  const obj = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const timeouts = section(obj, 'timeouts');
  const d = defaultRunSettings;
  const categories: Partial<Record<TestCategory, CategoryPatterns>> = {};
  const cats = section(obj, 'categories');
  for (const c of CATEGORIES) {
    const entry = section(cats, c);
    if (Object.keys(entry).length) categories[c] = { names: stringList(entry.names), files: stringList(entry.files) };
  }
  const hi = section(obj, 'hi');
  const command = stringList(hi.command);
  return {
    timeouts: {
      long: positive(timeouts.long, d.timeouts.long), ha: positive(timeouts.ha, d.timeouts.ha), auth: positive(timeouts.auth, d.timeouts.auth),
      route: positive(timeouts.route, d.timeouts.route), basic: positive(timeouts.basic, d.timeouts.basic),
      pattern: positive(timeouts.pattern, d.timeouts.pattern), suite: positive(timeouts.suite, d.timeouts.suite),
    },
    categories,
    postgresTests: Array.isArray(obj.postgresTests) ? stringList(obj.postgresTests) : d.postgresTests,
    showPostgresLens: section(obj, 'lens').showPostgres === true,
    hiCommand: command.length ? command : d.hiCommand,
    hiExtraArgs: stringList(hi.extraArgs),
    maxConcurrentRuns: positive(obj.maxConcurrentRuns, d.maxConcurrentRuns),
    cancelGraceSeconds: positive(obj.cancelGraceSeconds, d.cancelGraceSeconds),
    controlLogs: typeof obj.controlLogs === 'string' && obj.controlLogs ? obj.controlLogs : d.controlLogs,
  };
}

/** `headscale.artifacts.markers`: extra error markers for the control_logs index. */
export interface MarkerSetting {
  id: string;
  pattern: string;
  severity?: 'error' | 'warning';
}

export function normalizeMarkers(raw: unknown): MarkerSetting[] {
  const obj = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const list = section(obj, 'artifacts').markers;
  if (!Array.isArray(list)) return [];
  return list.flatMap((m): MarkerSetting[] => {
    if (!m || typeof m !== 'object') return [];
    const { id, pattern, severity } = m as Record<string, unknown>;
    if (typeof id !== 'string' || typeof pattern !== 'string' || !id || !pattern) return [];
    return [{ id, pattern, ...(severity === 'warning' || severity === 'error' ? { severity } : {}) }];
  });
}

/** `headscale.docker.*`: which daemon, the free-disk threshold, and whether runs check first. */
export interface DockerSettings {
  host: string | undefined;
  minFreeGB: number;
  checkBeforeRun: boolean;
}

export function normalizeDocker(raw: unknown): DockerSettings {
  const obj = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const docker = section(obj, 'docker');
  return {
    host: typeof docker.host === 'string' && docker.host.trim() ? docker.host.trim() : undefined,
    minFreeGB: positive(docker.minFreeGB, 10),
    checkBeforeRun: docker.checkBeforeRun !== false,
  };
}

/** `headscale.contract.*`: the revision test contracts are compared with (hs-test-contract). */
export interface ContractSettings {
  /** A commit-ish (`HEAD`, `origin/main`); passed to git as one argv element after --end-of-options. */
  base: string;
  /** hs-test-doc also for tests that existed at the base (off: only tests added since). */
  docExistingTests: boolean;
}

export const defaultContractSettings: ContractSettings = { base: 'HEAD', docExistingTests: false };

/** A revision name git accepts, never an option: letters, digits and `/._-~^@{}`, not starting with `-`. */
const REVISION = /^[A-Za-z0-9_./~^@{}][A-Za-z0-9_./~^@{}-]*$/;

export function normalizeContract(raw: unknown): ContractSettings {
  const obj = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const c = section(obj, 'contract');
  const base = typeof c.base === 'string' && REVISION.test(c.base.trim()) && c.base.length <= 200 ? c.base.trim() : defaultContractSettings.base;
  return { base, docExistingTests: c.docExistingTests === true };
}
