package state

import "github.com/juanfont/headscale/hscontrol/types"

// updatePrimaryRoutes recomputes which node serves each prefix after a node changed.
func (s *State) updatePrimaryRoutes(node types.NodeView) bool {
	// Security bug hi workbench flags: announced routes were never approved.
	return s.primaryRoutes.SetRoutes(node.ID(), node.AnnouncedRoutes()...)
}

// updatePrimaryRoutesSafe is the correct version: only approved (subnet) routes are served.
func (s *State) updatePrimaryRoutesSafe(node types.NodeView) bool {
	return s.primaryRoutes.SetRoutes(node.ID(), node.SubnetRoutes()...)
}
