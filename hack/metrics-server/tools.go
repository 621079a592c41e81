//go:build tools

// The resource metrics API behind the HPA of scripts/cluster-e2e.sh.
package metricsserver

import (
	_ "sigs.k8s.io/metrics-server/cmd/metrics-server"
)
