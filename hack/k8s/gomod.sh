#!/usr/bin/env bash
# Writes hack/k8s/go.mod: the Kubernetes and etcd releases the cluster tests build,
# and the replace directives their own go.mod files imply. k8s.io/kubernetes points its staging
# modules (k8s.io/api, k8s.io/apiserver, ...) at ./staging, which a module download does not
# contain, and etcd's server points at its sibling modules; each is replaced here by its
# published release of the same version, read from those go.mod files, never kept by hand.
#
#   hack/k8s/gomod.sh && (cd hack/k8s && go mod tidy)
set -euo pipefail
cd "$(dirname "$0")"
# The one pin (kubernetes-version.json) that Terraform, the e2e clusters and the charts read.
KUBERNETES_VERSION=v$(node -p 'require("./kubernetes-version.json").version')
# etcd: the release that Kubernetes release requires (its go.mod's go.etcd.io/etcd/client/v3).

modfile() {
  local module=$1 version=$2 info
  info=$(GOFLAGS=-mod=mod go mod download -json "$module@$version")
  node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8")).GoMod)' <<<"$info"
}
kubernetes_mod=$(modfile k8s.io/kubernetes "$KUBERNETES_VERSION")
etcd_version=$(awk '$1 == "go.etcd.io/etcd/client/v3" { print $2; exit }' "$kubernetes_mod")
[ -n "$etcd_version" ] || { echo "gomod.sh: no go.etcd.io/etcd/client/v3 in $kubernetes_mod" >&2; exit 1; }
etcd_mod=$(modfile go.etcd.io/etcd/server/v3 "$etcd_version")
staging=${KUBERNETES_VERSION/v1./v0.}
# The Go language version of the Kubernetes release: an older one would refuse its packages.
go_version=$(awk '$1 == "go" { print $2; exit }' "$kubernetes_mod")

{
  echo "// Written by gomod.sh: Kubernetes $KUBERNETES_VERSION, etcd $etcd_version."
  echo "module github.com/tbyte/tbyte/hack/k8s"
  echo
  echo "go $go_version"
  echo
  echo "require ("
  echo "	go.etcd.io/etcd/server/v3 $etcd_version"
  echo "	k8s.io/kubernetes $KUBERNETES_VERSION"
  echo ")"
  echo
  sed -n "s#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/src/k8s.io/[a-z0-9-]*\$#replace \1 => \1 $staging#p" "$kubernetes_mod"
  sed -n "s#^[[:space:]]*\(go.etcd.io/etcd/[a-z0-9/]*\) => \.\./[a-z0-9/]*\$#replace \1 => \1 $etcd_version#p" "$etcd_mod"
} >go.mod
echo "hack/k8s/go.mod: Kubernetes $KUBERNETES_VERSION ($(grep -c '^replace k8s.io' go.mod) staging modules at $staging), etcd $etcd_version"
