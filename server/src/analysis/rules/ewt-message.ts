import { completeEwtCalls, suggestedMessage } from '../callbacks';
import { quote, replaceNode } from '../edits';
import type { Rule } from '../rule';
import { stringValue } from '../syntax';

/**
 * Words that say the test is doing something, not what should become true: "waiting for",
 * "checking that", "verifying". They are dropped before judging a message.
 */
const PROCESS_PREFIX = /^(?:(?:wait(?:ing)?|check(?:ing)?|verify(?:ing)?|ensur(?:e|ing)|test(?:ing)?|validat(?:e|ing)|assert(?:ing)?|confirm(?:ing)?|poll(?:ing)?|get(?:ting)?|look(?:ing)?)\s+(?:for|that|if|whether|until|on)?\s*)+/i;

/**
 * Nouns that name an event, which a wait for it means will have happened: "waiting for
 * registration" is "registration has happened". Nominalisations (registration, propagation,
 * approval, removal, enrolment) and the usual one-word events of a test run.
 */
const EVENT_NOUN = /(?:tion|sion|ment|ance|ence|[vsw]al)$|^(?:re)?(?:login|logout|sync|handshake|failover|startup|shutdown|cleanup|restart|reconnect|expiry|teardown|takeover|rollout)$/i;

/**
 * A message is vague when, after the process words, fewer than two words remain and the one left
 * is not an event: a condition needs a subject and what should be true of it ("tags unchanged",
 * "HA setup complete"), or an event that should have happened ("waiting for registration"). A
 * lone thing ("routes", "checking routes", "wait") says what is looked at, not what should hold.
 */
export function isVagueMessage(value: string): boolean {
  const rest = value.trim().replace(PROCESS_PREFIX, '');
  const words = rest.split(/\s+/).filter((w) => /\w/.test(w));
  return words.length < 2 && !(words.length === 1 && EVENT_NOUN.test(words[0].replace(/\W+$/, '')));
}

export const rule: Rule = {
  id: 'ewt-message',
  defaultSeverity: 'warning',
  scope: 'test',
  doc: `Give every EventuallyWithT a descriptive message.
When the wait times out, testify prints "Condition never satisfied" followed by the message.
Without one, the failure in a 20-minute CI log says nothing about what was awaited. Say what
condition should become true ("route 10.0.0.0/24 should be approved on router"). A message is
flagged as vague (a hint) when, once words about the process ("waiting for", "checking",
"verifying") are dropped, fewer than two words remain and the one left is not an event:
"checking routes" names what is looked at, not what should hold; "tags unchanged", "waiting for
HA setup" and "waiting for registration" (an event that should have happened) pass.`,
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
          start: ewt.nameStart,
          end: ewt.nameEnd,
          message: 'EventuallyWithT has no message: on timeout the log says "Condition never satisfied" and the last tick\'s errors, not what was awaited. Describe the condition being awaited.',
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
          message: 'EventuallyWithT message is empty: on timeout the log says "Condition never satisfied" and the last tick\'s errors, not what was awaited.',
          fixes: [{ title: 'Fill in a descriptive message', edits: [replaceNode(msg, suggestion)], isPreferred: true }],
        });
      } else if (isVagueMessage(value)) {
        ctx.report({
          severity: 'hint',
          start: msg.startIndex,
          end: msg.endIndex,
          message: `Vague EventuallyWithT message ${quote(value)}: it names what is looked at, not what should hold. Say which condition should become true (subject and state), so a timeout explains itself.`,
          fixes: [{ title: 'Replace with a descriptive message', edits: [replaceNode(msg, suggestion)] }],
        });
      }
    }
  },
};
