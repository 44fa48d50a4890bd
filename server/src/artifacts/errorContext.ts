import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import type { ErrorsWithContextResult } from '../../../shared/src/artifacts';
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
  const stream = fs.createReadStream(file, { encoding: 'utf8' });
  const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const raw of lines) {
      n++;
      const text = raw.length > MAX_LINE ? raw.slice(0, MAX_LINE + 1) : raw;
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
  } finally {
    lines.close();
    stream.destroy();
  }
  return { text: out.join('\n') + '\n', links };
}
