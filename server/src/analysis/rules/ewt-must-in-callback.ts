import { callbackCalls } from '../callbacks';
import { replaceNode } from '../edits';
import type { Rule } from '../rule';
import { argumentsText, assignedNames, callee, indentOf } from '../syntax';
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
        fixes: safe ? mustFix(c.call, safe, ewt.collectName, ewt.collectQualifier, file.text) : [],
      });
    }
  },
};

function mustFix(call: import('web-tree-sitter').Node, safe: string, collect: string | null, q: string, text: string): Fix[] {
  const decl = call.parent?.parent;
  if (!collect || decl?.type !== 'short_var_declaration' || decl.childForFieldName('right')?.namedChildCount !== 1) return [];
  const names = assignedNames(decl);
  if (names.length !== 1) return [];
  const indent = indentOf(text, decl.startIndex);
  const receiver = callee(call)?.receiver;
  if (!receiver) return [];
  const args = `(${argumentsText(call)})`;
  return [
    {
      title: `Use ${safe}() and assert on its error`,
      edits: [replaceNode(decl, `${names[0].text}, err := ${receiver}.${safe}${args}\n${indent}if !${q}.NoError(${collect}, err) {\n${indent}\treturn\n${indent}}`)],
      isPreferred: true,
    },
  ];
}
