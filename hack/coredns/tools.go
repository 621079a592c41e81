//go:build tools

// The cluster DNS of scripts/cluster-e2e.sh, run as the kube-dns pod.
package coredns

import (
	_ "github.com/coredns/coredns"
)
