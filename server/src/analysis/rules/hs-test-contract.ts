import type { BaseRule } from '../contract/baseRule';

/** The comparison itself lives in ../contract/ (model.ts, compare.ts); this is the rule's face. */
export const rule: BaseRule = {
  id: 'hs-test-contract',
  defaultSeverity: 'warning',
  scope: 'test',
  doc: `Never weaken a test's expectations to make it pass.
Test expectations are contracts (the integration-tester guide): a changed expected value, a removed or
commented-out assertion, a removed test, subtest or table case, an added skip, or a weaker assertion
(Equal → NotNil, Len → GreaterOrEqual, require → assert on a precondition) is compared with the same
function at the base revision (HEAD, or headscale.contract.base) on the syntax tree. Moving an
assertion into an EventuallyWithT callback with t → c and the same expectation is the guide's fix and
is not flagged; nor are moved lines, reformatting, renamed variables or added assertions. A real
behaviour change is said out loud: //hi:contract-change -- <why>.`,
  example: {
    incorrect: `require.Len(t, nodes, 2) // was require.Len(t, nodes, 3) at HEAD`,
    correct: `require.EventuallyWithT(t, func(c *assert.CollectT) {
	nodes, err := headscale.ListNodes()
	assert.NoError(c, err)
	assert.Len(c, nodes, 3) // the original expectation, waited for
}, 10*time.Second, 200*time.Millisecond, "all nodes registered")`,
  },
};
