package integration

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	v1 "github.com/juanfont/headscale/gen/go/headscale/v1"
	"github.com/juanfont/headscale/integration/hsic"
	"github.com/juanfont/headscale/integration/integrationutil"
	"github.com/juanfont/headscale/integration/tsic"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEnablingRoutes advertises a route from every client and waits for headscale and the
// clients to agree on it. It shows the patterns the guide recommends.
func TestEnablingRoutes(t *testing.T) {
	IntegrationSkip(t)

	spec := ScenarioSpec{NodesPerUser: 3, Users: []string{"user1"}}
	scenario, err := NewScenario(spec)
	require.NoErrorf(t, err, "failed to create scenario: %s", err)
	defer scenario.ShutdownAssertNoPanics(t)

	err = scenario.CreateHeadscaleEnv([]tsic.Option{}, hsic.WithTestName("clienableroute"))
	require.NoError(t, err)

	allClients, err := scenario.ListTailscaleClients()
	require.NoError(t, err)
	headscale, err := scenario.Headscale()
	require.NoError(t, err)

	expectedRoutes := map[string]string{"1": "10.0.0.0/24", "2": "10.0.1.0/24", "3": "10.0.2.0/24"}

	// Advertising is a mutation: run it once per client, outside any EventuallyWithT.
	for _, client := range allClients {
		status := client.MustStatus()
		command := []string{"tailscale", "set", "--advertise-routes=" + expectedRoutes[string(status.Self.ID)]}
		_, _, err = client.Execute(command)
		require.NoErrorf(t, err, "failed to advertise route: %s", err)
	}

	var nodes []*v1.Node
	// Routes propagate through the map poll cycle, so wait for headscale to see all of them.
	assert.EventuallyWithT(t, func(c *assert.CollectT) {
		nodes, err = headscale.ListNodes()
		assert.NoError(c, err)
		assert.Len(c, nodes, 3)
		for _, node := range nodes {
			assert.Len(c, node.GetAvailableRoutes(), 1, "node %s should announce one route", node.GetName())
		}
	}, 10*time.Second, 100*time.Millisecond, "every node should announce its route")

	for _, node := range nodes {
		_, err := headscale.ApproveRoutes(node.GetId(), []netip.Prefix{netip.MustParsePrefix(expectedRoutes[fmt.Sprintf("%d", node.GetId())])})
		require.NoError(t, err)
	}

	// One external call per block: first the server's view, then each client's.
	assert.EventuallyWithT(t, func(c *assert.CollectT) {
		nodes, err = headscale.ListNodes()
		assert.NoError(c, err)
		for _, node := range nodes {
			requireNodeRouteCountWithCollect(c, node, 1, 1, 1)
		}
	}, integrationutil.ScaledTimeout(10*time.Second), 200*time.Millisecond, "approved routes should become primary")

	assert.EventuallyWithT(t, func(c *assert.CollectT) {
		for _, client := range allClients {
			status, err := client.Status()
			assert.NoError(c, err)
			for _, peerKey := range status.Peers() {
				peerStatus := status.Peer[peerKey]
				assert.NotNil(c, peerStatus.PrimaryRoutes)
			}
		}
	}, 10*time.Second, 200*time.Millisecond, "every client should see its peers' primary routes")
}

// TestSubnetRouteACL has the mistakes hi workbench catches: look at the Problems panel.
func TestSubnetRouteACL(t *testing.T) {
	IntegrationSkip(t)

	scenario, err := NewScenario(ScenarioSpec{NodesPerUser: 2, Users: []string{"user1"}})
	require.NoError(t, err)
	defer scenario.ShutdownAssertNoPanics(t)
	headscale, err := scenario.Headscale()
	require.NoError(t, err)
	allClients, err := scenario.ListTailscaleClients()
	require.NoError(t, err)
	client, router := allClients[0], allClients[1]

	// Mistake: the route is advertised on every tick, and the block waits on two things at once.
	assert.EventuallyWithT(t, func(c *assert.CollectT) {
		_, _, err = router.Execute([]string{"tailscale", "set", "--advertise-routes=10.33.0.0/16"})
		assert.NoError(c, err)
		nodes, err := headscale.ListNodes()
		assert.NoError(c, err)
		assert.Len(c, nodes, 2)
		status, err := client.Status()
		assert.NoError(c, err)
		assert.NotNil(c, status)
	}, 10*time.Second, 500*time.Millisecond, "mixed operations")

	// Mistake: asserting immediately on an asynchronous read.
	nodes, err := headscale.ListNodes()
	require.NoError(t, err)
	require.Len(t, nodes[0].GetAvailableRoutes(), 1)

	var routeNode *v1.Node
	// Mistakes: := shadows routeNode, assertions go to t, and an index is unguarded.
	assert.EventuallyWithT(t, func(c *assert.CollectT) {
		nodes, err := headscale.ListNodes()
		assert.NoError(t, err)
		routeNode := nodes[1]
		assert.NotNil(c, routeNode)
	}, 10*time.Second, 100*time.Millisecond)

	require.NotNil(t, routeNode)
	require.Len(t, routeNode.GetApprovedRoutes(), 1)
}
