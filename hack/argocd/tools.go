//go:build tools

// Argo CD for the GitOps end-to-end test, in a module of its own: it needs Go 1.27 and the
// Kubernetes libraries it pins (v0.37), neither of which the control-plane module uses. One
// binary serves every component by the name in ARGOCD_BINARY_NAME.
package argocd

import (
	_ "github.com/argoproj/argo-cd/v3/cmd"
)
