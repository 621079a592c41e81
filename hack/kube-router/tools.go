//go:build tools

// NetworkPolicy enforcement on the real node of scripts/cluster-e2e.sh (run with --run-firewall only).
package kuberouter

import (
	_ "github.com/cloudnativelabs/kube-router/v2/cmd/kube-router"
)
