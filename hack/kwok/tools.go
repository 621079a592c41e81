//go:build tools

// kwok and kwokctl for the control-plane test, in a module of their own: kwok builds against
// the Kubernetes libraries it pins, which are not those of the Kubernetes release under test.
package kwok

import (
	_ "sigs.k8s.io/kwok/cmd/kwok"
	_ "sigs.k8s.io/kwok/cmd/kwokctl"
)
