import type { Node } from 'web-tree-sitter';
import { callbackCalls, callbackStatements } from '../callbacks';
import { deleteLines, linesOf } from '../edits';
import type { EwtCall, GoFile } from '../goFile';
import type { Rule } from '../rule';
import { declaredNames, outerDeclarations, references } from '../scopes';
import { assignedNames, callArguments, callee, calleeNode, indentOf, lineStartOffset, parentOf, reindent } from '../syntax';
import type { Fix } from '../types';

export const rule: Rule = {
  id: 'ewt-mutating-call',
  defaultSeverity: 'error',
  scope: 'test',
  harnessOnly: true,
  doc: `Never put a state-changing call inside EventuallyWithT.
The callback runs on every tick, so \`tailscale set\`, ApproveRoutes, CreateUser or a CLI
\`create\`/\`register\`/\`delete\` is repeated until the assertions pass: routes are advertised
twenty times, users created twice, and an error that should fail fast is retried into a
timeout. Run the mutation once before the block with require.NoError(t, err), then wait for its
effect.`,
  example: {
    incorrect: `assert.EventuallyWithT(t, func(c *assert.CollectT) {
    _, _, err = client.Execute([]string{"tailscale", "set", "--advertise-routes=10.0.0.0/24"})
    assert.NoError(c, err)
}, 10*time.Second, 100*time.Millisecond, "advertise routes")`,
    correct: `_, _, err = client.Execute([]string{"tailscale", "set", "--advertise-routes=10.0.0.0/24"})
require.NoError(t, err)
assert.EventuallyWithT(t, func(c *assert.CollectT) { … }, 10*time.Second, 100*time.Millisecond, "route should be advertised")`,
  },
  check(ctx) {
    for (const { ewt, c } of callbackCalls(ctx.file, ctx.vocab)) {
      if (c.kind !== 'mutating') continue;
      const fnNode = calleeNode(c.call);
      ctx.report({
        start: fnNode.startIndex,
        end: fnNode.endIndex,
        message: `\`${c.label}\` changes state; inside EventuallyWithT it runs again on every tick until the whole block passes. Run it once before the block and wait for its effect inside.`,
        related: [{ start: ewt.nameStart, end: ewt.nameEnd, message: 'the EventuallyWithT that retries it' }],
        fixes: () => moveOutFix(ctx.file, ewt, c.call),
      });
    }
  },
};

/** Moves the mutating statement (and an immediate `assert.NoError(c, err)` on its result) above the block. */
function moveOutFix(file: GoFile, ewt: EwtCall, call: Node): Fix[] {
  if (!ewt.statement) return [];
  const stmts = callbackStatements(ewt);
  const up = parentOf(call);
  const upper = up ? parentOf(up) : null;
  const idx = stmts.findIndex((s) => s.id === up?.id || s.id === upper?.id);
  if (idx < 0) return [];
  const stmt = stmts[idx];
  // The statement may only use names that exist outside the callback.
  if (references([stmt], declaredNames(stmts.slice(0, idx)))) return [];
  const assigned = new Set(assignedNames(stmt).map((n) => n.text));
  const outerIndent = indentOf(file.text, ewt.statement.startIndex);
  const innerIndent = indentOf(file.text, stmt.startIndex);
  let moved = reindent(linesOf(file, stmt), innerIndent, outerIndent).replace(/^[ \t]*/, outerIndent);
  // `_, err := …` outside, where err already exists, would be "no new variables": assign instead.
  const outer = outerDeclarations(ewt);
  if (stmt.type === 'short_var_declaration' && [...assigned].every((n) => n === '_' || outer.has(n))) {
    moved = moved.replace(':=', '=');
  }
  let last = stmt;
  const next = stmts[idx + 1];
  const check = next?.type === 'expression_statement' ? next.namedChild(0) : null;
  const checkCallee = check?.type === 'call_expression' ? callee(check) : null;
  const checkArgs = check ? callArguments(check) : [];
  if (
    checkCallee && /^NoErrorf?$/.test(checkCallee.name) &&
    (checkCallee.receiver === file.imports.assert || checkCallee.receiver === file.imports.require) &&
    checkArgs[0]?.text === ewt.collectName && checkArgs[1] && assigned.has(checkArgs[1].text)
  ) {
    const pkg = file.imports.require ?? checkCallee.receiver;
    const rest = checkArgs.slice(1).map((a) => a.text).join(', ');
    moved += `\n${outerIndent}${pkg}.${checkCallee.name}(${ewt.tName ?? 't'}, ${rest})`;
    last = next!;
  }
  // A `:=` result still read by the statements left in the callback would become undefined there.
  const remaining = stmts.slice(stmts.indexOf(last) + 1);
  if (stmt.type === 'short_var_declaration' && references(remaining, assigned)) return [];
  const at = lineStartOffset(file.text, ewt.statement.startIndex);
  return [
    {
      title: 'Move the state-changing call above the EventuallyWithT',
      edits: [{ start: at, end: at, newText: moved + '\n' }, deleteLines(file, stmt, last)],
      isPreferred: true,
    },
  ];
}
