import type { Node } from 'web-tree-sitter';
import type { Finding } from './types';
import { parentOf } from './syntax';

/**
 * The analyzer's bound on pathological nesting. Every rule looks at each EventuallyWithT's
 * callback, and a callback holds all the waits nested inside it, so the work grows with the
 * square of the nesting: 300 nested EventuallyWithT (30 KB) took seconds. Headscale nests at
 * most one level (which ewt-nested reports), so a declaration nested deeper than
 * MAX_EWT_NESTING gets one ewt-nested finding saying so, and no other rule runs on it.
 */
export const MAX_EWT_NESTING = 8;

export interface TooDeep {
  depth: number;
  /** The method name of the first EventuallyWithT past the limit. */
  at: Node;
}

/**
 * How deep EventuallyWithT calls nest in `unit` (whose text is `text`): null when within
 * MAX_EWT_NESTING. The calls are found from the name's occurrences in the text, each resolved to
 * its node (a query over a 1 100-line test costs tens of milliseconds, an edit's whole budget);
 * mentions in comments and strings resolve to other nodes and do not count. Nesting is by call
 * range, which a callback lies in.
 */
export function ewtNestingTooDeep(unit: Node, text: string): TooDeep | null {
  const mentions: number[] = [];
  for (let i = text.indexOf('EventuallyWithT'); i !== -1; i = text.indexOf('EventuallyWithT', i + 1)) mentions.push(unit.startIndex + i);
  // Most declarations hold a few waits: fewer mentions than the limit cannot nest past it.
  if (mentions.length <= MAX_EWT_NESTING) return null;
  /** End offsets of the calls enclosing the current one (mentions come in document order). */
  const open: number[] = [];
  let deepest = 0;
  let at: Node | null = null;
  for (const offset of mentions) {
    const name = unit.descendantForIndex(offset, offset + 'EventuallyWithT'.length);
    if (name?.type !== 'field_identifier' || !/^EventuallyWithTf?$/.test(name.text)) continue;
    const call = parentOf(parentOf(name) ?? name);
    if (call?.type !== 'call_expression') continue;
    while (open.length && open[open.length - 1] <= call.startIndex) open.pop();
    open.push(call.endIndex);
    if (open.length > deepest) deepest = open.length;
    if (!at && open.length > MAX_EWT_NESTING) at = name;
  }
  return at ? { depth: deepest, at } : null;
}

/** The one finding for a declaration nested too deep to analyse (ruleId ewt-nested). */
export function tooDeepFinding(deep: TooDeep, severity: Finding['severity'], functionName: string | undefined): Finding {
  return {
    ruleId: 'ewt-nested',
    severity,
    message: `EventuallyWithT nested ${deep.depth} deep: every inner wait runs its full timeout on each outer tick. hi workbench analyses at most ${MAX_EWT_NESTING} levels of nesting, so no other rule checked ${functionName ?? 'this declaration'}. Run the waits one after the other.`,
    start: deep.at.startIndex,
    end: deep.at.endIndex,
    related: [],
    fixes: [],
  };
}
