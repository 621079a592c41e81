//go:build tools

// The ingress controller of scripts/cluster-e2e.sh (IngressClass nginx, as in prod).
package traefik

import (
	_ "github.com/traefik/traefik/v3/cmd/traefik"
)
