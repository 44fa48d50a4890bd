import type { Node } from 'web-tree-sitter';
import { completeEwtCalls } from '../callbacks';
import { queryIn, type EwtCall } from '../goFile';
import { firstReadAfter, outerDeclaration, outerDeclarations } from '../scopes';
import type { Rule } from '../rule';
import { assignedNames, blockStatements, contains, memoPerNode, mentionsWord } from '../syntax';
import type { Fix, TextEdit } from '../types';
import { insertLinesBefore } from '../edits';
import { blankedCode } from '../parts';

export const rule: Rule = {
  id: 'ewt-shadowed-result',
  defaultSeverity: 'error',
  scope: 'test',
  doc: `Assign results with =, not :=, when they are used after the EventuallyWithT.
\`:=\` inside the callback declares a new variable that shadows the outer one. The outer
variable keeps its zero value, so code after the block reads nil or an empty slice: the test
then fails (or passes) for the wrong reason. Declare the variable before the block and assign it
with \`=\` inside. When a later block assigns the outer variable before it is read, the read sees
that value instead: the finding is then a warning (this block's result is likely lost), and it
points at that assignment.`,
  example: {
    incorrect: `var nodes []*v1.Node
assert.EventuallyWithT(t, func(c *assert.CollectT) {
    nodes, err := headscale.ListNodes()
    assert.NoError(c, err)
}, 10*time.Second, 500*time.Millisecond, "nodes should be listed")
require.Len(t, nodes, 2) // nodes is still nil`,
    correct: `var nodes []*v1.Node
assert.EventuallyWithT(t, func(c *assert.CollectT) {
    var err error
    nodes, err = headscale.ListNodes()
    assert.NoError(c, err)
}, 10*time.Second, 500*time.Millisecond, "nodes should be listed")`,
  },
  check(ctx) {
    for (const ewt of completeEwtCalls(ctx.file)) {
      if (!ewt.statement) continue;
      for (const n of queryIn(ewt.body!, '(short_var_declaration) @d')) {
        for (const id of assignedNames(n)) {
          // (Read once: a node's text is a lookup across the wasm boundary.)
          const name = id.text;
          if (name === '_') continue;
          // \`err :=\` in a callback is the idiom for the tick's own error; an outer err read much
          // later checks some other call. Only a check right after the block expects this one
          // (so a next statement that does not mention it settles the question without a search).
          const isErr = /^err\w*$/.test(name);
          const next = isErr ? nextStatement(ewt.statement!) ?? ewt.statement! : null;
          if (next && !mentionsWord(next.text, name)) continue;
          const decl = outerDeclaration(ewt, ctx.file.text, name);
          if (!decl) continue;
          const use = firstReadAfter(ewt.statement!, ctx.file.text, name);
          if (!use) continue;
          if (next && !contains(next, use)) continue;
          // Another block that assigns the outer variable before the read (route_test.go's
          // TestAutoApproveMultiNetwork) makes the read see that value: likely a lost result, not
          // certainly a nil read.
          const setFirst = assignmentBetween(ctx.file.text, name, ewt.statement!.endIndex, use.startIndex);
          ctx.report({
            start: id.startIndex,
            end: id.endIndex,
            ...(setFirst === null
              ? { message: `\`${name} :=\` declares a new variable that shadows the outer \`${name}\`; this block never sets the outer one, which is read after the EventuallyWithT. Assign it with \`=\`.` }
              : {
                  severity: 'warning' as const,
                  message: `\`${name} :=\` declares a new variable that shadows the outer \`${name}\`; this block never sets the outer one, and only a later assignment does before it is read. Assign it with \`=\` if this block's result is meant.`,
                }),
            related: [
              { start: decl.startIndex, end: decl.endIndex, message: `outer ${name} declared here` },
              ...(setFirst === null ? [] : [{ start: setFirst, end: setFirst + name.length, message: `outer ${name} assigned here first` }]),
              { start: use.startIndex, end: use.endIndex, message: `outer ${name} read here, not set by the block` },
            ],
            fixes: () => assignFix(ewt, n, outerDeclarations(ewt), (lines) => insertLinesBefore(ctx.file, n, lines)),
          });
        }
      }
    }
  },
};

/**
 * Where `name` is assigned with `=` (alone or in a list) in [from, to) of the text, comments and
 * literals blanked (what is left is what other parts' skeletons keep), or null.
 */
function assignmentBetween(text: string, name: string, from: number, to: number): number | null {
  const code = blankedCode(text.slice(from, to));
  const pattern = new RegExp(`(?<![\\w.])((?:[\\w.]+\\s*,\\s*)*)${name}\\s*(?:,\\s*[\\w.]+\\s*)*=(?!=)`, 'g');
  const m = pattern.exec(code);
  return m ? from + m.index + m[1].length : null;
}

/** Once per statement: each `err :=` of its callback asks, and a sibling is a walk of the parent's children. */
const nextStatement = memoPerNode((stmt: Node): Node | null => {
  let n = stmt.nextNamedSibling;
  while (n && n.type === 'comment') n = n.nextNamedSibling;
  return n;
});

/** `:=` → `=`, hoisting `var err error` for new error variables; nothing when a type is unknown. */
function assignFix(ewt: EwtCall, decl: Node, outer: Map<string, Node>, hoist: (lines: string[]) => TextEdit): Fix[] {
  const declaredBefore = new Set<string>();
  for (const s of blockStatements(ewt.body)) {
    if (s.startIndex >= decl.startIndex) break;
    if (s.type === 'short_var_declaration') assignedNames(s).forEach((id) => declaredBefore.add(id.text));
  }
  const fresh = assignedNames(decl)
    .map((id) => id.text)
    .filter((n) => n !== '_' && !outer.has(n) && !declaredBefore.has(n));
  if (fresh.some((n) => !/^err\w*$/.test(n))) return [];
  const op = decl.children.find((c) => c?.type === ':=');
  if (!op || !contains(decl, op)) return [];
  const edits = [{ start: op.startIndex, end: op.endIndex, newText: '=' }];
  if (fresh.length > 0) edits.unshift(hoist(fresh.map((n) => `var ${n} error`)));
  return [{ title: 'Assign with = (keep the outer variable)', edits, isPreferred: true }];
}
