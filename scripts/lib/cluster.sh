# shellcheck shell=bash
# shellcheck disable=SC2154 # tools, work, kubeconfig, cluster and KUBERNETES_VERSION are set by the caller
# A Kubernetes control plane with simulated nodes for the e2e suites: kube-apiserver,
# controller-manager, scheduler, kubectl and etcd built from their modules (hack/k8s), run by
# kwokctl's binary runtime with simulated nodes (kwok, built by hack/kwok); nothing is
# downloaded but Go modules. The caller sets tools (the cache folder), KUBERNETES_VERSION,
# cluster (its name), work (a folder removed afterwards) and kubeconfig before sourcing.

# shellcheck source=scripts/lib/go-tools.sh
. scripts/lib/go-tools.sh

# One directory of binaries per set of module pins; reused while go.sum does not change.
build_dir() {
  echo "$tools/k8s-$(cat "hack/$1/go.mod" "hack/$1/go.sum" | sha256sum | cut -c1-16)"
}
k8s_bin=$(go_tool_dir k8s)
kwok_bin=$(build_dir kwok)
export KWOK_WORKDIR="$work/kwok"

# The control plane with the real node's kubelet and kube-proxy: one build for every cluster test.
build_control_plane() { build_kubernetes; }
build_kwok() {
  [ -x "$kwok_bin/kwokctl" ] && return 0
  mkdir -p "$kwok_bin.tmp"
  (cd hack/kwok && go build -o "../../$kwok_bin.tmp/" sigs.k8s.io/kwok/cmd/kwok sigs.k8s.io/kwok/cmd/kwokctl) || return 1
  mv "$kwok_bin.tmp" "$kwok_bin"
}

kubectl="$k8s_bin/kubectl"
k() { "$kubectl" --kubeconfig "$kubeconfig" "$@"; }

stop_cluster() {
  "$kwok_bin/kwokctl" delete cluster --name "$cluster" >/dev/null 2>&1
}

# Arguments are passed on to kwokctl (a --config with kwok stages, for instance).
start_cluster() {
  "$kwok_bin/kwokctl" create cluster --name "$cluster" --runtime binary --wait 2m \
    --kube-apiserver-binary "$k8s_bin/kube-apiserver" \
    --kube-controller-manager-binary "$k8s_bin/kube-controller-manager" \
    --kube-scheduler-binary "$k8s_bin/kube-scheduler" \
    --etcd-binary "$k8s_bin/etcd" --kwok-controller-binary "$kwok_bin/kwok" "$@" >"$work/kwokctl.log" 2>&1 &&
    "$kwok_bin/kwokctl" get kubeconfig --name "$cluster" >"$kubeconfig" &&
    [ "$(k version -o json | node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0)).serverVersion.gitVersion)')" = "$KUBERNETES_VERSION" ]
}

# Three simulated nodes, one per zone, for the charts' topology spread.
add_nodes() {
  local zone
  for zone in a b c; do
    k apply -f - <<NODE || return 1
apiVersion: v1
kind: Node
metadata:
  name: node-$zone
  annotations:
    kwok.x-k8s.io/node: fake
  labels:
    kubernetes.io/hostname: node-$zone
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    topology.kubernetes.io/zone: eu-west-1$zone
    type: kwok
status:
  allocatable: { cpu: "16", memory: 64Gi, pods: "110", ephemeral-storage: 200Gi }
  capacity: { cpu: "16", memory: 64Gi, pods: "110", ephemeral-storage: 200Gi }
NODE
  done
  k wait --for=condition=Ready node --all --timeout=60s
}
