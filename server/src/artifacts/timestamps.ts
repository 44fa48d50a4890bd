/**
 * When a log line was written, from its leading timestamp: headscale's zerolog console time
 * (RFC 3339, `2026-07-21T09:30:12Z` or with an offset and fractions) or Go's std-log prefix
 * (`2026/07/21 09:30:08`, tailscaled and hi; container clocks run in UTC, so it is read as UTC).
 * Null for lines without one (continuations, goroutine dumps, go test output).
 */
const RFC3339 = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)?/;
const STDLOG = /^(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)(\.\d+)?/;

export function lineTime(line: string): number | null {
  const c = line.charCodeAt(0);
  if (c < 48 || c > 57) return null; // not a digit: cheap exit for most non-timestamped lines
  const m = RFC3339.exec(line) ?? STDLOG.exec(line);
  if (!m) return null;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], m[7] ? Math.floor(Number(m[7]) * 1000) : 0);
  const zone = m[8];
  if (!zone || zone === 'Z') return ms;
  const sign = zone[0] === '-' ? 1 : -1;
  const digits = zone.slice(1).replace(':', '');
  return ms + sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}
