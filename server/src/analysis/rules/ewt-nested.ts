import { completeEwtCalls } from '../callbacks';
import { callArguments, callee } from '../syntax';
import { MAX_EWT_NESTING } from '../nestingCap';
import type { Rule } from '../rule';

export const rule: Rule = {
  id: 'ewt-nested',
  defaultSeverity: 'error',
  scope: 'test',
  doc: `Never nest EventuallyWithT.
The inner block runs its whole timeout on every tick of the outer one, so the outer timeout is
meaningless and a failure multiplies into minutes of retries. The inner block also reports to
the outer t, not to the tick. Run the two waits one after the other.
A function with waits nested more than ${MAX_EWT_NESTING} deep gets one finding that says so, and no other rule
checks it: the analysis would take seconds.`,
  example: {
    incorrect: `assert.EventuallyWithT(t, func(c *assert.CollectT) {
    assert.EventuallyWithT(t, func(c2 *assert.CollectT) { … }, 5*time.Second, 100*time.Millisecond, "inner")
}, 10*time.Second, 500*time.Millisecond, "outer")`,
    correct: `assert.EventuallyWithT(t, func(c *assert.CollectT) { … }, 10*time.Second, 500*time.Millisecond, "nodes are listed")
assert.EventuallyWithT(t, func(c *assert.CollectT) { … }, 10*time.Second, 500*time.Millisecond, "client sees peers")`,
  },
  check(ctx) {
    for (const ewt of ctx.file.ewtCalls) {
      if (!ewt.parent || ewt.parent.call.hasError) continue;
      ctx.report({
        start: ewt.nameStart,
        end: ewt.nameEnd,
        message: 'EventuallyWithT nested inside another EventuallyWithT callback: the inner wait runs its full timeout on every outer tick. Run the waits one after the other.',
        related: [{ start: ewt.parent.nameStart, end: ewt.parent.nameEnd, message: 'the outer EventuallyWithT' }],
      });
    }
    for (const ewt of completeEwtCalls(ctx.file)) {
      for (const call of ctx.file.callsByEwt.get(ewt) ?? []) {
        const c = callee(call);
        if (!c || c.receiver || !ctx.file.functionsWithEwt.has(c.name)) continue;
        // `doSSHWithRetryAsUser(…, false)`: its EventuallyWithT runs only `if retry {`.
        const gate = ctx.file.facts.waitsOnlyWhen.get(c.name);
        if (gate !== undefined && callArguments(call)[gate]?.text === 'false') continue;
        ctx.report({
          start: c.nameStart,
          end: c.nameEnd,
          message: `\`${c.name}\` runs an EventuallyWithT itself; calling it from this callback nests the waits.`,
          related: [{ start: ewt.nameStart, end: ewt.nameEnd, message: 'the outer EventuallyWithT' }],
          relatedDeclarations: [{ name: c.name, message: `${c.name} is declared here` }],
        });
      }
    }
  },
};
