import type { HiContainer } from '../../shared/src/docker';

/**
 * Wording both sidebar views use (sizes, ages, plurals, a container's one-line description), kept
 * below client/src/artifacts and client/src/docker so that neither imports the other. Pure.
 */

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[u]}`;
}

/** A whole-unit span of at least a minute: "5m", "3h", "2d" (null below a minute). */
export function formatSpan(seconds: number): string | null {
  if (seconds < 60) return null;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

/** "3h ago" from the run id's local timestamp. */
export function formatAge(startedAt: string, now: Date = new Date()): string {
  const seconds = Math.max(0, (now.getTime() - new Date(startedAt).getTime()) / 1000);
  if (!Number.isFinite(seconds)) return '';
  const span = formatSpan(seconds);
  return span ? `${span} ago` : 'just now';
}

/** The first `max` lines of a confirmation list, then "… and N more". */
export function listWithMore(lines: readonly string[], max: number): string[] {
  return lines.length > max ? [...lines.slice(0, max), `… and ${lines.length - max} more`] : [...lines];
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function containerAge(createdAt: number, now = Date.now()): string {
  const s = Math.max(0, (now - createdAt) / 1000);
  return formatSpan(s) ?? `${Math.floor(s)}s`;
}

export function containerDescription(c: HiContainer, now?: number): string {
  return `${c.role} · ${c.state} · ${containerAge(c.createdAt, now)} · ${c.image}`;
}

