package integration

import (
	"testing"
	"time"

	"github.com/juanfont/headscale/integration/hsic"
	"github.com/juanfont/headscale/integration/integrationutil"
	"github.com/juanfont/headscale/integration/tsic"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPingAllByIP(t *testing.T) {
	IntegrationSkip(t)

	spec := ScenarioSpec{NodesPerUser: 2, Users: []string{"user1", "user2"}}
	scenario, err := NewScenario(spec)
	require.NoError(t, err)
	defer scenario.ShutdownAssertNoPanics(t)

	err = scenario.CreateHeadscaleEnv([]tsic.Option{}, hsic.WithTestName("pingallbyip"))
	require.NoError(t, err)

	allClients, err := scenario.ListTailscaleClients()
	require.NoError(t, err)
	allIps, err := scenario.ListTailscaleClientsIPs()
	require.NoError(t, err)

	err = scenario.WaitForTailscaleSync()
	require.NoError(t, err)

	assert.EventuallyWithT(t, func(c *assert.CollectT) {
		assertPingAllWithCollect(c, allClients, allIps)
	}, integrationutil.HAConvergeTimeout, integrationutil.PingPoll, "every client should ping every other client by IP")
}

func TestNodeOnlineStatus(t *testing.T) {
	IntegrationSkip(t)

	scenario, err := NewScenario(ScenarioSpec{NodesPerUser: 2, Users: []string{"user1"}})
	require.NoError(t, err)
	defer scenario.ShutdownAssertNoPanics(t)
	headscale, err := scenario.Headscale()
	require.NoError(t, err)
	allClients, err := scenario.ListTailscaleClients()
	require.NoError(t, err)

	testDuration := 12 * time.Minute
	start := time.Now()
	ticker := time.NewTicker(30 * time.Second)
	defer ticker.Stop()
	for range ticker.C {
		if time.Since(start) > testDuration {
			break
		}
		// Mistakes: Must* panics inside the callback; the message is vague; a helper nests a wait.
		assert.EventuallyWithT(t, func(ct *assert.CollectT) {
			status := allClients[0].MustStatus()
			assert.True(ct, status.Self.Online)
			waitForAllOnline(t, headscale)
		}, 10*time.Second, 1*time.Second, "online")
	}
}

// waitForAllOnline waits until headscale reports every node online.
func waitForAllOnline(t *testing.T, headscale ControlServer) {
	t.Helper()
	assert.EventuallyWithT(t, func(c *assert.CollectT) {
		nodes, err := headscale.ListNodes()
		assert.NoError(c, err)
		for _, node := range nodes {
			assert.True(c, node.GetOnline(), "node %s should be online", node.GetName())
		}
	}, 10*time.Second, 200*time.Millisecond, "every node should be online")
}
