module github.com/juanfont/headscale

go 1.26.5

require (
	github.com/stretchr/testify v1.11.1
	tailscale.com v1.94.1
)
