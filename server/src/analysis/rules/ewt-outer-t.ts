import type { Node } from 'web-tree-sitter';
import { callbackCalls } from '../callbacks';
import { replaceNode } from '../edits';
import type { Rule } from '../rule';
import { argumentsText, callArguments, calleeNode, firstArgumentName, indentOf, parentOf } from '../syntax';
import type { Fix } from '../types';

const T_FAILERS = new Set(['Error', 'Errorf', 'Fatal', 'Fatalf', 'Fail', 'FailNow']);

export const rule: Rule = {
  id: 'ewt-outer-t',
  defaultSeverity: 'error',
  scope: 'test',
  doc: `Assert on the CollectT inside the callback, not on t.
EventuallyWithT retries only the failures collected on its CollectT. An assertion on the outer
t fails the test for good on the first tick, before the state had a chance to converge, and it
runs off the test goroutine. Pass the callback's CollectT (c) to assertions and use the
\`…WithCollect\` variant of helpers.`,
  example: {
    incorrect: `assert.EventuallyWithT(t, func(c *assert.CollectT) {
    nodes, err := headscale.ListNodes()
    assert.NoError(t, err)
}, 10*time.Second, 500*time.Millisecond, "nodes should be listed")`,
    correct: `assert.EventuallyWithT(t, func(c *assert.CollectT) {
    nodes, err := headscale.ListNodes()
    assert.NoError(c, err)
}, 10*time.Second, 500*time.Millisecond, "nodes should be listed")`,
  },
  check(ctx) {
    const { file } = ctx;
    for (const { ewt, c } of callbackCalls(file, ctx.vocab)) {
      const collect = ewt.collectName;
      const assertCall = c.kind === 'testify' && c.receiver === file.imports.assert;
      // The first argument is read only for the calls that can pass t (assert.X, helper(t, …)),
      // and as a node only for a finding.
      const firstName = assertCall || c.receiver === null ? firstArgumentName(c.call, file.text) : null;
      const first = firstName !== null && ewt.outerTNames.has(firstName) ? callArguments(c.call)[0] : undefined;
      // assert.X(t, …)
      if (assertCall && first && !c.method.startsWith('EventuallyWithT')) {
        ctx.report({
          start: c.call.startIndex,
          end: c.call.endIndex,
          message: `\`${c.receiver}.${c.method}(${first.text}, …)\` inside the callback fails the whole test on the first tick instead of retrying; pass the CollectT${collect ? ` \`${collect}\`` : ''}.`,
          related: [{ start: ewt.nameStart, end: ewt.nameEnd, message: 'the EventuallyWithT' }],
          fixes: collect ? [{ title: `Use ${collect} instead of ${first.text}`, edits: [replaceNode(first, collect)], isPreferred: true }] : [],
        });
        continue;
      }
      // a := assert.New(t); a.X(…)
      const obj = c.receiver ? file.assertObjects.get(c.receiver) : undefined;
      if (c.kind === 'testify' && obj?.pkg === 'assert' && ewt.outerTNames.has(obj.tName) && !c.method.startsWith('EventuallyWithT')) {
        const argText = argumentsText(c.call).trim();
        const q = ewt.collectQualifier;
        ctx.report({
          start: c.call.startIndex,
          end: c.call.endIndex,
          message: `\`${c.receiver}\` is \`assert.New(${obj.tName})\`: its assertions report to the test, not the tick. Use \`${q}.${c.method}(${collect ?? 'c'}, …)\`.`,
          fixes: collect
            ? [{ title: `Use ${q}.${c.method}(${collect}, …)`, edits: [replaceNode(c.call, `${q}.${c.method}(${collect}${argText ? ', ' + argText : ''})`)], isPreferred: true }]
            : [],
        });
        continue;
      }
      // t.Errorf / t.FailNow …
      if (c.receiver && ewt.outerTNames.has(c.receiver) && T_FAILERS.has(c.method)) {
        ctx.report({
          start: c.call.startIndex,
          end: c.call.endIndex,
          message: `\`${c.receiver}.${c.method}\` inside the callback fails the test for good; report on the CollectT${collect ? ` \`${collect}\`` : ''} so the tick is retried.`,
          fixes: collect ? tFailerFix(c.method, c.call, collect, file.text) : [],
        });
        continue;
      }
      // helper(t, …) where helperWithCollect exists
      if (c.receiver === null && first) {
        const variant = `${c.method}WithCollect`;
        if (file.functions.has(variant) || file.facts.collectHelpers.has(variant) || ctx.vocab.collectHelpers.has(variant)) {
          ctx.report({
            start: c.call.startIndex,
            end: c.call.endIndex,
            message: `\`${c.method}(${first.text}, …)\` asserts on the test; call \`${variant}(${collect ?? 'c'}, …)\` inside the callback.`,
            fixes: collect
              ? [{ title: `Call ${variant}(${collect}, …)`, edits: [replaceNode(calleeNode(c.call), variant), replaceNode(first, collect)], isPreferred: true }]
              : [],
          });
        }
      }
    }
  },
};

function tFailerFix(method: string, call: Node, collect: string, text: string): Fix[] {
  const argText = `(${argumentsText(call)})`;
  if (method === 'Errorf') return [{ title: `Use ${collect}.Errorf`, edits: [replaceNode(call, `${collect}.Errorf${argText}`)], isPreferred: true }];
  if (method === 'FailNow') return [{ title: `Use ${collect}.FailNow`, edits: [replaceNode(call, `${collect}.FailNow()`)], isPreferred: true }];
  if (method === 'Fatalf' && parentOf(call)?.type === 'expression_statement') {
    const indent = indentOf(text, call.startIndex);
    return [{ title: `Use ${collect}.Errorf and ${collect}.FailNow`, edits: [replaceNode(call, `${collect}.Errorf${argText}\n${indent}${collect}.FailNow()`)] }];
  }
  return [];
}
