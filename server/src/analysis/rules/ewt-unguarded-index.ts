import type { Node } from 'web-tree-sitter';
import { callbackStatements, completeEwtCalls, topStatementOf } from '../callbacks';
import { insertLinesBefore, replaceNode } from '../edits';
import { enclosingEwt, queryIn, type EwtCall, type GoFile } from '../goFile';
import { blankedCode } from '../parts';
import type { Rule } from '../rule';
import { callArguments, callee, contains, GO_IDENTIFIER, indentOf, parentOf } from '../syntax';
import type { Fix } from '../types';

const GUARD_METHODS = /^(Len|NotEmpty|GreaterOrEqual|Greater|Less|LessOrEqual|Equal)$/;

export const rule: Rule = {
  id: 'ewt-unguarded-index',
  defaultSeverity: 'warning',
  scope: 'test',
  harnessOnly: true,
  doc: `Check the length before indexing inside EventuallyWithT.
On an early tick the slice is often shorter than it will be (nodes not registered yet, peers
not seen yet). \`nodes[0]\` then panics, and a panic in the callback goroutine kills the test
binary before teardown saves the logs. \`assert.Len(c, …)\` alone does not stop the tick: guard
with \`if !assert.Len(c, nodes, 2) { return }\`. Only a slice the tick reads counts (assigned in
the callback, or filled through \`&nodes\`): one set before the block, by the setup or an earlier
block, is the same on every tick.`,
  example: {
    incorrect: `assert.Len(c, nodes, 2)
requireNodeRouteCountWithCollect(c, nodes[0], 2, 2, 2)`,
    correct: `if !assert.Len(c, nodes, 2) {
    return
}
requireNodeRouteCountWithCollect(c, nodes[0], 2, 2, 2)`,
  },
  check(ctx) {
    for (const ewt of completeEwtCalls(ctx.file)) {
      const seen = new Set<string>();
      for (const n of queryIn(ewt.body!, '(index_expression operand: [(identifier) (selector_expression) (index_expression)] index: (int_literal)) @i')) {
        const operand = n.childForFieldName('operand')!;
        const index = n.childForFieldName('index')!;
        if (seen.has(operand.text) || enclosingEwt(ctx.file, n) !== ewt || !readByTick(ewt, ctx.file.text, operand.text) || isGuarded(ewt, n, operand.text, ctx.file.imports.require ?? 'require', ctx.file.imports.assert ?? 'assert')) continue;
        seen.add(operand.text);
        ctx.report({
          start: n.startIndex,
          end: n.endIndex,
          message: `\`${n.text}\` panics when a tick sees fewer elements, and a panic in the callback kills the test binary before logs are saved. Guard it with \`if !assert.… { return }\`.`,
          fixes: () => guardFix(ctx.file, ewt, n, operand.text, Number(index.text)),
        });
      }
    }
  },
};

/**
 * Whether the callback sets the variable an operand starts with (`nodes` of `nodes["router"]`):
 * on the left of `:=` or `=`, in a `var`, or passed as `&nodes` to be filled. Read from the
 * callback's code, comments and literals blanked.
 */
function readByTick(ewt: EwtCall, text: string, operand: string): boolean {
  const name = new RegExp(GO_IDENTIFIER, 'uy').exec(operand)?.[0];
  if (!name) return true;
  const code = blankedCode(text.slice(ewt.bodyStart, ewt.bodyEnd));
  const other = '[\\p{L}\\p{Nd}_.\\[\\]]+';
  return new RegExp(
    `(?<![\\p{L}\\p{Nd}_.])(?:${other}\\s*,\\s*)*${name}\\s*(?:,\\s*${other}\\s*)*:?=(?!=)|\\bvar\\s+(?:${other}\\s*,\\s*)*${name}(?![\\p{L}\\p{Nd}_])|(?<!&)&\\s*${name}(?![\\p{L}\\p{Nd}_])`,
    'u',
  ).test(code);
}

function mentions(node: Node, operand: string): boolean {
  return node.text.includes(operand);
}

function hasReturn(node: Node | null): boolean {
  return !!node && queryIn(node, '(return_statement) @r').length > 0;
}

function isGuarded(ewt: EwtCall, index: Node, operand: string, requireAlias: string, assertAlias: string): boolean {
  // Inside `if len(x) > 0 { … x[0] … }`, or `if assert.Len(c, x, 2) { … x[0] … }` (testify's
  // assertions return whether they held).
  for (let p = parentOf(index); p && p.id !== ewt.body!.id; p = parentOf(p)) {
    if (p.type === 'if_statement') {
      const condition = p.childForFieldName('condition');
      if (mentions(condition ?? p, `len(${operand})`)) return true;
      if (isGuardCall(condition, assertAlias, operand) && contains(p.childForFieldName('consequence') ?? p, index)) return true;
    }
    if (p.type === 'for_statement' && /range/.test(p.text.slice(0, 200))) return true;
  }
  const top = topStatementOf(ewt, index);
  for (const s of callbackStatements(ewt)) {
    if (top && s.startIndex >= top.startIndex) break;
    if (s.type === 'if_statement') {
      const cond = s.childForFieldName('condition');
      if (cond && mentions(cond, operand) && hasReturn(s.childForFieldName('consequence'))) return true;
    }
    if (s.type === 'expression_statement') {
      const call = s.namedChild(0);
      // require.X(…) stops the tick (with c) or the test (with t): either way no panic follows.
      if (call && isGuardCall(call, requireAlias, operand)) return true;
    }
  }
  return false;
}

/** `pkg.Len(…, operand, …)` and the other length checks, called on `pkg` (assert or require). */
function isGuardCall(node: Node | null, pkg: string, operand: string): boolean {
  const ce = node?.type === 'call_expression' ? callee(node) : null;
  return !!ce && ce.receiver === pkg && GUARD_METHODS.test(ce.name) && callArguments(node!).some((a) => mentions(a, operand));
}

function guardFix(file: GoFile, ewt: EwtCall, index: Node, operand: string, at: number): Fix[] {
  const top = topStatementOf(ewt, index);
  const collect = ewt.collectName;
  if (!top || !collect) return [];
  const q = ewt.collectQualifier;
  // Prefer upgrading an existing unguarded `assert.Len(c, x, n)` that precedes the access.
  for (const s of callbackStatements(ewt)) {
    if (s.startIndex >= top.startIndex) break;
    const call = s.type === 'expression_statement' ? s.namedChild(0) : null;
    const ce = call?.type === 'call_expression' ? callee(call) : null;
    const args = call ? callArguments(call) : [];
    if (ce && ce.receiver === q && GUARD_METHODS.test(ce.name) && args[0]?.text === collect && args.slice(1).some((a) => a.text === operand || a.text === `len(${operand})`)) {
      const indent = indentOf(file.text, s.startIndex);
      return [{ title: `Return from the tick when ${ce.name} fails`, edits: [replaceNode(s, `if !${call!.text} {\n${indent}\treturn\n${indent}}`)], isPreferred: true }];
    }
  }
  const check = at === 0 ? `${q}.NotEmpty(${collect}, ${operand})` : `${q}.Greater(${collect}, len(${operand}), ${at})`;
  return [{ title: `Guard with if !${check} { return }`, edits: [insertLinesBefore(file, top, [`if !${check} {`, '\treturn', '}'])], isPreferred: true }];
}
