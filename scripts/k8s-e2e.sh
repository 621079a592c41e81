#!/usr/bin/env bash
# The charts installed on a real Kubernetes control plane: kube-apiserver, controller-manager,
# scheduler, kubectl (at the pin hack/k8s/kubernetes-version.json, built from k8s.io/kubernetes
# by hack/k8s) and etcd, run
# by kwokctl's binary runtime with simulated nodes (kwok, built by hack/kwok); nothing is
# downloaded but Go modules. Builds are cached in .tools/ by the modules' go.sum. Checks:
# the platform chart and the CRDs install; the app charts install and their workloads turn
# ready in every scaling mode and as a canary Rollout; Pod Security admission admits the
# app's pods in tbyte and refuses a root one; app-reader works; an upgrade rolls a new
# ReplicaSet; an uninstall leaves nothing of the app. Writes reports/k8s-e2e.json.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=scripts/lib/checks.sh
. scripts/lib/checks.sh

# shellcheck source=scripts/lib/go-tools.sh
. scripts/lib/go-tools.sh
KUBERNETES_VERSION=$(kubernetes_version)
tools=.tools
helm="$tools/bin/helm"
kube_validate="$tools/bin/kube-validate"
cluster=tbyte-e2e
work=$(mktemp -d)
kubeconfig="$work/kubeconfig"

# shellcheck source=scripts/lib/cluster.sh
. scripts/lib/cluster.sh

check "build kube-apiserver, controller-manager, scheduler, kubectl, kubelet, kube-proxy $KUBERNETES_VERSION and etcd" build_control_plane
check "build kwok and kwokctl" build_kwok
h() { "$helm" --kubeconfig "$kubeconfig" "$@"; }

cleanup() {
  stop_cluster
  rm -rf "$work"
}
trap cleanup EXIT

check "a control plane of Kubernetes $KUBERNETES_VERSION (kwokctl, binary runtime) reports its version" start_cluster

check "three simulated nodes in three zones are Ready" add_nodes

for chart in backend frontend postgresql; do
  "$helm" dependency build "charts/$chart" >/dev/null 2>&1
done
check "helm install platform (namespaces, Pod Security labels, policies, RBAC, quota, gp3)" \
  h install platform charts/platform --wait --timeout 2m
install_crds() {
  local file args=()
  while read -r file; do args+=(-f "$file"); done < <("$kube_validate" crd-files -sources hack/kube-validate/crd-sources.txt)
  [ ${#args[@]} -gt 0 ] || return 1
  k apply --server-side "${args[@]}" >/dev/null || return 1
  # A CRD just created may have no status yet; wait until every one reports Established.
  local attempt
  for attempt in $(seq 30); do
    k wait --for=condition=Established crd --all --timeout=10s >/dev/null 2>&1 && return 0
    sleep 1
  done
  echo "CRDs not established after $attempt tries"
  return 1
}
check "the CRDs the charts use (from their pinned Go modules) are established" install_crds

# No volume provisioner runs here: a gp3 volume for the development database, bound statically.
database_volume() {
  k apply -f - <<'EOF'
apiVersion: v1
kind: PersistentVolume
metadata:
  name: tbyte-e2e-postgresql
spec:
  capacity: { storage: 10Gi }
  accessModes: ["ReadWriteOnce"]
  storageClassName: gp3
  hostPath: { path: /tmp/tbyte-e2e-postgresql }
  claimRef: { namespace: tbyte, name: data-postgresql-0 }
EOF
}
check "a volume for the database" database_volume

dev_values() { echo "-f charts/$1/examples/values-dev.yaml"; }
# shellcheck disable=SC2046 # the values flags split on purpose
check "helm install postgresql --wait (StatefulSet ready)" h install postgresql charts/postgresql -n tbyte $(dev_values postgresql) --wait --timeout 3m
# shellcheck disable=SC2046
check "helm install backend --wait (hpa)" h install backend charts/backend -n tbyte $(dev_values backend) --wait --timeout 3m
# shellcheck disable=SC2046
check "helm install frontend --wait (hpa)" h install frontend charts/frontend -n tbyte $(dev_values frontend) --wait --timeout 3m

ready_replicas() {
  [ "$(k -n tbyte get deployment "$1" -o jsonpath='{.status.readyReplicas}')" -ge "$2" ]
}
for mode in keda none; do
  # shellcheck disable=SC2046
  check "helm upgrade backend --set autoscaling.mode=$mode --wait" \
    h upgrade backend charts/backend -n tbyte $(dev_values backend) --set "autoscaling.mode=$mode" --wait --timeout 3m
done
check "backend pods ready on the simulated nodes" ready_replicas backend 2
# shellcheck disable=SC2046
check "helm upgrade frontend as a canary Rollout is accepted" \
  h upgrade frontend charts/frontend -n tbyte $(dev_values frontend) --set rollout.strategy=canary --wait --timeout 3m
check "the Rollout and its AnalysisTemplate exist" k -n tbyte get rollout/frontend analysistemplate/frontend

pod_manifest() {
  cat <<EOF
apiVersion: v1
kind: Pod
metadata: { name: psa-$1, namespace: tbyte }
spec:
  securityContext: { runAsNonRoot: $2, runAsUser: $3, seccompProfile: { type: RuntimeDefault } }
  containers:
    - name: app
      image: tbyte/backend:e2e
      securityContext:
        allowPrivilegeEscalation: false
        capabilities: { drop: ["ALL"] }
EOF
}
admitted() { pod_manifest admitted true 1000 | k apply --dry-run=server -f - >/dev/null; }
refused() {
  local output
  output=$(pod_manifest root false 0 | k apply --dry-run=server -f - 2>&1) && return 1
  grep -q "violates PodSecurity \"restricted:${KUBERNETES_VERSION%.*}\"" <<<"$output" && grep -q 'runAsUser=0' <<<"$output"
}
check "Pod Security admission admits a pod of the app's shape in tbyte" admitted
check "Pod Security admission refuses a root pod in tbyte (restricted:${KUBERNETES_VERSION%.*})" refused

can() { [ "$(k auth can-i "$@" -n tbyte --as someone --as-group tbyte:developers)" = yes ]; }
check "tbyte:developers may list pods in tbyte" can list pods
cannot() { ! can "$@"; }
check "tbyte:developers may not delete pods" cannot delete pods
check "tbyte:developers may not read secrets" cannot get secrets

new_replicaset() {
  local before after
  before=$(k -n tbyte get rs -l app.kubernetes.io/name=backend -o name | wc -l)
  # shellcheck disable=SC2046
  h upgrade backend charts/backend -n tbyte $(dev_values backend) --set image.tag=0.1.1 --wait --timeout 3m >/dev/null || return 1
  k -n tbyte rollout status deployment/backend --timeout=2m >/dev/null || return 1
  after=$(k -n tbyte get rs -l app.kubernetes.io/name=backend -o name | wc -l)
  [ "$after" -gt "$before" ] &&
    [ "$(k -n tbyte get deployment backend -o jsonpath='{.spec.template.spec.containers[0].image}')" = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/tbyte/backend:0.1.1" ]
}
check "helm upgrade with a new image tag rolls a new ReplicaSet" new_replicaset

uninstall_all() {
  h uninstall frontend backend postgresql -n tbyte --wait --timeout 2m >/dev/null || return 1
  local left
  # The database's volume claim stays on purpose (persistentVolumeClaimRetentionPolicy: Retain).
  left=$(k -n tbyte get all,configmap,secret,serviceaccount,networkpolicy,pdb,hpa,ingress,secretproviderclass,scaledobject,servicemonitor,prometheusrule,rollout,analysistemplate \
    -l 'app.kubernetes.io/name in (backend,frontend,postgresql)' -o name 2>&1)
  [ -z "$left" ] || { echo "left behind: $left"; return 1; }
}
check "helm uninstall leaves nothing of the app behind (but the retained data volume)" uninstall_all

write_report k8s-e2e
[ "$failed" -eq 0 ]
