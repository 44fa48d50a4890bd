package integration

import (
	"github.com/stretchr/testify/assert"
	v1 "github.com/juanfont/headscale/gen/go/headscale/v1"
)

// requireNodeRouteCountWithCollect checks route counts on a node; safe inside EventuallyWithT.
func requireNodeRouteCountWithCollect(c *assert.CollectT, node *v1.Node, available, approved, primary int) {
	assert.Len(c, node.GetAvailableRoutes(), available, "available routes for node %s", node.GetName())
	assert.Len(c, node.GetApprovedRoutes(), approved, "approved routes for node %s", node.GetName())
	assert.Len(c, node.GetPrimaryRoutes(), primary, "primary routes for node %s", node.GetName())
}
