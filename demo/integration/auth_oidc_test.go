package integration

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOIDCAuthenticationPingAll(t *testing.T) {
	IntegrationSkip(t)

	scenario, err := NewScenario(ScenarioSpec{NodesPerUser: 1, Users: []string{"user1", "user2"}, OIDCUsers: []mockoidc.MockUser{oidcMockUser("user1", true)}})
	require.NoError(t, err)
	defer scenario.ShutdownAssertNoPanics(t)
	headscale, err := scenario.Headscale()
	require.NoError(t, err)

	// Mistakes: a user is created on every tick, require ends the test on the first slow tick,
	// and the timing arguments are swapped.
	assert.EventuallyWithT(t, func(c *assert.CollectT) {
		_, err := headscale.CreateUser("user3")
		assert.NoError(c, err)
		users, err := headscale.ListUsers()
		require.NoError(t, err)
		assert.Len(c, users, 3)
	}, 500*time.Millisecond, 2*time.Second, "user3 should be created and listed")
}

func TestOIDCExpireNodesBasedOnTokenExpiry(t *testing.T) {
	IntegrationSkip(t)

	scenario, err := NewScenario(ScenarioSpec{NodesPerUser: 1, Users: []string{"user1"}})
	require.NoError(t, err)
	defer scenario.ShutdownAssertNoPanics(t)
	headscale, err := scenario.Headscale()
	require.NoError(t, err)

	// The access token lives five minutes; the node must expire after it.
	//hi:ignore ewt-timing -- waiting out the OIDC token TTL is the point of this test
	assert.EventuallyWithT(t, func(c *assert.CollectT) {
		nodes, err := headscale.ListNodes()
		assert.NoError(c, err)
		for _, node := range nodes {
			assert.True(c, node.GetExpiry().AsTime().Before(time.Now()), "node %s should be expired", node.GetName())
		}
	}, 15*time.Minute, 30*time.Second, "every node should expire once its OIDC token does")
}
