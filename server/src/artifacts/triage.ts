import type { ErrorLine, Evidence, MarkerTally, Triage } from '../../../shared/src/artifacts';
import type { Marker } from './markers';

/**
 * Infrastructure or code? The guide: almost every failure is a code bug; infrastructure has
 * specific signatures (DNS resolution, container start timeouts or a stalled initialisation, port
 * conflicts, full disks, memory limits, Docker daemon errors). Infrastructure wins only when such a
 * signature is present and no crash is: a panic always means code. HTTP/2 stream errors are
 * symptoms and decide nothing.
 *
 * It reads exact per-marker tallies (count and first line per file), never a capped list of lines,
 * so ten thousand warnings cannot hide the one panic.
 */
export type { Triage };

export interface TriageInput {
  /** Run-relative path, in the guide's reading order. */
  file: string;
  markers: Record<string, MarkerTally>;
}

export interface TriageResult {
  triage: Triage;
  evidence: Evidence[];
}

const MAX_EVIDENCE = 5;

/** `extra` holds findings that are not marker lines (a stalled initialisation), as infrastructure evidence. */
export function triage(files: readonly TriageInput[], markers: readonly Marker[], extra: readonly Evidence[] = []): TriageResult {
  const kindOf = new Map(markers.map((m) => [m.id, m.kind]));
  const order = new Map(markers.map((m, i) => [m.id, i]));
  const of = (kind: Marker['kind']): Evidence[] =>
    files.flatMap((f) =>
      Object.entries(f.markers)
        .filter(([id]) => kindOf.get(id) === kind)
        .sort(([a], [b]) => (order.get(a) ?? 0) - (order.get(b) ?? 0))
        .map(([, t]) => evidence(f.file, t.first, t.count)),
    );
  const infra = [...of('infrastructure'), ...extra];
  const crash = of('crash');
  const failure = of('failure');
  if (infra.length && !crash.length) return { triage: 'infrastructure', evidence: infra.slice(0, MAX_EVIDENCE) };
  if (crash.length || failure.length) return { triage: 'code', evidence: [...crash, ...failure].slice(0, MAX_EVIDENCE) };
  return { triage: 'unknown', evidence: of('symptom').slice(0, MAX_EVIDENCE) };
}

function evidence(file: string, line: ErrorLine, count: number): Evidence {
  return { file, line: line.line, text: line.text, marker: line.marker, count, ...(line.note ? { note: line.note } : {}) };
}
