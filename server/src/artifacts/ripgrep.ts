import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { StringDecoder } from 'string_decoder';

/**
 * ripgrep finds marker lines in large logs: it reads files in parallel with SIMD literal
 * prefilters, so the server scans a gigabyte of control_logs faster than `grep` while holding only
 * the matching lines (see `npm run bench`). VS Code ships it (`@vscode/ripgrep`); the CLI and the
 * tests use `rg` from PATH. Without it the pure-JS scan in errorScan.ts does the same job, slower.
 */
export interface RgMatch {
  file: string;
  /** 1-based. */
  line: number;
  /** Where the line starts in the file (only when asked for: `byteOffsets`). */
  offset?: number;
  text: string;
}

export interface RgOptions {
  /** Stops reading a file after that many matches (a search's first screen). */
  maxPerFile?: number;
  /** Reports each line's byte offset (rg's --byte-offset), which the error scan keeps as a line index. */
  byteOffsets?: boolean;
}

export interface RgOutcome {
  /** Per-file failures reported by rg (vanished, unreadable). */
  problems: Map<string, string>;
  /** Set when rg could not run at all (missing binary, a pattern rg's regex engine rejects). */
  failed?: string;
}

/** The rg binary to use: an explicit path (VS Code's bundled one) if it exists, else `rg` on PATH. */
export function findRipgrep(explicit?: string | null): string | null {
  if (explicit && isExecutable(explicit)) return explicit;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, 'rg'))) return path.join(dir, 'rg');
  }
  return null;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Long lines are cut by rg itself so a 50 000-character line never crosses the pipe whole. */
const MAX_COLUMNS = 4096;
/** Keeps argv well under the kernel's limit. */
const FILES_PER_CALL = 400;

/**
 * Streams every line of `files` that `pattern` matches to `onMatch`, file by file (argv, no shell).
 */
export async function ripgrepLines(rg: string, pattern: string, files: readonly string[], onMatch: (m: RgMatch) => void, options: RgOptions = {}): Promise<RgOutcome> {
  const outcome: RgOutcome = { problems: new Map() };
  for (let i = 0; i < files.length && !outcome.failed; i += FILES_PER_CALL) {
    await runOnce(rg, pattern, files.slice(i, i + FILES_PER_CALL), onMatch, outcome, options);
  }
  return outcome;
}

function runOnce(rg: string, pattern: string, files: readonly string[], onMatch: (m: RgMatch) => void, outcome: RgOutcome, { maxPerFile, byteOffsets }: RgOptions): Promise<void> {
  const args = ['--no-config', '--heading', '--with-filename', '--line-number', ...(byteOffsets ? ['--byte-offset'] : []), '--null', '--text', '--max-columns', String(MAX_COLUMNS), '--max-columns-preview', ...(maxPerFile ? ['--max-count', String(maxPerFile)] : []), '--regexp', pattern, '--', ...files];
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(rg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      outcome.failed = `cannot start ripgrep: ${String(e)}`;
      resolve();
      return;
    }
    const decoder = new StringDecoder('utf8');
    const records = new RecordParser(onMatch, byteOffsets === true);
    let pending = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const text = pending + decoder.write(chunk);
      pending = text.slice(records.parse(text));
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
    });
    child.on('error', (e) => {
      outcome.failed = `cannot start ripgrep: ${e.message}`;
    });
    child.on('close', (code) => {
      if (pending) records.parse(pending + '\n');
      // Exit 2 means "an error happened"; per-file errors read `<path>: <message> (os error N)`.
      for (const line of stderr.split('\n')) {
        const m = /^(.*?): (.*?)(?: \(os error \d+\))?$/.exec(line);
        if (m && files.includes(m[1])) outcome.problems.set(m[1], m[2]);
        else if (code === 2 && line.trim() && !outcome.failed) outcome.failed = `ripgrep: ${line.trim()}`;
      }
      resolve();
    });
  });
}

/**
 * rg's output in heading mode: per file, its path and a NUL, then `<line>:<text>` records, one per
 * line (`<line>:<offset>:<text>` with --byte-offset), and a blank line before the next file (a matching empty line prints as `<line>:`, never
 * blank). The path crosses the pipe once per file instead of once per line: a gigabyte of noisy
 * logs sends hundreds of thousands of records, and headscale's paths are as long as its lines.
 * Records are parsed in place (the line number without a substring).
 */
class RecordParser {
  private file = '';
  private expectPath = true;

  constructor(
    private readonly onMatch: (m: RgMatch) => void,
    private readonly withOffsets: boolean,
  ) {}

  /** Emits every complete record in `text`; returns where the unfinished last one starts. */
  parse(text: string): number {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      this.record(text, start, nl);
      start = nl + 1;
    }
    return start;
  }

  private record(text: string, start: number, end: number): void {
    if (start === end) {
      this.expectPath = true;
      return;
    }
    if (this.expectPath) {
      // Only a heading holds a path: a NUL inside a matched (binary) line is text.
      const nul = text.indexOf('\0', start);
      if (nul < 0 || nul >= end) return;
      this.file = text.slice(start, nul);
      this.expectPath = false;
      start = nul + 1;
    }
    let line = 0;
    let i = start;
    for (let c = text.charCodeAt(i); c >= 48 && c <= 57; c = text.charCodeAt(++i)) line = line * 10 + (c - 48);
    if (i === start || i >= end || text.charCodeAt(i) !== 58 /* : */) return;
    const stop = text.charCodeAt(end - 1) === 13 /* \r */ ? end - 1 : end;
    if (!this.withOffsets) {
      this.onMatch({ file: this.file, line, text: text.slice(i + 1, stop) });
      return;
    }
    let offset = 0;
    const digits = ++i;
    for (let c = text.charCodeAt(i); c >= 48 && c <= 57; c = text.charCodeAt(++i)) offset = offset * 10 + (c - 48);
    if (i === digits || i >= end || text.charCodeAt(i) !== 58) return;
    this.onMatch({ file: this.file, line, offset, text: text.slice(i + 1, stop) });
  }
}
