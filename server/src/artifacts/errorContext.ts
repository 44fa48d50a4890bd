import * as fs from 'fs';
import * as path from 'path';
import type { ErrorsWithContextResult } from '../../../shared/src/artifacts';
import { StringDecoder } from 'string_decoder';
import { openRegular } from '../safeRead';
import { scanFiles } from './errorScan';
import type { Marker } from './markers';

/** At most this many errors in the virtual document (the scan counts them all). */
const MAX_ERRORS = 1000;
const MAX_LINE = 2000;

/**
 * "Errors with context" for logs too large for VS Code to tokenise: each error with `context`
 * lines around it, read in one streaming pass that keeps only a ring of the last lines. Each block
 * header maps back to the error's line in the original log.
 */
export async function errorsWithContext(file: string, context: number, markers: readonly Marker[], rg: string | null): Promise<ErrorsWithContextResult> {
  // Only a regular file is scanned: opening a FIFO would wait for a writer forever.
  let fd: number;
  try {
    fd = openRegular(file, Number.MAX_SAFE_INTEGER).fd;
  } catch (e) {
    return { text: `# Errors with context: ${path.basename(file)}\n# ${(e as Error).message}\n`, links: [] };
  }
  try {
    return await withContext(file, fd, context, markers, rg);
  } finally {
    fs.closeSync(fd);
  }
}

async function withContext(file: string, fd: number, context: number, markers: readonly Marker[], rg: string | null): Promise<ErrorsWithContextResult> {
  const scan = (await scanFiles([file], markers, MAX_ERRORS, rg)).get(file)!;
  const header = [`# Errors with context: ${path.basename(file)}`, `# ${scan.errorCount} errors, ${scan.warningCount} warnings${scan.errorCount + scan.warningCount > MAX_ERRORS ? ` (first ${MAX_ERRORS} shown)` : ''}; ${context} lines around each. Each "── line N" header links to the log.`];
  if (scan.problem) header.push(`# ${scan.problem}`);
  const out = [...header, ''];
  const links: ErrorsWithContextResult['links'] = [];
  const wanted = scan.errors.map((e) => e.line);
  if (!wanted.length || scan.problem) return { text: out.join('\n') + '\n', links };

  const ring: { n: number; text: string }[] = [];
  let next = 0; // index into wanted of the next error to open a block for
  let printedUpTo = 0; // last log line already written
  let blockEnd = 0; // last line the current block wants
  const write = (n: number, text: string) => {
    const mark = wanted.includes(n) ? '>' : ' ';
    if (mark === '>') links.push({ line: out.length, target: n });
    out.push(`${mark}${String(n).padStart(8)}  ${text.length > MAX_LINE ? text.slice(0, MAX_LINE) + ' …' : text}`);
    printedUpTo = n;
  };
  let n = 0;
  try {
    for await (const text of boundedLines(fd, MAX_LINE + 1)) {
      n++;
      while (next < wanted.length && wanted[next] - context <= n) {
        const error = scan.errors[next];
        if (error.line - context > printedUpTo + 1 || printedUpTo === 0) {
          if (printedUpTo) out.push('');
          links.push({ line: out.length, target: error.line });
          out.push(`── line ${error.line} · ${error.marker}`);
          for (const r of ring) if (r.n >= error.line - context && r.n > printedUpTo) write(r.n, r.text);
        }
        blockEnd = Math.max(blockEnd, error.line + context);
        next++;
      }
      if (n <= blockEnd && n > printedUpTo) write(n, text);
      ring.push({ n, text });
      if (ring.length > context) ring.shift();
      if (next >= wanted.length && n >= blockEnd) break;
    }
  } catch (e) {
    out.push('', `# reading stopped: ${(e as Error).message}`);
  }
  return { text: out.join('\n') + '\n', links };
}

const CHUNK = 1 << 20;

/**
 * The file's lines, each cut to `keep` characters, from a descriptor. Unlike readline, a line is
 * never held whole: a 600 MB line (a sparse log, a dump without newlines) costs `keep` characters,
 * not a RangeError that leaves the request unanswered. Yields between chunks so the server keeps
 * answering while a multi-gigabyte log is read.
 */
export async function* boundedLines(fd: number, keep: number): AsyncGenerator<string> {
  const buffer = Buffer.allocUnsafe(CHUNK);
  const decoder = new StringDecoder('utf8');
  let position = 0;
  let current = '';
  for (;;) {
    const n = await new Promise<number>((resolve, reject) => fs.read(fd, buffer, 0, CHUNK, position, (err, bytes) => (err ? reject(err) : resolve(bytes))));
    if (n === 0) break;
    position += n;
    // Inside a line already cut to `keep` (a sparse log's hole), a chunk without a newline adds
    // nothing: skip decoding it. Whatever the decoder still holds can only end up in that line.
    if (current.length >= keep && buffer.subarray(0, n).indexOf(0x0a) === -1) continue;
    const text = decoder.write(buffer.subarray(0, n));
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      if (current.length < keep) current += text.slice(from, Math.min(nl, from + keep - current.length));
      yield current.endsWith('\r') ? current.slice(0, -1) : current;
      current = '';
      from = nl + 1;
    }
    if (current.length < keep) current += text.slice(from, from + keep - current.length);
  }
  current += decoder.end();
  if (current) yield current.slice(0, keep);
}
