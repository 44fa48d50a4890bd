import type { Node } from 'web-tree-sitter';
import type { Finding, Fix, RelatedInfo, TextEdit } from './types';
import { methodCallAt, parentOf } from './syntax';
import { SORTED_LISTINGS } from './vocabulary';

/**
 * A function declaration is analysed in parts, so that typing inside one EventuallyWithT of a
 * 1 100-line test re-analyses that block, not the test: each *region* is an outermost
 * EventuallyWithT call, and the *frame* is everything else. A fresh analysis uses the same parts
 * (incremental equals fresh by construction). What a part's rules may see of another part:
 * - the frame sees a region only through its skeleton (identifiers, keywords, operators and the
 *   sorted listings' names);
 * - a region sees the frame verbatim and other regions through their skeletons.
 * So an edit inside one region that keeps its skeleton (a method name, a literal, a comment, the
 * expected value of an assertion) leaves every other part's findings valid. The rules hold up their
 * side: valuesAssignedBefore ignores other callbacks, order-assumption and unwrapped-read look only
 * at their own model's calls (see GoFile.opaque).
 */

export interface Region {
  start: number;
  end: number;
  /** Looked up when the region is analysed (regionNode): a kept region needs no node. */
  node: Node | null;
  text: string;
}

/** The EventuallyWithT call that spans exactly `region`, or null. */
export function regionNode(decl: Node, region: { start: number; end: number }): Node | null {
  let node: Node | null = decl.descendantForIndex(region.start, region.end);
  while (node && node.type !== 'call_expression' && node.startIndex === region.start && node.endIndex === region.end) node = parentOf(node);
  if (node?.type !== 'call_expression' || node.startIndex !== region.start || node.endIndex !== region.end) return null;
  const fn = node.childForFieldName('function');
  const field = fn?.type === 'selector_expression' ? fn.childForFieldName('field') : null;
  return field && /^EventuallyWithTf?$/.test(field.text) ? node : null;
}

const EWT_WORD = /\bEventuallyWithTf?\b/g;

/** The outermost `….EventuallyWithT(…)` calls of a declaration, in order. */
export function findRegions(decl: Node, text: string): Region[] {
  const start = decl.startIndex;
  const source = text.slice(start, decl.endIndex);
  const found: Region[] = [];
  EWT_WORD.lastIndex = 0;
  for (let m = EWT_WORD.exec(source); m; m = EWT_WORD.exec(source)) {
    const at = start + m.index;
    if (found.length && at < found[found.length - 1].end) continue;
    const call = methodCallAt(decl, at, m[0].length);
    if (!call) continue;
    const region: Region = { start: call.startIndex, end: call.endIndex, node: call, text: '' };
    // A receiver that itself holds an EventuallyWithT (found first) is inside this call.
    while (found.length && found[found.length - 1].start >= region.start) found.pop();
    found.push(region);
  }
  for (const r of found) r.text = text.slice(r.start, r.end);
  return found;
}

/**
 * Comments, string and rune literals, numbers, selected names (`.ListNodes`, `.Self`) and spacing
 * dropped: what other parts may read of a region. Go's lexical rules for these tokens are simple
 * and exact (no nested comments, no newlines in interpreted strings); anything unrecognised (an
 * unterminated string while typing) stays in the skeleton, which only means more re-analysis.
 */

const LITERALS_AND_COMMENTS = /\/\/[^\n]*|\/\*[\s\S]*?\*\/|"(?:\\.|[^"\\\n])*"|`[^`]*`|'(?:\\.|[^'\\\n])*'/g;

/** The code of a text with comments and the contents of literals dropped (same lexing as skeleton). */
export function codeOnly(text: string): string {
  return text.replace(LITERALS_AND_COMMENTS, (t) => (t[0] === '/' ? ' ' : '""'));
}

/** The same with every comment and literal blanked to spaces: offsets stay those of the text. */
export function blankedCode(text: string): string {
  return text.replace(LITERALS_AND_COMMENTS, (t) => t.replace(/[^\n]/g, ' '));
}

/** The offset of the bracket closing the one at `open` (in code without literals), or the end. */
export function closingBracket(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    const c = code[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return code.length;
}

const NOT_SKELETON = new RegExp(`${LITERALS_AND_COMMENTS.source}|\\.[ \\t]*[A-Za-z_]\\w*|\\b\\d[\\w.]*|\\s+`, 'g');

export function skeleton(text: string): string {
  return text.replace(NOT_SKELETON, (t) => {
    const c = t[0];
    // A sorted listing is followed across blocks (ewt-order-assumption): it stays.
    if (c === '.') return SORTED_LISTINGS.has(t.slice(1).trim()) ? t : '.';
    if (c === '"' || c === '`' || c === "'") return '""';
    if (c === '/' ) return ' ';
    if (c >= '0' && c <= '9') return '0';
    return ' ';
  }).replace(/ {2,}/g, ' ');
}

/**
 * The one span where two texts differ: [start, oldEnd) in the old text, [start, newEnd) in the new.
 * Common prefix and suffix by binary search over native slice comparisons (memcmp), not a loop
 * over characters: a 1 100-line test is 40 000 of them.
 */
export function changedSpan(oldText: string, newText: string): { start: number; oldEnd: number; newEnd: number } {
  const max = Math.min(oldText.length, newText.length);
  let lo = 0;
  let hi = max;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (oldText.slice(0, mid) === newText.slice(0, mid)) lo = mid;
    else hi = mid - 1;
  }
  const p = lo;
  lo = 0;
  hi = max - p;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (oldText.slice(oldText.length - mid) === newText.slice(newText.length - mid)) lo = mid;
    else hi = mid - 1;
  }
  return { start: p, oldEnd: oldText.length - lo, newEnd: newText.length - lo };
}

/** Every offset a finding holds: its range, related locations and fix edits. */
export function offsetsOf(f: Finding): number[] {
  const out = [f.start, f.end];
  for (const r of f.related) out.push(r.start, r.end);
  for (const fix of f.fixes) for (const e of fix.edits) out.push(e.start, e.end);
  return out;
}

/**
 * Applies `map` to every offset of the findings; null when any offset does not map (it pointed into
 * text that changed), so the caller analyses that part again instead of keeping half a finding. A
 * finding whose offsets all stay is kept as it is (most of them, before the edit), and so is the
 * list when none moves.
 */
export function mapFindings(findings: readonly Finding[], map: (o: number) => number | null): readonly Finding[] | null {
  let anyMoved = false;
  const out: Finding[] = [];
  for (const f of findings) {
    const start = map(f.start);
    const end = map(f.end);
    if (start === null || end === null) return null;
    const related = f.related.map((r) => movedRange(r, map));
    if (related.includes(null)) return null;
    let moved = start !== f.start || end !== f.end || related.some((r, i) => r !== f.related[i]);
    const fixes: Fix[] = [];
    for (const fix of f.fixes) {
      const edits = fix.edits.map((e) => movedRange(e, map));
      if (edits.includes(null)) return null;
      const editsMoved = edits.some((e, i) => e !== fix.edits[i]);
      moved ||= editsMoved;
      fixes.push(editsMoved ? { ...fix, edits: edits as TextEdit[] } : fix);
    }
    out.push(moved ? { ...f, start, end, related: related as RelatedInfo[], fixes } : f);
    anyMoved ||= moved;
  }
  return anyMoved ? out : findings;
}

/** `r` at its new offsets (itself when they stay), or null when one of them does not map. */
function movedRange<T extends { start: number; end: number }>(r: T, map: (o: number) => number | null): T | null {
  const start = map(r.start);
  const end = map(r.end);
  if (start === null || end === null) return null;
  return start === r.start && end === r.end ? r : { ...r, start, end };
}
