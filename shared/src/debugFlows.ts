/**
 * The integration-tester guide's debug flows ("Route Tracking Debug Flow", "HA failover", "Success
 * patterns"), as ready searches over a run's logs. The patterns are the guide's own `grep -E`
 * expressions; users add their own with `headscale.artifacts.debugFlows`. Shared by the Runs
 * view and `cli runs --flow`.
 */
export interface DebugFlow {
  id: string;
  label: string;
  /** A regular expression (ripgrep's syntax, which these share with JavaScript's). */
  pattern: string;
  /** What to look for in the results, from the guide. */
  hint: string;
}

export const DEBUG_FLOWS: readonly DebugFlow[] = [
  { id: 'route-approval', label: 'Route approval', pattern: 'auto-approval|ApproveRoutesWithPolicy|PolicyManager', hint: 'Proper ApproveRoutesWithPolicy calls for auto-approval' },
  { id: 'route-tracking', label: 'Route tracking', pattern: 'announced|tracking|SetNodeRoutes', hint: 'Route announcements should be followed by tracking updates' },
  { id: 'ha-failover', label: 'HA failover', pattern: 'Disconnect|NodeWentOffline|PrimaryRoutes', hint: 'Approved routes must survive a node going offline; primaries should move' },
  { id: 'routes-removed', label: 'Routes removed', pattern: 'removing.*routes|SetNodeRoutes.*empty', hint: 'Routes removed when nodes disconnect point at conflating approval with connectivity' },
  { id: 'security-violations', label: 'Security violations', pattern: 'AnnouncedRoutes.*SetNodeRoutes|bypass.*approval', hint: 'Announced routes must never be set without approval' },
  { id: 'success-patterns', label: 'Success patterns', pattern: 'updating node routes for tracking|announcedRoutes', hint: '"updating node routes for tracking" and routes in announcedRoutes' },
];

/** `headscale.artifacts.debugFlows`: extra flows (id, label, pattern); invalid entries are dropped. */
export function normalizeFlows(raw: unknown): DebugFlow[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((f): DebugFlow[] => {
    if (!f || typeof f !== 'object') return [];
    const { id, label, pattern } = f as Record<string, unknown>;
    if (typeof id !== 'string' || !id || typeof pattern !== 'string' || !pattern) return [];
    try {
      new RegExp(pattern);
    } catch {
      return [];
    }
    return [{ id, label: typeof label === 'string' && label ? label : id, pattern, hint: 'from headscale.artifacts.debugFlows' }];
  });
}
