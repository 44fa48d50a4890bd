import type { BaseRule } from '../contract/baseRule';

/** The finding itself is computed in ../contract/testDocs.ts; this is the rule's face. */
export const rule: BaseRule = {
  id: 'hs-test-doc',
  defaultSeverity: 'information',
  scope: 'test',
  doc: `Document the integration tests you add.
The guide asks for godoc on every test whose purpose you understand: its purpose, then "The test
verifies:" bullets, so the next maintainer knows which business rule or security policy it guards.
Reported for top-level tests added since the contract base (headscale.contract.base); set
headscale.contract.docExistingTests to see existing tests too. The quick fix inserts the scaffold.`,
  example: {
    incorrect: `func TestSubnetRoutes(t *testing.T) {`,
    correct: `// TestSubnetRoutes validates the subnet route lifecycle: advertisement, approval by
// policy, and distribution to peers.
//
// The test verifies:
// - route announcements are received and tracked
// - only approved routes appear in peer network maps
func TestSubnetRoutes(t *testing.T) {`,
  },
};
