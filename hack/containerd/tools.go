//go:build tools

// The node's container runtime for scripts/cluster-e2e.sh (the CRI plugin is built in).
package containerd

import (
	_ "github.com/containerd/containerd/cmd/containerd"
	_ "github.com/containerd/containerd/cmd/containerd-shim-runc-v2"
	_ "github.com/containerd/containerd/cmd/ctr"
)
