import type { MarkerSetting } from '../../../shared/src/settings';

/**
 * What counts as an error line in control_logs (headscale-facts §4): zerolog level tokens, Go
 * panics and runtime failures, tailscaled health/login trouble, testify and go test failures.
 * Settings can add markers; ids name them in the UI and the CLI.
 */
export interface Marker {
  id: string;
  pattern: RegExp;
  severity: 'error' | 'warning';
}

export const defaultMarkers: readonly Marker[] = [
  { id: 'zerolog-error', pattern: /^\S+ (ERR|FTL|PNC) /, severity: 'error' },
  { id: 'zerolog-warn', pattern: /^\S+ WRN /, severity: 'warning' },
  { id: 'panic', pattern: /^panic: |\bpanic: runtime error/, severity: 'error' },
  { id: 'goroutine', pattern: /^goroutine \d+ \[/, severity: 'error' },
  { id: 'fatal-error', pattern: /^fatal error: /, severity: 'error' },
  { id: 'deadlock', pattern: /POTENTIAL DEADLOCK/, severity: 'error' },
  { id: 'ts-health', pattern: /health\([^)]*\): error/, severity: 'error' },
  { id: 'ts-unexpected', pattern: /\[unexpected\]/, severity: 'error' },
  { id: 'needs-login', pattern: /NeedsLogin/, severity: 'warning' },
  { id: 'node-key-expired', pattern: /nodeKeyExpired=true/, severity: 'warning' },
  { id: 'dns-failure', pattern: /failed to resolve|no DNS fallback candidates remain/, severity: 'error' },
  { id: 'testify', pattern: /Error Trace:|Condition never satisfied/, severity: 'error' },
  { id: 'go-test-fail', pattern: /^\s*--- FAIL: /, severity: 'error' },
];


/** Built-in markers plus valid user ones (`headscale.artifacts.markers`); bad regexps are dropped. */
export function withUserMarkers(extra: readonly MarkerSetting[]): Marker[] {
  const out = [...defaultMarkers];
  for (const m of extra) {
    try {
      out.push({ id: m.id, pattern: new RegExp(m.pattern), severity: m.severity ?? 'error' });
    } catch {
      // an invalid user pattern is ignored rather than breaking the scan
    }
  }
  return out;
}

/**
 * One regexp that any marker line matches, used as a cheap pre-filter so that only candidate
 * lines are tested against each marker.
 */
export function combined(markers: readonly Marker[]): RegExp {
  return new RegExp(markers.map((m) => `(?:${m.pattern.source})`).join('|'));
}
