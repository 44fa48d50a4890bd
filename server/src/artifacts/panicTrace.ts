import * as fs from 'fs';
import { openRegular } from '../safeRead';
import { offsetOfLine } from './lineIndex';

/**
 * A Go crash as the runtime prints it, read from the log at the `panic:` (or `fatal error:`) line:
 * the message (with `[recovered]` re-panics and the `[signal …]` line), then the panicking
 * goroutine, which Go prints first, with its frames (function, then a tab and `file:line +0x…`)
 * down to `created by`. Other goroutines (GOTRACEBACK=all) come after a blank line and are left out.
 * The log is entered through its line index and at most READ_BYTES are read.
 */
export interface PanicFrame {
  /** `github.com/juanfont/headscale/hscontrol/mapper.(*Batcher).processChange(0xc000123400, …)`. */
  func: string;
  /** The frame's location line as written (tab, path:line, offset), for codeRefs. */
  location: string;
  /** 1-based line of the location in the log. */
  logLine: number;
  createdBy: boolean;
}

export interface PanicTrace {
  /** The message lines, each with its 1-based log line. */
  message: { line: number; text: string }[];
  /** `goroutine 412 [running]:` and its log line (null: the log ends before any goroutine). */
  goroutine: { line: number; text: string } | null;
  frames: PanicFrame[];
  /** Frames of the goroutine past MAX_FRAMES. */
  moreFrames: number;
}

const READ_BYTES = 64 << 10;
const MAX_MESSAGE_LINES = 6;
export const MAX_FRAMES = 10;
const MAX_TEXT = 400;
/** zerolog lines other goroutines wrote while the runtime printed the trace (stderr is shared). */
const INTERLEAVED = /^\S+ (?:TRC|DBG|INF|WRN|ERR|FTL|PNC) /;
const GOROUTINE = /^goroutine \d+ \[[^\]]*\]:?\s*$/;

/** The crash starting at 1-based `line` of `file`; null when it cannot be read or is not one. */
export function readPanic(file: string, line: number): PanicTrace | null {
  let lines: string[];
  try {
    lines = readFrom(file, line);
  } catch {
    return null;
  }
  if (!lines.length || !/^(?:panic|fatal error): |\bpanic: /.test(lines[0])) return null;
  const trace: PanicTrace = { message: [], goroutine: null, frames: [], moreFrames: 0 };
  let i = 0;
  let blank = false;
  for (; i < lines.length; i++) {
    const text = lines[i];
    if (GOROUTINE.test(text)) break;
    if (INTERLEAVED.test(text)) continue;
    if (text.trim() === '') blank = true;
    // The message ends at a blank line; what follows it is the goroutine, or the trace is cut.
    else if (blank) return trace;
    else if (trace.message.length < MAX_MESSAGE_LINES) trace.message.push({ line: line + i, text: cut(text) });
  }
  if (i >= lines.length) return trace;
  trace.goroutine = { line: line + i, text: lines[i].trim() };
  let func: { text: string; createdBy: boolean } | null = null;
  for (i++; i < lines.length; i++) {
    const text = lines[i];
    if (text.trim() === '' || GOROUTINE.test(text)) break; // the panicking goroutine ends here
    if (INTERLEAVED.test(text)) continue;
    if (text.startsWith('\t')) {
      if (!func) continue;
      if (trace.frames.length < MAX_FRAMES) trace.frames.push({ func: cut(func.text), location: cut(text.replace(/\r$/, '')), logLine: line + i, createdBy: func.createdBy });
      else trace.moreFrames++;
      func = null;
    } else func = { text: text.replace(/^created by /, '').replace(/\r$/, ''), createdBy: text.startsWith('created by ') };
  }
  return trace;
}

/** The lines from 1-based `line` on, within READ_BYTES (the last, possibly cut, line dropped). */
function readFrom(file: string, line: number): string[] {
  const { fd } = openRegular(file, Number.MAX_SAFE_INTEGER);
  try {
    const st = fs.fstatSync(fd);
    const start = offsetOfLine(fd, file, st, line - 1);
    const buf = Buffer.allocUnsafe(Math.min(READ_BYTES, Math.max(0, st.size - start)));
    const n = fs.readSync(fd, buf, 0, buf.length, start);
    const lines = buf.toString('utf8', 0, n).split('\n');
    if (start + n < st.size) lines.pop();
    return lines.map((l) => l.replace(/\r$/, ''));
  } finally {
    fs.closeSync(fd);
  }
}

function cut(text: string): string {
  return text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) + ' …' : text;
}
