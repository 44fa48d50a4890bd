import * as fs from 'fs';

/**
 * Known (line, byte offset) pairs per log, so the timeline can seek to a line instead of counting
 * newlines from the top of an 80 MB headscale log. The error scan leaves them behind for free: the
 * JS scan knows the line and offset at every chunk boundary, ripgrep prints each match's byte
 * offset (`--byte-offset`), and a headscale log has a WRN line every few lines. Counting here
 * records points too, so a log is counted at most once.
 *
 * Points are kept about SPACING bytes apart and belong to one content identity (size, mtime): a
 * changed log starts over. `line` is 0-based: the number of newlines before `offset`.
 */
export interface LinePoint {
  line: number;
  offset: number;
}

/** One point per 256 KB: counting from the nearest point reads at most that much. */
const SPACING = 256 << 10;
/** Logs remembered: far more than a listing's runs hold, bounded all the same. */
const MAX_FILES = 4096;

interface Entry {
  size: number;
  mtimeMs: number;
  /** Ascending by offset (and so by line). */
  points: LinePoint[];
}

const index = new Map<string, Entry>();

export function clearLineIndex(): void {
  index.clear();
}

function entryFor(file: string, size: number, mtimeMs: number): Entry {
  let e = index.get(file);
  if (!e || e.size !== size || e.mtimeMs !== mtimeMs) {
    // Map order is insertion order: the oldest entry goes first.
    if (!e && index.size >= MAX_FILES) index.delete(index.keys().next().value!);
    e = { size, mtimeMs, points: [{ line: 0, offset: 0 }] };
    index.set(file, e);
  }
  return e;
}

/** Adds a point (kept when it lies SPACING past the last one; points arrive in file order). */
function add(e: Entry, line: number, offset: number): void {
  const last = e.points[e.points.length - 1];
  if (offset >= last.offset + SPACING && line > last.line) e.points.push({ line, offset });
}

/**
 * A recorder for one scan of `file` at (size, mtime). `from` is the identity a resumed scan
 * continues (an appended log keeps the points of what it had).
 */
export function lineRecorder(file: string, size: number, mtimeMs: number, from?: { size: number; mtimeMs: number }): (line: number, offset: number) => void {
  const prior = from ? index.get(file) : undefined;
  const e = entryFor(file, size, mtimeMs);
  if (prior && from && prior !== e && prior.size === from.size && prior.mtimeMs === from.mtimeMs && e.points.length === 1) e.points = [...prior.points];
  return (line, offset) => add(e, line, offset);
}

/** The last known point at or before `target` (a line index or a byte offset). */
function nearest(e: Entry, target: { line: number } | { offset: number }): LinePoint {
  const key = 'line' in target ? 'line' : 'offset';
  const value = 'line' in target ? target.line : target.offset;
  let lo = 0;
  let hi = e.points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (e.points[mid][key] <= value) lo = mid;
    else hi = mid - 1;
  }
  return e.points[lo];
}

const buffer = Buffer.allocUnsafe(1 << 20);

/** Newlines before `offset` in the open log `fd` (of size and mtime `st`), from the nearest known point. */
export function lineAt(fd: number, file: string, st: { size: number; mtimeMs: number }, offset: number): number {
  const e = entryFor(file, st.size, st.mtimeMs);
  return count(fd, e, nearest(e, { offset }), Math.min(offset, st.size)).line;
}

/** Where 0-based `line` starts in the open log `fd` (the file's size when it has fewer lines). */
export function offsetOfLine(fd: number, file: string, st: { size: number; mtimeMs: number }, line: number): number {
  const e = entryFor(file, st.size, st.mtimeMs);
  const p = nearest(e, { line });
  return p.line === line ? p.offset : count(fd, e, p, st.size, line).offset;
}

/**
 * Counts newlines forward from `p` up to byte `end`, recording points; with `stopLine`, stops
 * where that line starts. Returns the line and offset where it stopped (`end` when it ran out).
 */
function count(fd: number, e: Entry, p: LinePoint, end: number, stopLine?: number): LinePoint {
  let line = p.line;
  // The next offset worth a point (add() would drop the ones before it): one compare per newline.
  let next = e.points[e.points.length - 1].offset + SPACING;
  for (let pos = p.offset; pos < end; ) {
    const n = fs.readSync(fd, buffer, 0, Math.min(buffer.length, end - pos), pos);
    if (n <= 0) break;
    const view = buffer.subarray(0, n);
    for (let i = view.indexOf(10); i !== -1; i = view.indexOf(10, i + 1)) {
      line++;
      if (pos + i + 1 >= next) {
        add(e, line, pos + i + 1);
        next = e.points[e.points.length - 1].offset + SPACING;
      }
      if (line === stopLine) return { line, offset: pos + i + 1 };
    }
    pos += n;
  }
  return { line, offset: end };
}
