import type { MarkerSetting } from '../../../shared/src/settings';

/**
 * What counts as an error line in control_logs (headscale-facts §4): zerolog level tokens, Go
 * panics and runtime failures, tailscaled health/login trouble, testify and go test failures, and
 * the integration-tester guide's infrastructure signatures. Settings can add markers; ids name
 * them in the UI and the CLI.
 *
 * Order matters: a line counts under the first marker it matches, so the infrastructure
 * signatures come before the zerolog level tokens (an `ERR … no space left on device` line is a
 * full disk, not just an error) and the test-timeout panic before the generic panic.
 */
export interface Marker {
  id: string;
  pattern: RegExp;
  severity: 'error' | 'warning';
  /**
   * What the line says about the failure, for triage: `infrastructure` (the guide's signatures),
   * `crash` (a panic or fatal error: always a code bug), `failure` (an error or a failed test:
   * code unless an infrastructure signature explains it), `symptom` (follows from something
   * else, never decides). Absent for plain warnings and user markers.
   */
  kind?: 'infrastructure' | 'crash' | 'failure' | 'symptom';
  /** Shown beside the line where it changes how to read it. */
  note?: string;
}

export const defaultMarkers: readonly Marker[] = [
  // The guide's infrastructure signatures (integration-tester-guide "Infrastructure vs Code Issues", cmd/hi/README).
  { id: 'dns-failure', pattern: /no DNS fallback candidates remain|failed to resolve "?hs-|lookup hs-\S+ on \S+: no such host/, severity: 'error', kind: 'infrastructure' },
  { id: 'container-timeout', pattern: /container creation timeout|did not start within \d+s|timed out waiting for container/, severity: 'error', kind: 'infrastructure' },
  { id: 'port-conflict', pattern: /bind: address already in use/, severity: 'error', kind: 'infrastructure' },
  { id: 'disk-full', pattern: /no space left on device/, severity: 'error', kind: 'infrastructure' },
  { id: 'docker-daemon', pattern: /Cannot connect to the Docker daemon|Error response from daemon|error during connect: .*docker/, severity: 'error', kind: 'infrastructure' },
  { id: 'memory-limit', pattern: /exceeded memory limit|MEMORY LIMIT VIOLATIONS/, severity: 'error', kind: 'infrastructure' },
  { id: 'http2-stream', pattern: /http2: stream error|stream error: stream ID \d+|http2: server sent GOAWAY/, severity: 'error', kind: 'symptom', note: 'often a symptom, not the root cause' },
  // go test's own timeout is a panic of the testing package, not of headscale.
  { id: 'test-timeout', pattern: /^panic: test timed out after /, severity: 'error', kind: 'failure' },
  { id: 'panic', pattern: /^panic: |\bpanic: runtime error/, severity: 'error', kind: 'crash' },
  { id: 'fatal-error', pattern: /^fatal error: /, severity: 'error', kind: 'crash' },
  { id: 'deadlock', pattern: /POTENTIAL DEADLOCK/, severity: 'error', kind: 'crash' },
  { id: 'zerolog-error', pattern: /^\S+ (ERR|FTL|PNC) /, severity: 'error', kind: 'failure' },
  { id: 'goroutine', pattern: /^goroutine \d+ \[/, severity: 'error' },
  { id: 'testify', pattern: /Error Trace:|Condition never satisfied/, severity: 'error', kind: 'failure' },
  { id: 'go-test-fail', pattern: /^\s*--- FAIL: /, severity: 'error', kind: 'failure' },
  { id: 'ts-health', pattern: /health\([^)]*\): error/, severity: 'error' },
  { id: 'ts-unexpected', pattern: /\[unexpected\]/, severity: 'error' },
  { id: 'zerolog-warn', pattern: /^\S+ WRN /, severity: 'warning' },
  { id: 'needs-login', pattern: /NeedsLogin/, severity: 'warning' },
  { id: 'node-key-expired', pattern: /nodeKeyExpired=true/, severity: 'warning' },
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
