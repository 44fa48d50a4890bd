import type { Node } from 'web-tree-sitter';
import { classifyCall, type ClassifiedCall } from './classify';
import type { EwtCall, GoFile } from './goFile';
import { assignedNames, blockStatements, contains, parentOf, typeOf } from './syntax';
import type { Vocabulary } from './vocabulary';

/** EventuallyWithT calls whose callback parsed cleanly: rules skip half-typed ones. Once per model (most rules ask). */
export function completeEwtCalls(file: GoFile): EwtCall[] {
  let complete = file.memo.get('completeEwtCalls') as EwtCall[] | undefined;
  if (!complete) file.memo.set('completeEwtCalls', (complete = file.ewtCalls.filter((e) => e.body !== null && !e.call.hasError)));
  return complete;
}

/** Calls whose innermost EventuallyWithT callback is `ewt` (nested callbacks report their own). */
export function callsInCallback(ewt: EwtCall, file: GoFile, vocab: Vocabulary): ClassifiedCall[] {
  return (file.callsByEwt.get(ewt) ?? []).map((c) => classified(c, file, vocab));
}

/** Classification is asked for by several rules: compute it once per call per analysis. */
export function classified(call: Node, file: GoFile, vocab: Vocabulary): ClassifiedCall {
  let memo = file.memo.get('classified') as Map<number, ClassifiedCall> | undefined;
  if (!memo) file.memo.set('classified', (memo = new Map()));
  let c = memo.get(call.id);
  if (!c) memo.set(call.id, (c = classifyCall(call, file, vocab)));
  return c;
}

/** Every (EventuallyWithT, call inside its callback) pair of the file: the usual rule loop. */
export function* callbackCalls(file: GoFile, vocab: Vocabulary): Generator<{ ewt: EwtCall; c: ClassifiedCall }> {
  for (const ewt of completeEwtCalls(file)) {
    for (const c of callsInCallback(ewt, file, vocab)) yield { ewt, c };
  }
}

/** The callback's top-level statements. */
export function callbackStatements(ewt: EwtCall): Node[] {
  return blockStatements(ewt.body);
}

/** The top-level callback statement containing `node`. */
export function topStatementOf(ewt: EwtCall, node: Node): Node | null {
  return callbackStatements(ewt).find((s) => contains(s, node)) ?? null;
}

/** Whether a callback's text has a `for` at all, once per EventuallyWithT. */
const mayLoop = new WeakMap<EwtCall, boolean>();

/**
 * True when `node` is inside a `for` loop that is itself inside the callback. A callback whose
 * text has no `for` has no loop, and its calls are not walked up (a parent lookup descends from
 * the root).
 */
export function inLoopWithin(ewt: EwtCall, node: Node, text: string): boolean {
  let loops = mayLoop.get(ewt);
  if (loops === undefined) mayLoop.set(ewt, (loops = /\bfor\b/.test(text.slice(ewt.bodyStart, ewt.bodyEnd))));
  if (!loops) return false;
  let p = parentOf(node);
  while (p && ewt.body && p.id !== ewt.body.id) {
    if (typeOf(p) === 'for_statement') return true;
    p = parentOf(p);
  }
  return false;
}

/** A message that names what the block waits for, from its first external read. */
export function suggestedMessage(ewt: EwtCall, file: GoFile, vocab: Vocabulary): string {
  // Outside harness code the vocabulary means nothing: no call is known to be "the read".
  const read = file.harness ? callsInCallback(ewt, file, vocab).find((c) => c.kind === 'read') : undefined;
  return read ? `${read.label} should reach the expected state` : 'condition should eventually hold';
}

/** Fields of a Status that do not change while a test runs: reading them is not waiting. */
const STABLE_SELECTORS = /^\.Self\.(PublicKey|ID|UserID|HostName|DNSName|TailscaleIPs)\b/;
/** Accessors of identity that never changes once the node exists. */
const STABLE_METHODS = new Set(['MustID', 'GetNodePrivateKey']);

/**
 * What a read in a callback is for: a \`condition\` the tick judges; a \`stimulus\` whose output is
 * dropped (a fire-and-forget ping); or a \`stable\` value read only for identity (another client's
 * \`Status().Self.PublicKey\`, \`MustID()\`), which could be read once before the block.
 */
export type ReadRole = 'condition' | 'stimulus' | 'stable';

export function readRole(ewt: EwtCall, c: ClassifiedCall): ReadRole {
  if (STABLE_METHODS.has(c.method)) return 'stable';
  const up = parentOf(c.call);
  const stmt = up?.type === 'expression_list' ? parentOf(up) : up;
  if (stmt?.type === 'expression_statement') return 'stimulus';
  if (stmt?.type !== 'short_var_declaration' && stmt?.type !== 'assignment_statement') return 'condition';
  const names = assignedNames(stmt).map((n) => n.text).filter((n) => n !== '_');
  if (names.length === 0) return 'stimulus';
  const values = names.filter((n) => !/^err\w*$/.test(n));
  // Only the error kept: the call itself is what is checked (a ping that must succeed).
  if (values.length === 0) return 'condition';
  const text = ewt.body!.text;
  const from = stmt.endIndex - ewt.body!.startIndex;
  const uses = values.flatMap((n) => [...text.slice(from).matchAll(new RegExp(`\\b${n}\\b(\\S*)`, 'g'))].map((m) => m[1]));
  if (uses.length > 0 && uses.every((rest) => STABLE_SELECTORS.test(rest))) return 'stable';
  return 'condition';
}
