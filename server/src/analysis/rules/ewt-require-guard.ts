import { callbackCalls } from '../callbacks';
import { replaceNode } from '../edits';
import type { Rule } from '../rule';
import { callArguments, indentOf, parentOf } from '../syntax';

export const rule: Rule = {
  id: 'ewt-require-guard',
  defaultSeverity: 'warning',
  scope: 'test',
  doc: `Guard against panics with a retry-safe check, not require on t.
\`require.X(t, …)\` inside the callback is often meant to stop an index or nil access from
panicking. But it ends the whole test on the first tick where the state has not converged yet,
which defeats the retry, and it calls t.FailNow off the test goroutine. \`if !assert.X(c, …) {
return }\` ends only this tick and lets the next one try again.`,
  example: {
    incorrect: `require.GreaterOrEqual(t, len(nodes), 3, "need at least 3 nodes")`,
    correct: `if !assert.GreaterOrEqual(c, len(nodes), 3, "need at least 3 nodes") {
    return
}`,
  },
  check(ctx) {
    const { file } = ctx;
    for (const { ewt, c } of callbackCalls(file, ctx.vocab)) {
      if (c.kind !== 'testify' || c.receiver !== file.imports.require || c.method.startsWith('EventuallyWithT')) continue;
      const [first, ...rest] = callArguments(c.call);
      if (!first || first.type !== 'identifier' || !ewt.outerTNames.has(first.text)) continue;
      const q = ewt.collectQualifier;
      const stmt = parentOf(c.call);
      const collect = ewt.collectName;
      const fixes =
        collect && stmt?.type === 'expression_statement'
          ? [
              {
                title: `Rewrite as if !${q}.${c.method}(${collect}, …) { return }`,
                edits: [
                  replaceNode(
                    stmt,
                    `if !${q}.${c.method}(${[collect, ...rest.map((a) => a.text)].join(', ')}) {\n${indentOf(file.text, stmt.startIndex)}\treturn\n${indentOf(file.text, stmt.startIndex)}}`,
                  ),
                ],
              },
            ]
          : [];
      ctx.report({
        start: c.call.startIndex,
        end: c.call.endIndex,
        message: `\`${c.receiver}.${c.method}(${first.text}, …)\` ends the whole test on the first tick where the state has not converged yet. Use \`if !${q}.${c.method}(${collect ?? 'c'}, …) { return }\` to end only this tick.`,
        fixes,
      });
    }
  },
};
