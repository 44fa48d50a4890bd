import type { Node } from 'web-tree-sitter';
import { callbackCalls, callbackStatements, readRole } from '../callbacks';
import type { EwtCall, GoFile } from '../goFile';
import { declaredNames, outerDeclarations, references } from '../scopes';
import { deleteLines, linesOf, replaceNode } from '../edits';
import type { Rule } from '../rule';
import { argumentsText, assignedNames, callee, indentOf, lineStartOffset, parentOf, reindent } from '../syntax';
import type { Fix } from '../types';

export const rule: Rule = {
  id: 'ewt-must-in-callback',
  defaultSeverity: 'warning',
  scope: 'test',
  harnessOnly: true,
  doc: `No Must* accessors inside EventuallyWithT.
Each tick runs in its own goroutine with no recover. When \`MustStatus()\` (or MustID, MustIPs…,
or a package helper like \`MustFindNode(name, nodes)\` that panics when the node is not listed yet)
panics, the panic kills the whole test binary: deferred teardown never runs, containers are
left behind and the run's logs are never saved. Call the error-returning variant and assert
on its error.`,
  example: {
    incorrect: `status := client.MustStatus()`,
    correct: `status, err := client.Status()
if !assert.NoError(c, err) {
    return
}`,
  },
  check(ctx) {
    const { file } = ctx;
    for (const { ewt, c } of callbackCalls(file, ctx.vocab)) {
      // A package helper such as MustFindNode(name, nodes): it panics when the node is not in
      // the list yet, which is what an early tick sees.
      if (!c.receiver && file.facts.panickingLookups.has(c.method)) {
        ctx.report({
          start: c.call.startIndex,
          end: c.call.endIndex,
          message: `\`${c.method}\` panics when it does not find what it looks for, which is what an early tick sees; the panic kills the test binary before logs are saved. Look the element up with a loop and \`if !assert.NotNil(${ewt.collectName ?? 'c'}, …) { return }\`.`,
        });
        continue;
      }
      if (!c.receiver || c.kind === 'testify' || !/^Must[A-Z]/.test(c.method)) continue;
      if (!ctx.vocab.mustVariants.has(c.method) && c.kind === 'other' && !/^Must(Status|ID|IP|FQDN)/.test(c.method)) continue;
      const safe = ctx.vocab.mustVariants.get(c.method) ?? null;
      ctx.report({
        start: c.call.startIndex,
        end: c.call.endIndex,
        message: `\`${c.label}\` panics on error; inside EventuallyWithT a panic kills the test binary before logs are saved.${safe ? ` Use \`${safe}()\` and assert on its error.` : ''}`,
        // A read only for identity (a peer key, a node ID) needs no retry: read it once, before.
        fixes: () => [...(readRole(ewt, c) === 'stable' ? hoistFix(file, ewt, c.call) : []), ...(safe ? mustFix(ewt, c.call, safe, file.text) : [])],
      });
    }
  },
};

/** Moves \`x := r.MustStatus()\` (used only for stable fields) above the EventuallyWithT. */
function hoistFix(file: GoFile, ewt: EwtCall, call: Node): Fix[] {
  if (!ewt.statement) return [];
  const stmts = callbackStatements(ewt);
  const up = parentOf(call);
  const upper = up ? parentOf(up) : null;
  const stmt = stmts.find((st) => st.id === upper?.id);
  if (!stmt || (stmt.type !== 'short_var_declaration' && stmt.type !== 'assignment_statement')) return [];
  // It may use only names from outside the callback, and must not redeclare an outer name.
  if (references([stmt], declaredNames(stmts.filter((st) => st.startIndex < stmt.startIndex)))) return [];
  if (stmt.type === 'short_var_declaration' && assignedNames(stmt).some((n) => outerDeclarations(ewt).has(n.text))) return [];
  const outerIndent = indentOf(file.text, ewt.statement.startIndex);
  const moved = reindent(linesOf(file, stmt), indentOf(file.text, stmt.startIndex), outerIndent).replace(/^[ \t]*/, outerIndent);
  const at = lineStartOffset(file.text, ewt.statement.startIndex);
  return [{ title: 'Read it once before the EventuallyWithT (the value does not change)', edits: [{ start: at, end: at, newText: moved + '\n' }, deleteLines(file, stmt)], isPreferred: true }];
}

/**
 * \`x := r.MustStatus()\` → \`x, err := r.Status()\` + \`if !assert.NoError(c, err) { return }\`;
 * \`x = r.MustStatus()\` (an outer variable) → \`x, err = r.Status()\`, declaring \`var err error\`
 * first when the callback has no err yet.
 */
function mustFix(ewt: EwtCall, call: Node, safe: string, text: string): Fix[] {
  const collect = ewt.collectName;
  const q = ewt.collectQualifier;
  const up = parentOf(call);
  const decl = up ? parentOf(up) : null;
  const isDecl = decl?.type === 'short_var_declaration';
  const isAssign = decl?.type === 'assignment_statement' && decl.childForFieldName('operator')?.text === '=';
  if (!collect || !decl || (!isDecl && !isAssign) || decl.childForFieldName('right')?.namedChildCount !== 1) return [];
  const names = assignedNames(decl);
  if (names.length !== 1 || names[0].text === '_') return [];
  const receiver = callee(call)?.receiver;
  if (!receiver) return [];
  const indent = indentOf(text, decl.startIndex);
  const args = `(${argumentsText(call)})`;
  const check = `\n${indent}if !${q}.NoError(${collect}, err) {\n${indent}\treturn\n${indent}}`;
  if (isDecl) {
    return [{ title: `Use ${safe}() and assert on its error`, edits: [replaceNode(decl, `${names[0].text}, err := ${receiver}.${safe}${args}${check}`)], isPreferred: true }];
  }
  const hasErr = declaredNames(callbackStatements(ewt).filter((st) => st.startIndex < decl.startIndex)).has('err');
  const head = hasErr ? '' : `var err error\n${indent}`;
  return [{ title: `Use ${safe}() and assert on its error`, edits: [replaceNode(decl, `${head}${names[0].text}, err = ${receiver}.${safe}${args}${check}`)], isPreferred: true }];
}
