import { completeEwtCalls, suggestedMessage } from '../callbacks';
import { quote, replaceNode } from '../edits';
import type { Rule } from '../rule';
import { stringValue } from '../syntax';

const GENERIC_VERBS = /^(check|checking|wait|waiting|verify|verifying|test|testing|get|getting)\b/i;

export const rule: Rule = {
  id: 'ewt-message',
  defaultSeverity: 'warning',
  scope: 'test',
  doc: `Give every EventuallyWithT a descriptive message.
When the wait times out, testify prints "Condition never satisfied" followed by the message.
Without one, the failure in a 20-minute CI log says nothing about what was awaited. Say what
condition should become true ("route 10.0.0.0/24 should be approved on router"); one-word or
generic messages ("checking routes") are flagged as hints.`,
  example: {
    incorrect: `}, 10*time.Second, 100*time.Millisecond)`,
    correct: `}, 10*time.Second, 100*time.Millisecond, "route should be advertised")`,
  },
  check(ctx) {
    for (const ewt of completeEwtCalls(ctx.file)) {
      const msg = ewt.messageArgs[0];
      const suggestion = quote(suggestedMessage(ewt, ctx.file, ctx.vocab));
      if (!msg) {
        if (!ewt.tick || !ewt.lastArg) continue;
        ctx.report({
          start: ewt.nameNode.startIndex,
          end: ewt.nameNode.endIndex,
          message: 'EventuallyWithT has no message: on timeout the log says only "Condition never satisfied". Describe the condition being awaited.',
          fixes: [{ title: 'Add a descriptive message', edits: [{ start: ewt.lastArg.endIndex, end: ewt.lastArg.endIndex, newText: `, ${suggestion}` }], isPreferred: true }],
        });
        continue;
      }
      const value = stringValue(msg);
      if (value === null) continue; // a variable or fmt.Sprintf: cannot judge
      const words = value.trim().split(/\s+/).filter(Boolean);
      if (words.length === 0) {
        ctx.report({
          start: msg.startIndex,
          end: msg.endIndex,
          message: 'EventuallyWithT message is empty: on timeout the log says only "Condition never satisfied".',
          fixes: [{ title: 'Fill in a descriptive message', edits: [replaceNode(msg, suggestion)], isPreferred: true }],
        });
      } else if (words.length < 3 || (GENERIC_VERBS.test(value.trim()) && words.length <= 3)) {
        ctx.report({
          severity: 'hint',
          start: msg.startIndex,
          end: msg.endIndex,
          message: `Vague EventuallyWithT message ${quote(value)}: say which condition should become true, so a timeout explains itself.`,
          fixes: [{ title: 'Replace with a descriptive message', edits: [replaceNode(msg, suggestion)] }],
        });
      }
    }
  },
};
