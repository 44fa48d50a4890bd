/**
 * `//hi:contract-change -- <why>`: a contract change said out loud. It covers a change on its own
 * line (trailing) or on the statement below it. Without a reason it covers nothing: a real
 * behaviour change should be explained in review, so the finding stays and asks for one.
 */
export interface Directive {
  /** 0-based line of the comment. */
  line: number;
  /** The text after `--`, trimmed; '' when there is none. */
  reason: string;
  start: number;
  end: number;
}

const DIRECTIVE = /\/\/\s*hi:contract-change\b[^\S\n]*(?:--[^\S\n]*([^\n]*))?/g;

export const CONTRACT_DIRECTIVE = '//hi:contract-change';

export function contractDirectives(text: string): Map<number, Directive> {
  const out = new Map<number, Directive>();
  if (!text.includes('hi:contract-change')) return out;
  for (const m of text.matchAll(DIRECTIVE)) {
    const start = m.index ?? 0;
    const line = lineOf(text, start);
    out.set(line, { line, reason: (m[1] ?? '').trim(), start, end: start + m[0].length });
  }
  return out;
}

/** The directive covering a change whose statement starts at `anchor` and which is reported at `at`. */
export function directiveFor(directives: Map<number, Directive>, text: string, anchor: number, at: number): Directive | null {
  if (directives.size === 0) return null;
  const first = lineOf(text, Math.min(anchor, at));
  const last = lineOf(text, Math.max(anchor, at));
  for (let line = first - 1; line <= last; line++) {
    const d = directives.get(line);
    if (d) return d;
  }
  return null;
}

function lineOf(text: string, offset: number): number {
  let line = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
