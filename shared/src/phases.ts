import type { TestCategory } from './settings';

/**
 * The guide's phase-based approach ("Critical Testing Methodology"): core route tests first, HA and
 * complex routing next, auth (infrastructure-sensitive) last. A phase takes tests by category, plus
 * tests named explicitly; explicit names win over categories, then the first phase that claims a
 * test keeps it. Editable as `headscale.phases`.
 */
export interface PhaseSetting {
  name: string;
  categories: TestCategory[];
  tests: string[];
}

export const defaultPhases: PhaseSetting[] = [
  // Auto-approval is a route feature, though its test is long-running.
  { name: 'Phase 1: core route tests (ACL, auto-approval, basic routes)', categories: ['route', 'basic'], tests: ['TestAutoApproveMultiNetwork'] },
  { name: 'Phase 2: HA and complex routing', categories: ['ha', 'long'], tests: [] },
  // The long-running auth tests belong with auth: infrastructure-prone, so last.
  { name: 'Phase 3: auth (infrastructure-prone, last)', categories: ['auth'], tests: ['TestAuthKeyLogoutAndReloginSameUser', 'TestAuthKeyLogoutAndReloginSameUserExpiredKey', 'TestOIDCExpireNodesBasedOnTokenExpiry'] },
];

const CATEGORIES = new Set<TestCategory>(['long', 'ha', 'auth', 'route', 'basic']);

/** Well-formed phases from settings; the defaults when the setting is absent or holds none. */
export function normalizePhases(raw: unknown): PhaseSetting[] {
  if (!Array.isArray(raw)) return defaultPhases;
  const phases = raw
    .filter((p): p is Record<string, unknown> => !!p && typeof p === 'object' && typeof (p as { name?: unknown }).name === 'string')
    .map((p) => ({
      name: p.name as string,
      categories: (Array.isArray(p.categories) ? p.categories : []).filter((c): c is TestCategory => CATEGORIES.has(c as TestCategory)),
      tests: (Array.isArray(p.tests) ? p.tests : []).filter((t): t is string => typeof t === 'string'),
    }))
    .filter((p) => p.categories.length || p.tests.length);
  return phases.length ? phases : defaultPhases;
}

export interface PlannedTest {
  name: string;
  category: TestCategory;
}

/** Each test in exactly one phase, in discovery order within a phase; tests no phase claims are left out. */
export function planPhases<T extends PlannedTest>(tests: readonly T[], phases: readonly PhaseSetting[]): { phase: PhaseSetting; tests: T[] }[] {
  const owner = new Map<string, number>();
  phases.forEach((p, i) => p.tests.forEach((name) => !owner.has(name) && owner.set(name, i)));
  const plan = phases.map((phase) => ({ phase, tests: [] as T[] }));
  for (const t of tests) {
    const i = owner.get(t.name) ?? phases.findIndex((p) => p.categories.includes(t.category));
    if (i >= 0) plan[i].tests.push(t);
  }
  return plan;
}
