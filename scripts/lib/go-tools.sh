# shellcheck shell=bash
# The cluster tests' programs, built from the wrapper modules under hack/ (nothing is
# downloaded but Go modules). Each module's build lands in one directory of .tools/ named by
# the hash of its go.mod and go.sum, so a warm run reuses it and a new pin rebuilds it.

# The one Kubernetes version pin, with its leading v.
kubernetes_version() { echo "v$(node -p 'require("./hack/k8s/kubernetes-version.json").version')"; }

go_tool_dir() {
  echo ".tools/$1-$(cat "hack/$1/go.mod" "hack/$1/go.sum" | sha256sum | cut -c1-16)"
}

# build_go_tools MODULE LDFLAGS PACKAGE...: every package's command into MODULE's directory,
# which appears only once all of them are built. NAME=PACKAGE names a command whose package
# path does not end in its name.
build_go_tools() {
  local module=$1 ldflags=$2 dir
  shift 2
  dir=$(go_tool_dir "$module")
  [ -d "$dir" ] && return 0
  # One build per module at a time (.ci/run builds ahead in the background while tests run):
  # whoever waited for the lock finds the directory made.
  mkdir -p "$(dirname "$dir")" || return 1
  local lock status
  exec {lock}>"$dir.lock"
  flock "$lock"
  if [ -d "$dir" ]; then
    exec {lock}>&-
    return 0
  fi
  build_go_tools_locked "$dir" "$ldflags" "$@"
  status=$?
  exec {lock}>&-
  return "$status"
}
build_go_tools_locked() {
  local dir=$1 ldflags=$2 package packages=() named=()
  shift 2
  for package in "$@"; do
    if [[ $package == *=* ]]; then named+=("$package"); else packages+=("$package"); fi
  done
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp" || return 1
  (
    cd "hack/$module" || exit 1
    export CGO_ENABLED=0
    if [ ${#packages[@]} -gt 0 ]; then
      go build -trimpath -ldflags "$ldflags" -o "../../$dir.tmp/" "${packages[@]}" || exit 1
    fi
    for package in "${named[@]}"; do
      go build -trimpath -ldflags "$ldflags" -o "../../$dir.tmp/${package%%=*}" "${package#*=}" || exit 1
    done
  ) || return 1
  mv "$dir.tmp" "$dir"
}

# Every program of the cluster tests, built ahead (.ci/run starts this in the background).
build_cluster_tools() {
  build_kubernetes && build_containerd && build_kube_router && build_coredns && build_traefik && build_metrics_server
}

# Kubernetes' version variables, so `kubectl version` and the nodes report the pin.
kubernetes_ldflags() {
  local version=$1 minor
  minor=${version#v1.}
  minor=${minor%%.*}
  echo "-X k8s.io/component-base/version.gitVersion=$version
    -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor
    -X k8s.io/component-base/version.gitTreeState=clean
    -X k8s.io/client-go/pkg/version.gitVersion=$version
    -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$minor"
}

# The control plane, kubelet, kube-proxy and kubectl at the pin, and etcd.
build_kubernetes() {
  build_go_tools k8s "$(kubernetes_ldflags "$(kubernetes_version)")" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl \
    k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-proxy etcd=go.etcd.io/etcd/server/v3
}

# The version of MODULE that hack/DIR requires, for the programs' version stamps.
required_version() { (cd "hack/$1" && go list -m -f '{{.Version}}' "$2"); }

# The node's runtime and the add-ons that run on it, each from its own wrapper module.
build_containerd() {
  build_go_tools containerd \
    "-X github.com/containerd/containerd/version.Version=$(required_version containerd github.com/containerd/containerd)" \
    github.com/containerd/containerd/cmd/containerd github.com/containerd/containerd/cmd/containerd-shim-runc-v2 \
    github.com/containerd/containerd/cmd/ctr
}
build_kube_router() {
  build_go_tools kube-router \
    "-X github.com/cloudnativelabs/kube-router/v2/pkg/version.Version=$(required_version kube-router github.com/cloudnativelabs/kube-router/v2)" \
    github.com/cloudnativelabs/kube-router/v2/cmd/kube-router
}
build_coredns() { build_go_tools coredns "" github.com/coredns/coredns; }
build_traefik() {
  build_go_tools traefik \
    "-X github.com/traefik/traefik/v3/pkg/version.Version=$(required_version traefik github.com/traefik/traefik/v3)" \
    github.com/traefik/traefik/v3/cmd/traefik
}
build_metrics_server() { build_go_tools metrics-server "" sigs.k8s.io/metrics-server/cmd/metrics-server; }
