/**
 * ewt-shadowed-result is an error only when nothing sets the outer variable before it is read.
 * When a later block assigns it first (route_test.go's TestAutoApproveMultiNetwork), the read sees
 * that value: the shadowing block's result is likely lost, not certainly a nil read, so it is a
 * warning that points at the assignment.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { analyzeText } from '../../server/src/analysis/analyze';
import { loadParser } from '../support/parser';

const test_ = (between: string) => `package integration

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestApprove(t *testing.T) {
	headscale := setup(t)
	var nodes []*v1.Node

	assert.EventuallyWithT(t, func(c *assert.CollectT) {
		nodes, err := headscale.ListNodes()
		assert.NoError(c, err)
		assert.Len(c, nodes, 2)
	}, 10*time.Second, 500*time.Millisecond, "both nodes should be listed")
${between}
	_, err := headscale.ApproveRoutes(nodes[0].GetId(), nil)
	require.NoError(t, err)
}
`;

const LATER_ASSIGNMENT = `
	assert.EventuallyWithT(t, func(c *assert.CollectT) {
		var err error
		nodes, err = headscale.ListNodes() // nodes == nil is checked below
		assert.NoError(c, err)
	}, 10*time.Second, 500*time.Millisecond, "nodes should be listed again")
`;

test('a shadow read with nothing setting the outer variable is an error; a later assignment first makes it a warning', async () => {
  const parser = await loadParser();
  const shadow = (text: string) => analyzeText(parser, 'route_test.go', text).filter((f) => f.ruleId === 'ewt-shadowed-result');

  const [alone] = shadow(test_('\n\tt.Log("approving")\n'));
  assert.equal(alone?.severity, 'error');
  assert.deepEqual(alone.related.map((r) => r.message), ['outer nodes declared here', 'outer nodes read here, not set by the block']);

  const text = test_(LATER_ASSIGNMENT);
  const [later] = shadow(text);
  assert.equal(later?.severity, 'warning');
  const first = later.related.find((r) => r.message === 'outer nodes assigned here first');
  assert.ok(first, JSON.stringify(later.related));
  assert.equal(text.slice(first.start, first.end), 'nodes');
  assert.equal(text.slice(first.start, first.start + 'nodes, err ='.length), 'nodes, err =');

  // An assignment only in a comment or a string is not one.
  const [commented] = shadow(test_('\n\t// nodes = headscale.ListNodes() later\n\tt.Log("nodes = none")\n'));
  assert.equal(commented?.severity, 'error');
});
