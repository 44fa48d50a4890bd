import * as fs from 'fs';
import type { ErrorLine, MarkerTally } from '../../../shared/src/artifacts';
import { combined, type Marker } from './markers';
import { lineRecorder } from './lineIndex';
import { ripgrepLines } from './ripgrep';
import { runSteps, runStepsSync } from '../yielding';

/**
 * A streaming scan of one log for marker lines, in bounded memory: the file is read in chunks and
 * only matching lines (cut to MAX_TEXT characters) are kept. Lines are kept in two tiers, so the
 * thousands of `WRN` lines of a real headscale log never crowd out its few errors: the first
 * KEEP_ERRORS error lines and the first KEEP_WARNINGS warning lines. Counts are exact for both
 * tiers and per marker (with each marker's first line), which is what triage reads.
 *
 * Results are cached by the file's content identity (path, size, mtime) and the markers, never by
 * how many lines a caller wants: the Runs view and "errors with context" share one scan. When a
 * file only grew, the scan resumes where it stopped.
 */
export type { ErrorLine };

export interface ScanResult {
  errorCount: number;
  warningCount: number;
  /** The error tier: the first KEEP_ERRORS error lines, in file order. */
  errors: ErrorLine[];
  /** The warning tier: the first KEEP_WARNINGS warning lines, in file order. */
  warnings: ErrorLine[];
  /** Exact count and first line per marker id. */
  markers: Record<string, MarkerTally>;
  lines: number;
  bytes: number;
  /** Why the file was not (fully) scanned: binary, unreadable, vanished. */
  problem?: string;
}

/** Error lines kept per file (the largest view, errors with context, shows this many). */
export const KEEP_ERRORS = 1000;
/** Warning lines kept per file: a collapsed group nobody reads past the first screens. */
export const KEEP_WARNINGS = 200;
const MAX_TEXT = 500;
/** Characters of an unfinished line carried to the next chunk (a 2 GB line is never held whole). */
const MAX_CARRY = 64 * 1024;
const NEWLINE = 0x0a;
/**
 * 64 KB: chunk strings stay below V8's large-object size, so they die young instead of piling up
 * until a full GC. Measured on 1 GB: 1 MB chunks took 12.7 s with 223 MB peak growth, 64 KB chunks
 * 6.2 s with 39 MB (128 KB and up are as slow as 1 MB).
 */
const CHUNK = 1 << 16;
/**
 * Files at least this big go to ripgrep (a tailscaled log at --verbose=10 is megabytes); smaller
 * ones, like a log still being written, are scanned here and resume on append.
 */
export const RIPGREP_MIN_BYTES = 512 << 10;
/**
 * One read buffer for every JS scan. Scans may interleave (they yield between chunks), but each
 * chunk is read and decoded in one step, so no two scans use the buffer at once.
 */
const buffer = Buffer.allocUnsafe(CHUNK);

interface CacheEntry {
  /** Which markers produced it: other settings mean another scan. */
  key: string;
  size: number;
  mtimeMs: number;
  /** Where the last complete line ended: an appended file is scanned from here (-1: rescan whole)… */
  resumeAt: number;
  /** …continuing from the state after the complete lines (without the unfinished last line). */
  complete: ScanResult;
  /** What callers get: the complete lines plus the unfinished last line. */
  result: ScanResult;
}

const cache = new Map<string, CacheEntry>();

export function clearScanCache(): void {
  cache.clear();
}

function cacheKey(markers: readonly Marker[]): string {
  return markers.map((m) => `${m.id}\t${m.severity}\t${m.pattern.source}`).join('\n');
}

/** The cache entry for `file` when it was made with the same markers. */
function cached(file: string, key: string): CacheEntry | undefined {
  const hit = cache.get(file);
  return hit && hit.key === key ? hit : undefined;
}

/**
 * One log's scan. `limit` cuts each tier for the caller (a copy; the cached scan keeps
 * KEEP_ERRORS/KEEP_WARNINGS whatever the limit).
 */
export function scanFile(file: string, markers: readonly Marker[], limit?: number): ScanResult {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    return empty(`cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return limited(scanStatted(file, st, markers, cacheKey(markers)), limit);
}

function limited(r: ScanResult, limit: number | undefined): ScanResult {
  if (limit === undefined || (r.errors.length <= limit && r.warnings.length <= limit)) return r;
  return { ...r, errors: r.errors.slice(0, limit), warnings: r.warnings.slice(0, limit) };
}

function copy(r: ScanResult): ScanResult {
  return { ...r, errors: [...r.errors], warnings: [...r.warnings], markers: Object.fromEntries(Object.entries(r.markers).map(([k, v]) => [k, { ...v }])) };
}

/** scanFile for a file already stat'ed by the caller, in one go (the CLI, tests). */
function scanStatted(file: string, st: fs.Stats, markers: readonly Marker[], key: string): ScanResult {
  return runStepsSync(scanSteps(file, st, markers, key));
}

/** The scan itself; it pauses after each chunk so the server can let a hover in (yielding.ts). */
function* scanSteps(file: string, st: fs.Stats, markers: readonly Marker[], key: string): Generator<void, ScanResult> {
  const hit = cached(file, key);
  if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return hit.result;
  const appended = hit && st.size > hit.size && hit.resumeAt >= 0 && !hit.result.problem ? hit : undefined;
  const result: ScanResult = appended ? copy(appended.complete) : empty();
  const start = appended ? appended.resumeAt : 0;
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    return empty(`cannot open: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const any = combined(markers);
  const classifier = classifierFor(markers, key);
  // Multiline twin of `any` to test a whole chunk at once: in a sparse log most chunks have no
  // marker, and then only their newlines are counted.
  const anyInChunk = new RegExp(any.source, 'm');
  let position = start;
  let carry = '';
  let lineNo = appended ? appended.complete.lines : 0;
  let resumeAt = start;
  // The scan leaves a line index behind (the timeline seeks with it): at each chunk boundary it
  // knows which line starts where.
  const point = lineRecorder(file, st.size, st.mtimeMs, appended);
  try {
    for (;;) {
      point(lineNo, resumeAt);
      let n: number;
      // Read up to the size stat'ed before the scan: a log that grows while it is scanned (a live
      // run) cannot keep the scan going; what was appended is picked up by the next, resumed scan.
      if (position >= st.size) break;
      try {
        n = fs.readSync(fd, buffer, 0, Math.min(CHUNK, st.size - position), position);
      } catch (e) {
        result.problem = `read failed: ${(e as NodeJS.ErrnoException).code ?? String(e)}`;
        break;
      }
      if (n === 0) break;
      // A binary (or sparse) file: say so instead of scanning it.
      if (position === 0 && looksBinary(n)) {
        result.problem = 'binary file: not scanned';
        break;
      }
      position += n;
      // Inside a line already cut to MAX_CARRY (a sparse log's 600 MB hole), a chunk without a
      // newline changes nothing: skip it without decoding.
      if (carry.length >= MAX_CARRY && buffer.subarray(0, n).indexOf(NEWLINE) === -1) {
        yield;
        continue;
      }
      const text = carry + buffer.toString('utf8', 0, n);
      const lastNewline = text.lastIndexOf('\n');
      const complete = lastNewline < 0 ? '' : text.slice(0, lastNewline);
      carry = lastNewline < 0 ? text : text.slice(lastNewline + 1);
      // The resume point is just after the last newline (the carry then lies wholly in this chunk).
      if (lastNewline >= 0) resumeAt = position - Buffer.byteLength(carry);
      // Keep the carried partial line bounded (a 2 GB line must not be held in memory).
      if (carry.length > MAX_CARRY) carry = carry.slice(0, MAX_CARRY);
      if (lastNewline < 0) {
        yield; // a line longer than a chunk (a sparse log's hole) is still read between yields
        continue;
      }
      if (!anyInChunk.test(complete)) {
        lineNo += countNewlines(complete) + 1;
        yield;
        continue;
      }
      for (const raw of complete.split('\n')) {
        lineNo++;
        if (!any.test(raw)) continue;
        const lineText = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
        count(result, classifier, lineNo, lineText);
      }
      yield;
    }
  } finally {
    fs.closeSync(fd);
  }
  result.lines = lineNo;
  result.bytes = st.size;
  const complete = result;
  const final: ScanResult = carry && !complete.problem ? copy(complete) : complete;
  if (carry && !complete.problem) {
    final.lines++;
    const lineText = carry.endsWith('\r') ? carry.slice(0, -1) : carry;
    if (any.test(lineText)) count(final, classifier, final.lines, lineText);
  }
  cache.set(file, { key, size: st.size, mtimeMs: st.mtimeMs, resumeAt, complete, result: final });
  return final;
}

/**
 * Which marker a line counts under: the first, in order, that it matches. Most candidate lines of a
 * real log are `WRN` noise, which would fail every error marker before `zerolog-warn` one by one;
 * one test of the error markers' union settles that no error marker matches, and then only the
 * warning markers are tried (the first matching warning marker is then the first overall).
 */
interface Classifier {
  markers: readonly Marker[];
  anyError: RegExp | null;
  warnings: readonly Marker[];
}

const classifiers = new Map<string, Classifier>();

function classifierFor(markers: readonly Marker[], key: string): Classifier {
  let c = classifiers.get(key);
  if (c) return c;
  const errors = markers.filter((m) => m.severity === 'error');
  c = { markers, anyError: errors.length ? combined(errors) : null, warnings: markers.filter((m) => m.severity !== 'error') };
  // Settings change rarely: a handful of marker sets at most, never an unbounded map.
  if (classifiers.size >= 16) classifiers.clear();
  classifiers.set(key, c);
  return c;
}

function classify(c: Classifier, text: string): Marker | undefined {
  if (c.anyError && c.anyError.test(text)) return c.markers.find((m) => m.pattern.test(text));
  return c.warnings.find((m) => m.pattern.test(text));
}

/** Counts a candidate line under the first marker it matches and keeps it while its tier has room. */
function count(result: ScanResult, c: Classifier, line: number, text: string): void {
  const marker = classify(c, text);
  if (!marker) return;
  const tally = result.markers[marker.id];
  let entry: ErrorLine | undefined;
  const make = () => (entry ??= { line, text: detached(text.slice(0, MAX_TEXT)), marker: marker.id, severity: marker.severity, ...(marker.note ? { note: marker.note } : {}) });
  if (tally) tally.count++;
  else result.markers[marker.id] = { count: 1, first: make() };
  if (marker.severity === 'error') {
    result.errorCount++;
    if (result.errors.length < KEEP_ERRORS) result.errors.push(make());
  } else {
    result.warningCount++;
    if (result.warnings.length < KEEP_WARNINGS) result.warnings.push(make());
  }
}

/**
 * A copy of `text` that does not keep the string it was sliced from alive: V8 represents a
 * substring as a view of its parent, so a kept line would pin the whole 64 KB chunk (or ripgrep
 * output chunk) it came from. The concatenation is flattened into a string of the line's own size.
 */
function detached(text: string): string {
  return (' ' + text).slice(1);
}

/**
 * Scans many logs at once: unchanged files come from the cache, small or appended ones are scanned
 * here (resuming), and the rest go to one ripgrep call when `rg` is given. Never rejects.
 */
export async function scanFiles(files: readonly string[], markers: readonly Marker[], limit: number | undefined, rg: string | null): Promise<Map<string, ScanResult>> {
  const out = new Map<string, ScanResult>();
  const big: { file: string; st: fs.Stats }[] = [];
  const here: { file: string; st: fs.Stats }[] = [];
  const key = cacheKey(markers);
  for (const file of files) {
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      out.set(file, scanFile(file, markers, limit)); // which says why it cannot be read
      continue;
    }
    const hit = cached(file, key);
    const fresh = hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs;
    const resumable = hit && st.size > hit.size && hit.resumeAt >= 0;
    if (!rg || fresh || resumable || st.size < RIPGREP_MIN_BYTES || startsBinary(file)) here.push({ file, st });
    else big.push({ file, st });
  }
  // ripgrep starts first and reads the big logs on another core while the small ones are scanned here.
  const results = new Map(big.map(({ file }) => [file, empty()]));
  const classifier = classifierFor(markers, key);
  const points = new Map(big.map(({ file, st }) => [file, lineRecorder(file, st.size, st.mtimeMs)]));
  let current: string | undefined;
  let result: ScanResult | undefined;
  let point: ((line: number, offset: number) => void) | undefined;
  const pending = big.length
    ? ripgrepLines(rg!, combined(markers).source, big.map((b) => b.file), ({ file, line, offset, text }) => {
        // rg prints one file's matches together: look the file up when it changes, not per line.
        if (file !== current) {
          current = file;
          result = results.get(file);
          point = points.get(file);
        }
        if (!result) return;
        count(result, classifier, line, text);
        // Every match is a known line start: a noisy log's WRN lines make a dense line index.
        if (offset !== undefined) point?.(line - 1, offset);
      }, { byteOffsets: true })
    : null;
  for (const { file, st } of here) out.set(file, limited(await runSteps(scanSteps(file, st, markers, key)), limit));
  if (!pending) return sameOrder(files, out);
  const outcome = await pending;
  for (const { file, st } of big) {
    if (outcome.failed) {
      out.set(file, limited(await runSteps(scanSteps(file, st, markers, key)), limit)); // e.g. a user marker rg's regex engine rejects
      continue;
    }
    const result = results.get(file)!;
    result.bytes = st.size;
    const problem = outcome.problems.get(file);
    if (problem) result.problem = `cannot read: ${problem}`;
    // rg gives no line total or resume point: a grown file is rescanned whole (by rg, which is fast).
    else cache.set(file, { key, size: st.size, mtimeMs: st.mtimeMs, resumeAt: -1, complete: result, result });
    out.set(file, limited(result, limit));
  }
  return sameOrder(files, out);
}

/** The results in the callers' order (a Map iterates in insertion order). */
function sameOrder(files: readonly string[], out: Map<string, ScanResult>): Map<string, ScanResult> {
  return new Map(files.filter((f) => out.has(f)).map((f) => [f, out.get(f)!]));
}

/** How much of a file's head is sniffed for a NUL byte, the sign of a binary or sparse file. */
const SNIFF_BYTES = 8192;

/** Whether the first `n` bytes in the read buffer (a file's head) look binary. */
function looksBinary(n: number): boolean {
  return buffer.subarray(0, Math.min(n, SNIFF_BYTES)).includes(0);
}

/** A binary or sparse file, which the JS scan reports instead of scanning (so ripgrep never gets it). */
function startsBinary(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    return looksBinary(fs.readSync(fd, buffer, 0, SNIFF_BYTES, 0));
  } catch {
    return true; // unreadable: scanFile says why
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function empty(problem?: string): ScanResult {
  return { errorCount: 0, warningCount: 0, errors: [], warnings: [], markers: {}, lines: 0, bytes: 0, ...(problem ? { problem } : {}) };
}
