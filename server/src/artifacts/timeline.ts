import * as fs from 'fs';
import * as path from 'path';
import type { SummaryLink, TimelineResult } from '../../../shared/src/artifacts';
import { codeRefs } from '../../../shared/src/codeRefs';
import { lineAt, offsetOfLine } from './lineIndex';
import { lineTime } from './timestamps';
import { openRegular } from '../safeRead';

/**
 * One timeline for a run: the lines of all of its logs (headscale and every client) within ±N
 * seconds of a chosen line, merged by timestamp and prefixed with their container, so server and
 * client events read together (the guide's three terminals in one document).
 *
 * Logs are time-ordered, so each is entered by a binary search on byte offsets and read forward
 * only over the window. Line numbers come from the log's line index (lineIndex.ts: points the error
 * scan left behind), so only the bytes between the nearest point and the window are counted.
 * Lines without a timestamp inside the window (goroutine frames, wrapped text) follow the line
 * before them. Logs without timestamps are skipped and listed as such.
 */
const PROBE = 64 << 10;
const MAX_PER_FILE = 2000;
const MAX_TEXT = 1000;

export interface TimelineLog {
  path: string;
  relative: string;
}

interface Entry {
  ms: number;
  order: number;
  container: string;
  path: string;
  line: number;
  text: string;
}

export function timeline(logs: readonly TimelineLog[], anchor: { path: string; line: number }, seconds: number, moduleRoot: string): TimelineResult {
  const at = anchorTime(anchor.path, anchor.line);
  const name = path.basename(anchor.path);
  if (at === null) return { text: `# Timeline: ${name}:${anchor.line} has no timestamp before it, so there is no time to centre on.\n`, links: [], skipped: [] };
  const from = at - seconds * 1000;
  const to = at + seconds * 1000;
  const entries: Entry[] = [];
  const skipped: string[] = [];
  const cut: string[] = [];
  for (const [order, log] of logs.entries()) {
    const r = window(log.path, from, to);
    if (r === 'no-timestamps') {
      skipped.push(`${log.relative}: no timestamps`);
      continue;
    }
    if (r === 'unreadable') {
      skipped.push(`${log.relative}: cannot be read`);
      continue;
    }
    if (r.cut) cut.push(log.relative);
    const container = containerOf(log.relative);
    for (const l of r.lines) entries.push({ ms: l.ms, order, container, path: log.path, line: l.line, text: l.text });
  }
  // Stable: same-millisecond lines keep the guide's reading order (headscale first), then file order.
  entries.sort((a, b) => a.ms - b.ms || a.order - b.order || a.line - b.line);
  const out: string[] = [];
  const links: SummaryLink[] = [];
  out.push(`# Timeline: ±${seconds}s around ${name}:${anchor.line} (${new Date(at).toISOString()})`);
  out.push(`# ${entries.length} lines from ${logs.length - skipped.length} logs; each line: time, container, text. The container links to the line in its log.`);
  for (const s of skipped) out.push(`# skipped ${s}`);
  for (const c of cut) out.push(`# ${c}: only the first ${MAX_PER_FILE} lines of the window`);
  out.push('');
  const width = entries.reduce((w, e) => Math.max(w, e.container.length), 0);
  // One stat per source file, not per line: a window has hundreds of lines from the same callers.
  const known = new Map<string, boolean>();
  const inWorkspace = (file: string) => known.get(file) ?? (known.set(file, isFile(file)), known.get(file)!);
  for (const e of entries) {
    const mark = e.path === anchor.path && e.line === anchor.line ? '>' : ' ';
    const time = new Date(e.ms).toISOString().slice(11, 23);
    const prefix = `${mark} ${time}  `;
    links.push({ line: out.length, start: prefix.length, end: prefix.length + e.container.length, target: { path: e.path, line: e.line, inWorkspace: true } });
    const textAt = prefix.length + width + 2;
    for (const c of codeRefs(e.text)) {
      const file = c.relative ? path.join(moduleRoot, c.relative) : c.written;
      links.push({ line: out.length, start: textAt + c.start, end: textAt + c.end, target: { path: file, line: c.line, inWorkspace: !!c.relative && inWorkspace(file) } });
    }
    out.push(`${prefix}${e.container.padEnd(width)}  ${e.text}`);
  }
  return { text: out.join('\n') + '\n', links, skipped };
}

function containerOf(relative: string): string {
  return path.posix.basename(relative).replace(/\.(stderr|stdout)\.log$|\.log$/, '');
}

/** The time of `line` (1-based), or of the nearest timestamped line before it. */
function anchorTime(file: string, line: number): number | null {
  let fd: number;
  try {
    fd = openRegular(file, Number.MAX_SAFE_INTEGER).fd; // never a FIFO or device
  } catch {
    return null;
  }
  try {
    const st = fs.fstatSync(fd);
    const first = Math.max(0, line - 200);
    // Seeks through the log's line index (left by the error scan), counting only from the nearest point.
    const start = offsetOfLine(fd, file, st, first);
    const buf = Buffer.allocUnsafe(Math.min(PROBE * 4, Math.max(0, st.size - start)));
    const n = fs.readSync(fd, buf, 0, buf.length, start);
    const lines = buf.toString('utf8', 0, n).split('\n');
    const index = line - 1 - first;
    for (let i = Math.min(index, lines.length - 1); i >= 0; i--) {
      const ms = lineTime(lines[i]);
      if (ms !== null) return ms;
    }
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

/** The first timestamp at or after `offset` (from the next line start), with that line's start. */
function probe(fd: number, size: number, offset: number, buf: Buffer): { ms: number; start: number } | null {
  const n = fs.readSync(fd, buf, 0, Math.min(buf.length, size - offset), offset);
  if (n <= 0) return null;
  let i = 0;
  if (offset > 0) {
    const nl = buf.indexOf(10);
    if (nl === -1 || nl >= n) return null;
    i = nl + 1;
  }
  while (i < n) {
    let end = buf.indexOf(10, i);
    if (end === -1 || end > n) end = n;
    const ms = lineTime(buf.toString('latin1', i, Math.min(end, i + 40)));
    if (ms !== null) return { ms, start: offset + i };
    i = end + 1;
  }
  return null;
}

function window(file: string, from: number, to: number): { lines: { ms: number; line: number; text: string }[]; cut: boolean } | 'no-timestamps' | 'unreadable' {
  let fd: number;
  try {
    fd = openRegular(file, Number.MAX_SAFE_INTEGER).fd;
  } catch {
    return 'unreadable';
  }
  try {
    const st = fs.fstatSync(fd);
    const size = st.size;
    const buf = Buffer.allocUnsafe(PROBE);
    const head = probe(fd, size, 0, buf);
    if (!head || buf.subarray(0, Math.min(8192, size)).includes(0)) return 'no-timestamps';
    // Binary search: the last offset whose next timestamp is before `from`.
    let lo = 0;
    let hi = size;
    let start = head.ms >= from ? 0 : head.start;
    if (head.ms < from) {
      while (hi - lo > PROBE) {
        const mid = Math.floor((lo + hi) / 2);
        const p = probe(fd, size, mid, buf);
        if (p && p.ms < from) {
          lo = mid;
          start = p.start;
        } else hi = mid;
      }
    }
    let line = lineAt(fd, file, st, start);
    const lines: { ms: number; line: number; text: string }[] = [];
    let carry = '';
    let last: number | null = null;
    let pos = start;
    const chunk = Buffer.allocUnsafe(1 << 16);
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, pos);
      if (n <= 0) break;
      pos += n;
      const parts = (carry + chunk.toString('utf8', 0, n)).split('\n');
      carry = parts.pop()!.slice(0, 1 << 16);
      for (const raw of parts) {
        line++;
        const ms = lineTime(raw);
        if (ms !== null) last = ms;
        if (last === null || last < from) continue;
        if (last > to) return { lines, cut: false };
        lines.push({ ms: last, line, text: raw.replace(/\r$/, '').slice(0, MAX_TEXT) });
        if (lines.length >= MAX_PER_FILE) return { lines, cut: true };
      }
    }
    if (carry) {
      const ms = lineTime(carry) ?? last;
      if (ms !== null && ms >= from && ms <= to) lines.push({ ms, line: line + 1, text: carry.slice(0, MAX_TEXT) });
    }
    return { lines, cut: false };
  } catch {
    return 'unreadable';
  } finally {
    fs.closeSync(fd);
  }
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
