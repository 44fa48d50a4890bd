import type { Node } from 'web-tree-sitter';
import type { Finding } from './types';

/**
 * The analyzer's bound on pathological nesting. Every rule looks at each EventuallyWithT's
 * callback, and a callback holds all the waits nested inside it, so the work grows with the
 * square of the nesting: 300 nested EventuallyWithT (30 KB) took seconds. Headscale nests at
 * most one level (which ewt-nested reports), so a declaration nested deeper than
 * MAX_EWT_NESTING gets one ewt-nested finding saying so, and no other rule runs on it.
 */
export const MAX_EWT_NESTING = 8;

/** The first EventuallyWithT past the limit: its method name's offsets. */
export interface TooDeep {
  start: number;
  end: number;
}

const NAME = 'EventuallyWithT';

/**
 * Whether EventuallyWithT calls nest more than MAX_EWT_NESTING deep in `unit` (whose text is
 * `text`), and where. The calls are found from the name's occurrences in the text, each resolved
 * with two `descendantForIndex` lookups (a query over a 1 100-line test cost 30 ms, an edit's
 * whole budget; `.parent` walks down from the root). An occurrence in a comment or a string is no
 * method name and does not count. Nesting is by call range, which a callback lies in; the search
 * stops at the first call past the limit, so 300 nested waits cost nine lookups.
 */
export function ewtNestingTooDeep(unit: Node, text: string): TooDeep | null {
  const mentions: number[] = [];
  for (let i = text.indexOf(NAME); i !== -1; i = text.indexOf(NAME, i + 1)) mentions.push(i);
  // Most declarations hold a few waits: fewer mentions than the limit cannot nest past it.
  if (mentions.length <= MAX_EWT_NESTING) return null;
  /** End offsets of the calls enclosing the current one (mentions come in document order). */
  const open: number[] = [];
  for (const at of mentions) {
    const call = callNamedAt(unit, text, at);
    if (!call) continue;
    while (open.length && open[open.length - 1] <= call.startIndex) open.pop();
    open.push(call.endIndex);
    if (open.length > MAX_EWT_NESTING) return { start: unit.startIndex + at, end: unit.startIndex + at + nameLength(text, at) };
  }
  return null;
}

/** `EventuallyWithT` or `EventuallyWithTf` at `at` in `text`. */
function nameLength(text: string, at: number): number {
  return text[at + NAME.length] === 'f' ? NAME.length + 1 : NAME.length;
}

/** The call `x.EventuallyWithT(f)(…)` whose method name is at `at` (in the unit's text), if it is one. */
function callNamedAt(unit: Node, text: string, at: number): Node | null {
  const end = at + nameLength(text, at);
  let paren = end;
  while (text[paren] === ' ' || text[paren] === '\t') paren++;
  if (text[paren] !== '(') return null;
  const start = unit.startIndex + at;
  const name = unit.descendantForIndex(start, unit.startIndex + end);
  if (name?.type !== 'field_identifier' || name.startIndex !== start || name.endIndex !== unit.startIndex + end) return null;
  // The smallest node holding the name and the `(` after it is the call (its arguments follow the name).
  const call = unit.descendantForIndex(start, unit.startIndex + paren + 1);
  return call?.type === 'call_expression' ? call : null;
}

/** The one finding for a declaration nested too deep to analyse (ruleId ewt-nested). */
export function tooDeepFinding(deep: TooDeep, severity: Finding['severity'], functionName: string | undefined): Finding {
  return {
    ruleId: 'ewt-nested',
    severity,
    message: `EventuallyWithT nested more than ${MAX_EWT_NESTING} deep: every inner wait runs its full timeout on each outer tick. hi workbench analyses at most ${MAX_EWT_NESTING} levels of nesting, so no other rule checked ${functionName ?? 'this declaration'}. Run the waits one after the other.`,
    start: deep.start,
    end: deep.end,
    related: [],
    fixes: [],
  };
}
