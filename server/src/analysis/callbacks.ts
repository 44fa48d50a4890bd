import type { Node } from 'web-tree-sitter';
import { classifyCall, type ClassifiedCall } from './classify';
import type { EwtCall, GoFile } from './goFile';
import { blockStatements, contains, parentOf } from './syntax';
import type { Vocabulary } from './vocabulary';

/** EventuallyWithT calls whose callback parsed cleanly: rules skip half-typed ones. */
export function completeEwtCalls(file: GoFile): EwtCall[] {
  return file.ewtCalls.filter((e) => e.body !== null && !e.call.hasError);
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

/** True when `node` is inside a `for` loop that is itself inside the callback. */
export function inLoopWithin(ewt: EwtCall, node: Node): boolean {
  let p = parentOf(node);
  while (p && ewt.body && p.id !== ewt.body.id) {
    if (p.type === 'for_statement') return true;
    p = parentOf(p);
  }
  return false;
}

/** A message that names what the block waits for, from its first external read. */
export function suggestedMessage(ewt: EwtCall, file: GoFile, vocab: Vocabulary): string {
  const read = callsInCallback(ewt, file, vocab).find((c) => c.kind === 'read');
  return read ? `${read.label} should reach the expected state` : 'condition should eventually hold';
}
