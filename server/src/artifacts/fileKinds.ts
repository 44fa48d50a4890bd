import * as path from 'path';
import type { FileKind } from '../../../shared/src/artifacts';

export type { FileKind };

/**
 * The kind of each artifact in a run folder, in the order the integration-test guide says to read
 * them: headscale server logs first, then tailscale clients, map responses, status dumps, netmaps,
 * the database snapshot, metrics and profiles.
 */
export const KIND_ORDER: readonly FileKind[] = ['hs-stderr', 'hs-stdout', 'ts-stderr', 'ts-stdout', 'log', 'mapresponse', 'status', 'netmap', 'database', 'metrics', 'pprof', 'record', 'other'];

/** Logs are what the error index scans. */
export const LOG_KINDS: ReadonlySet<FileKind> = new Set(['hs-stderr', 'hs-stdout', 'ts-stderr', 'ts-stdout', 'log']);

/** `relative` is the path inside the run folder, with `/` separators. */
export function kindOf(relative: string): FileKind {
  const base = path.posix.basename(relative);
  if (relative.startsWith('mapresponses/') || relative.includes('-mapresponses/')) return base.endsWith('.json') ? 'mapresponse' : 'other';
  if (relative.startsWith('pprof/') || relative.includes('-pprof/')) return 'pprof';
  if (base === 'hi-workbench-run.json') return 'record';
  if (/^hs-.*\.stderr\.log$/.test(base)) return 'hs-stderr';
  if (/^hs-.*\.stdout\.log$/.test(base)) return 'hs-stdout';
  if (/^ts-.*\.stderr\.log$/.test(base)) return 'ts-stderr';
  if (/^ts-.*\.stdout\.log$/.test(base)) return 'ts-stdout';
  if (base.endsWith('.log')) return 'log';
  if (base.endsWith('_status.json')) return 'status';
  if (base.endsWith('_netmap.json')) return 'netmap';
  if (base.endsWith('.db')) return 'database';
  if (base.endsWith('_metrics.txt')) return 'metrics';
  return 'other';
}
