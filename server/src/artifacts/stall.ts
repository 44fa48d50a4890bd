import * as fs from 'fs';
import type { Evidence } from '../../../shared/src/artifacts';
import { formatRunDuration } from '../../../shared/src/hiCommand';
import { lineTime } from './timestamps';

/**
 * The guide's "Container Creation Timeouts" without a message to match: "Tests hang indefinitely
 * at container startup phase. Detection: No progress in logs for >2 minutes during
 * initialization." Initialisation is headscale's log up to the first client connection; a gap of
 * more than two minutes between two of its lines there, or a log that stops before any client
 * connected while the run went on for more than two minutes, is the signature.
 *
 * Only the head of the log is read (initialisation is its first lines), so a 2 GB log costs one
 * bounded read.
 */
export const STALL_SECONDS = 120;
const HEAD_BYTES = 4 << 20;
/** A client has registered and is being served: initialisation is over. */
const INIT_DONE = /node has connected|\bnode connected\b/;

const cache = new Map<string, { size: number; mtimeMs: number; endMs: number | null; result: Evidence | null }>();

/**
 * `relative` names the log in the evidence; `endMs` is when the run ended (run record, else the
 * newest file of the run), used when the log stops during initialisation. Never throws.
 */
export function initStall(file: string, relative: string, endMs: number | null): Evidence | null {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return null;
  }
  const hit = cache.get(file);
  if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs && hit.endMs === endMs) return hit.result;
  let result: Evidence | null = null;
  try {
    result = detect(file, relative, st.size, endMs);
  } catch {
    result = null; // unreadable or vanished: the scan reports it
  }
  cache.set(file, { size: st.size, mtimeMs: st.mtimeMs, endMs, result });
  return result;
}

function detect(file: string, relative: string, size: number, endMs: number | null): Evidence | null {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.allocUnsafe(Math.min(size, HEAD_BYTES));
    const n = fs.readSync(fd, head, 0, head.length, 0);
    if (head.subarray(0, Math.min(n, 8192)).includes(0)) return null; // binary or sparse
    const lines = head.toString('utf8', 0, n).split('\n');
    // The last element is a partial line unless the whole file was read.
    if (n < size) lines.pop();
    let previous: { ms: number; line: number } | null = null;
    for (const [i, raw] of lines.entries()) {
      const ms = lineTime(raw);
      if (ms === null) continue;
      if (previous && ms - previous.ms > STALL_SECONDS * 1000) {
        return stall(relative, previous.line, `no log progress for ${span(ms - previous.ms)} during initialisation (lines ${previous.line}–${i + 1}, before any client connected)`);
      }
      if (INIT_DONE.test(raw)) return null;
      previous = { ms, line: i + 1 };
    }
    // Megabytes of log without a client connection is a long run, not one stuck at startup.
    if (n < size) return null;
    const last = previous;
    if (last && endMs !== null && endMs - last.ms > STALL_SECONDS * 1000) {
      return stall(relative, last.line, `no log progress for ${span(endMs - last.ms)} during initialisation: the log stops at line ${last.line} and no client ever connected`);
    }
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

function stall(file: string, line: number, text: string): Evidence {
  return { file, line, text, marker: 'init-stall' };
}

function span(ms: number): string {
  return formatRunDuration(Math.round(ms / 1000));
}
