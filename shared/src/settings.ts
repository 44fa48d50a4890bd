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
