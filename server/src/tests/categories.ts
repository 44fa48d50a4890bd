import { CATEGORY_LABELS, type CategoryPatterns, type RunSettings, type TestCategory } from '../../../shared/src/settings';
import type { DiscoveredTest } from './discovery';

/**
 * Classifies a test with a reason the user can read. First match wins, in headscale-facts §2.4
 * order: long-running, HA/failover, auth/OIDC, route/ACL, basic/CLI. User patterns from
 * `headscale.categories` are checked first within the same order; a `//hi:timeout=` directive
 * overrides the timeout (not the category).
 */
export interface Classification {
  category: TestCategory;
  label: string;
  reason: string;
  timeoutSeconds: number;
  postgres: boolean;
}

/** Tests known to run long (cmd/hi README, headscale-facts §2.3). */
const KNOWN_LONG: Record<string, string> = {
  TestNodeOnlineStatus: 'runs a 12-minute online-status loop',
  TestAuthKeyLogoutAndReloginSameUser: 'sleeps 5 minutes in its with-https-false subtests',
  TestAuthKeyLogoutAndReloginSameUserExpiredKey: 'sleeps 5 minutes in its with-https-false subtests',
  TestOIDCExpireNodesBasedOnTokenExpiry: 'waits out a 5-minute OIDC token lifetime',
  TestAutoApproveMultiNetwork: 'CI splits it into 6 jobs to avoid timeouts',
  TestPingAllByIPManyUpDown: 'three down/up cycles of 12 clients',
  TestK8sOperator: 'boots a k3s cluster',
  TestTailscaleRustAxum: 'its first build takes several minutes',
};

/** A body that sleeps or loops for this many minutes is long-running. */
const LONG_MINUTES = 5;

const AUTH_FILES = ['auth_oidc_test.go', 'auth_web_flow_test.go', 'auth_key_test.go', 'api_auth_test.go'];
const ROUTE_FILES = ['acl_test.go', 'route_test.go', 'tags_test.go', 'ssh_test.go', 'grant_cap_test.go'];

export function classify(test: Pick<DiscoveredTest, 'name' | 'directives' | 'longestMinutes'>, fileName: string, settings: RunSettings): Classification {
  const top = test.name.split('/')[0];
  const picked = pick(top, test, fileName, settings);
  const directive = test.directives.timeoutSeconds;
  return {
    ...picked,
    label: CATEGORY_LABELS[picked.category],
    reason: directive !== undefined ? `${picked.reason}; //hi:timeout=${directive}s overrides the timeout` : picked.reason,
    timeoutSeconds: directive ?? settings.timeouts[picked.category],
    postgres: test.directives.postgres ?? settings.postgresTests.includes(top),
  };
}

function pick(name: string, test: Pick<DiscoveredTest, 'longestMinutes'>, file: string, settings: RunSettings): { category: TestCategory; reason: string } {
  const user = (c: TestCategory) => userMatch(settings.categories[c], name, file);
  const u = (c: TestCategory) => {
    const m = user(c);
    return m ? { category: c, reason: `matches ${m} from headscale.categories.${c}` } : null;
  };
  return (
    u('long') ??
    (KNOWN_LONG[name] ? { category: 'long', reason: `${name} ${KNOWN_LONG[name]}` } : null) ??
    (test.longestMinutes >= LONG_MINUTES ? { category: 'long', reason: `its body waits ${test.longestMinutes} minutes` } : null) ??
    u('ha') ??
    (name.includes('HASubnetRouter') ? { category: 'ha', reason: 'name contains HASubnetRouter (HA failover)' } : null) ??
    u('auth') ??
    (AUTH_FILES.includes(file) ? { category: 'auth', reason: `defined in ${file}` } : null) ??
    (name.includes('OIDC') ? { category: 'auth', reason: 'name contains OIDC' } : null) ??
    u('route') ??
    (ROUTE_FILES.includes(file) ? { category: 'route', reason: `defined in ${file}` } : null) ??
    u('basic') ?? { category: 'basic', reason: 'no slower category applies (basic functionality / CLI)' }
  );
}

function userMatch(patterns: CategoryPatterns | undefined, name: string, file: string): string | null {
  for (const p of patterns?.names ?? []) if (matches(p, name)) return `name pattern "${p}"`;
  for (const p of patterns?.files ?? []) if (matches(p, file)) return `file pattern "${p}"`;
  return null;
}

/** `/regexp/` rather than a glob (ignored in untrusted workspaces, see settingsStore.ts). */
export function isRegexpPattern(pattern: string): boolean {
  return pattern.length > 2 && pattern.startsWith('/') && pattern.endsWith('/');
}

/** `Test*`-style globs, or `/regexp/`. */
export function matches(pattern: string, value: string): boolean {
  if (isRegexpPattern(pattern)) {
    try {
      return new RegExp(pattern.slice(1, -1)).test(value);
    } catch {
      return false;
    }
  }
  return globMatches(pattern, value);
}

/**
 * `*` (any run) and `?` (one character) against the whole value, without a regexp: the classic
 * two-pointer match that backtracks only to the last `*`, so it takes at most
 * O(pattern × value) steps whatever the pattern (a glob turned into a regexp such as `.*a.*a.*b`
 * backtracks polynomially, and settings are workspace input).
 */
export function globMatches(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let star = -1;
  let resume = 0;
  while (v < value.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === value[v])) {
      p++;
      v++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = v;
    } else if (star >= 0) {
      p = star + 1;
      v = ++resume;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}
