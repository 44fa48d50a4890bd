import * as fs from 'fs';
import type { RunSearchResult, SearchFile } from '../../../shared/src/artifacts';
import { ripgrepLines } from './ripgrep';
import { openRegular } from '../safeRead';

/**
 * A regexp over all of a run's logs (a debug flow or "Search this run…"), grouped by file in the
 * guide's reading order. ripgrep does the reading and stops a file after `maxPerFile` matches, so
 * the first screen of a 100 MB run comes back in a fraction of a second; without ripgrep a
 * streaming JS scan does the same, slower. Never throws: a bad pattern is a message.
 */
const MAX_TEXT = 500;

export interface SearchTarget {
  path: string;
  relative: string;
}

export async function searchRun(files: readonly SearchTarget[], pattern: string, maxPerFile: number, rg: string | null): Promise<RunSearchResult> {
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch (e) {
    return { pattern, files: [], total: 0, error: `not a regular expression: ${(e as Error).message}` };
  }
  const byPath = new Map<string, SearchFile>(files.map((f) => [f.path, { path: f.path, relative: f.relative, matches: [], more: false }]));
  if (rg) {
    const outcome = await ripgrepLines(rg, pattern, files.map((f) => f.path), ({ file, line, text }) => {
      byPath.get(file)?.matches.push({ line, text: text.slice(0, MAX_TEXT) });
    }, { maxPerFile: maxPerFile + 1 });
    if (outcome.failed) return { pattern, files: [], total: 0, error: outcome.failed };
    for (const [file, problem] of outcome.problems) {
      const f = byPath.get(file);
      if (f) f.problem = problem;
    }
  } else {
    for (const f of byPath.values()) scanJs(f, re, maxPerFile + 1);
  }
  const out: SearchFile[] = [];
  for (const f of byPath.values()) {
    // One more than wanted was asked for: that one says "there is more".
    if (f.matches.length > maxPerFile) {
      f.matches.length = maxPerFile;
      f.more = true;
    }
    if (f.matches.length || f.problem) out.push(f);
  }
  return { pattern, files: out, total: out.reduce((n, f) => n + f.matches.length, 0) };
}

/** The fallback: a chunked line scan that stops at `max` matches; binary files are skipped. */
function scanJs(f: SearchFile, re: RegExp, max: number): void {
  let fd: number;
  try {
    fd = openRegular(f.path, Number.MAX_SAFE_INTEGER).fd; // never a FIFO or device
  } catch (e) {
    f.problem = (e as Error).message;
    return;
  }
  const buf = Buffer.allocUnsafe(1 << 16);
  let carry = '';
  let line = 0;
  let position = 0;
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, position);
      if (n === 0) break;
      if (position === 0 && buf.subarray(0, Math.min(n, 8192)).includes(0)) {
        f.problem = 'binary file: not searched';
        return;
      }
      position += n;
      const parts = (carry + buf.toString('utf8', 0, n)).split('\n');
      carry = parts.pop()!.slice(0, 1 << 16);
      for (const raw of parts) {
        line++;
        const text = raw.length > 4096 ? raw.slice(0, 4096) : raw;
        if (re.test(text)) f.matches.push({ line, text: text.replace(/\r$/, '').slice(0, MAX_TEXT) });
        if (f.matches.length >= max) return;
      }
    }
    if (carry && re.test(carry)) f.matches.push({ line: line + 1, text: carry.slice(0, MAX_TEXT) });
  } catch (e) {
    f.problem = `read failed: ${(e as NodeJS.ErrnoException).code ?? String(e)}`;
  } finally {
    fs.closeSync(fd);
  }
}
