import type { ErrorLine, Triage } from '../../../shared/src/artifacts';

/**
 * Infrastructure or code? The guide: almost every failure is a code bug; infrastructure has
 * specific signatures (DNS resolution, container start timeouts, port conflicts, full disks, memory
 * limits, Docker daemon errors). Infrastructure wins only when such a signature is present and no
 * panic is; the evidence lines are returned either way.
 */
export type { Triage };
const INFRA = [
  /failed to resolve|no DNS fallback candidates remain/,
  /container creation timeout|timed out waiting for container|context deadline exceeded.*container/i,
  /bind: address already in use/,
  /no space left on device/,
  /exceeded memory limit|MEMORY LIMIT VIOLATIONS/,
  /Cannot connect to the Docker daemon|Error response from daemon/,
];
const CODE = [/^panic: |fatal error: |POTENTIAL DEADLOCK/, /^\S+ (ERR|FTL|PNC) /, /Error Trace:|Condition never satisfied/, /--- FAIL: /];

export interface TriageResult {
  triage: Triage;
  evidence: { file: string; line: number; text: string }[];
}

export function triage(errors: { file: string; error: ErrorLine }[]): TriageResult {
  const infra = errors.filter((e) => INFRA.some((p) => p.test(e.error.text)));
  const code = errors.filter((e) => CODE.some((p) => p.test(e.error.text)));
  const panic = code.some((e) => /^panic: |fatal error: /.test(e.error.text));
  const pick = (list: typeof errors) => list.slice(0, 5).map((e) => ({ file: e.file, line: e.error.line, text: e.error.text }));
  if (infra.length && !panic) return { triage: 'infrastructure', evidence: pick(infra) };
  if (code.length) return { triage: 'code', evidence: pick(code) };
  return { triage: 'unknown', evidence: [] };
}
