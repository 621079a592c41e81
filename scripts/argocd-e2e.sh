#!/usr/bin/env bash
# A real Argo CD syncs the app of apps (argocd-apps, environment e2e) on the simulated-node
# control plane of scripts/lib/cluster.sh. Argo CD is built from its module (hack/argocd) and
# its application controller and repo server run beside the cluster with Debian's redis-server;
# the repository is a local clone of this checkout's HEAD, changed only the way main is changed:
# the release path's own scripts, or a commit as a merge would make. Checks: the bootstrap
# script syncs every child to Synced/Healthy; waves start only after the earlier waves are
# Healthy, and an image that never turns ready holds the later wave back; a commit reaches the
# cluster by auto-sync (timed); self-heal and prune; a value the chart schema refuses leaves
# the running version alone and a revert recovers; every custom kind of the dev and prod trees
# is served by a CRD of an earlier wave or its own Application; everything started stops. Docs:
# docs/gitops-e2e.md. Writes reports/argocd-e2e.json.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=scripts/lib/checks.sh
. scripts/lib/checks.sh

tools=.tools
helm="$tools/bin/helm"
kube_validate="$tools/bin/kube-validate"
cluster=tbyte-argocd-e2e
work=$(mktemp -d)
kubeconfig="$work/kubeconfig"
KUBERNETES_VERSION=$(awk '$1 == "k8s.io/kubernetes" { print $2; exit }' hack/k8s/go.mod)
# shellcheck source=scripts/lib/cluster.sh
. scripts/lib/cluster.sh

argocd_module=github.com/argoproj/argo-cd/v3
ARGOCD_VERSION=$(awk -v m="$argocd_module" '$1 == "require" && $2 == m { print $3; exit }' hack/argocd/go.mod)
argocd_bin="$tools/argocd-$(cat hack/argocd/go.mod hack/argocd/go.sum | sha256sum | cut -c1-16)"
argocd="$PWD/$argocd_bin/argocd"
# Seconds between the controller's looks at the repository, and how long the repo server keeps
# what a branch resolved to (the clusters keep 180 s and Argo CD's 3 min, besides webhooks):
# lowered so an auto-sync is timed in seconds here.
RECONCILIATION_SECONDS=10
pids=()

# hack/argocd's go.mod names the Go toolchain (the module proxy serves it); the version is
# stamped the way upstream's Makefile does, the build date being the release's.
build_argocd() {
  [ -x "$argocd" ] && return 0
  local released stamp
  released=$(cd hack/argocd && GOTOOLCHAIN=auto go list -m -f '{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}' "$argocd_module") || return 1
  stamp="-X $argocd_module/common.version=${ARGOCD_VERSION#v} -X $argocd_module/common.gitTag=$ARGOCD_VERSION
    -X $argocd_module/common.gitTreeState=clean -X $argocd_module/common.buildDate=$released
    -X $argocd_module/common.kubectlVersion=$(awk '$1 == "k8s.io/kubectl" && $2 == "=>" { print $4; exit }' hack/argocd/go.mod)"
  mkdir -p "$argocd_bin.tmp"
  (cd hack/argocd && CGO_ENABLED=0 GOTOOLCHAIN=auto go build -ldflags "$stamp" -o "../../$argocd_bin.tmp/argocd" "$argocd_module/cmd") || return 1
  mv "$argocd_bin.tmp" "$argocd_bin"
}
check "build Argo CD $ARGOCD_VERSION (hack/argocd, cached by its go.sum)" build_argocd
argocd_reports_version() {
  local reported
  reported=$("$argocd" version --client --short 2>&1)
  echo "$reported" | grep -q "^argocd: ${ARGOCD_VERSION}+" || { echo "argocd version: $reported"; return 1; }
}
check "the Argo CD binary reports $ARGOCD_VERSION" argocd_reports_version
check "build kube-apiserver, controller-manager, scheduler, kubectl $KUBERNETES_VERSION and etcd" build_control_plane
check "build kwok and kwokctl" build_kwok
for tool in "$helm" "$kube_validate"; do
  [ -x "$tool" ] || { echo "argocd-e2e: $tool is missing; pnpm test:infra gitops installs it" >&2; exit 1; }
done
for command in redis-server git; do
  command -v "$command" >/dev/null || { echo "argocd-e2e: $command is required (Debian package ${command%-server}${command#redis})" >&2; exit 1; }
done

stop_all() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  [ -n "${ingress_pid:-}" ] && { kill "$ingress_pid" 2>/dev/null; wait "$ingress_pid" 2>/dev/null; }
  stop_cluster
  rm -rf "$work"
}
trap stop_all EXIT

# The tag of an image that never turns ready: kwok's pod-ready stage is joined by one of higher
# weight that leaves such pods running but unready, the way a crashing app looks to Kubernetes.
never_ready_tag=$(printf 'never-ready' | sha1sum | cut -c1-40)
kwok_stages() {
  local stages
  stages="$(cd hack/kwok && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)/kustomize/stage/pod/fast" || return 1
  local file
  for file in pod-ready pod-complete pod-delete; do
    cat "$stages/$file.yaml" && echo --- || return 1
  done
  cat <<EOF
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: pod-never-ready
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
      - key: '.metadata.deletionTimestamp'
        operator: 'DoesNotExist'
      - key: '.status.podIP'
        operator: 'DoesNotExist'
      - key: '.spec.containers[0].image'
        operator: 'In'
        values: ['tbyte/backend:$never_ready_tag']
  weight: 1
  next:
    statusTemplate: |
      {{ \$now := Now }}
      conditions:
      - { lastTransitionTime: {{ \$now | Quote }}, status: "True", type: Initialized }
      - { lastTransitionTime: {{ \$now | Quote }}, status: "False", type: Ready, reason: ContainersNotReady }
      - { lastTransitionTime: {{ \$now | Quote }}, status: "False", type: ContainersReady, reason: ContainersNotReady }
      containerStatuses:
      {{ range .spec.containers }}
      - image: {{ .image | Quote }}
        name: {{ .name | Quote }}
        ready: false
        restartCount: 0
        started: true
        state:
          running:
            startedAt: {{ \$now | Quote }}
      {{ end }}
      hostIP: {{ NodeIPWith .spec.nodeName | Quote }}
      podIP: {{ PodIPWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) | Quote }}
      phase: Running
      startTime: {{ \$now | Quote }}
EOF
}
start_e2e_cluster() {
  kwok_stages >"$work/stages.yaml" || return 1
  start_cluster --config "$work/stages.yaml"
}
check "a control plane of Kubernetes $KUBERNETES_VERSION with kwok's pod stages and a never-ready image" start_e2e_cluster
check "three simulated nodes in three zones are Ready" add_nodes

# The CRDs of the remote add-ons the e2e environment leaves out (their charts are unreachable
# here), from the same pinned modules as the schema checks; Argo CD's from the version it runs.
argocd_source=$(cd hack/argocd && GOTOOLCHAIN=auto go list -m -f '{{.Dir}}' "$argocd_module")
install_crds() {
  local file args=()
  while read -r file; do
    case "$file" in */argo-cd/*) ;; *) args+=(-f "$file") ;; esac
  done < <("$kube_validate" crd-files -sources hack/kube-validate/crd-sources.txt)
  for file in "$argocd_source"/manifests/crds/*-crd.yaml; do args+=(-f "$file"); done
  [ ${#args[@]} -ge 4 ] || { echo "only ${#args[@]} CRD files"; return 1; }
  k apply --server-side "${args[@]}" >/dev/null || return 1
  local attempt
  for attempt in $(seq 30); do
    k wait --for=condition=Established crd --all --timeout=10s >/dev/null 2>&1 &&
      k get crd applications.argoproj.io >/dev/null && return 0
    sleep 1
  done
  echo "CRDs not established after $attempt tries"
  return 1
}
check "Argo CD's CRDs ($ARGOCD_VERSION) and the remote add-ons' CRDs are established" install_crds

# Argo CD's namespace and configuration as its release manifests have them (the bootstrap's
# helm install creates both on a real cluster); the Application health check is added by the
# bootstrap itself below.
argocd_config() {
  k create namespace argocd >/dev/null || return 1
  k -n argocd apply -k "$argocd_source/manifests/base/config/" >/dev/null
}
check "namespace argocd and Argo CD's ConfigMaps and Secret from its $ARGOCD_VERSION manifests" argocd_config

free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}
wait_port() {
  local attempt
  for attempt in $(seq 60); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 1
  done
  return 1
}
redis_port=$(free_port)
repo_port=$(free_port)
mkdir -p "$work/home" "$work/tmp" "$work/bin" "$work/argocd/tls" "$work/argocd/ssh" "$work/argocd/gpg" "$work/logs"
# The repo server runs the wrapper its image ships for every commit it reads.
install -m 0755 "$argocd_source/hack/git-verify-wrapper.sh" "$work/bin/"
# Everything Argo CD, helm and git write goes under $work (removed at the end).
# ARGOCD_FAKE_IN_CLUSTER: the in-cluster destination is the cluster of $KUBECONFIG.
argocd_env=(HOME="$work/home" TMPDIR="$work/tmp" PATH="$work/bin:$PWD/$tools/bin:$PATH" ARGOCD_FAKE_IN_CLUSTER=true KUBECONFIG="$kubeconfig"
  ARGOCD_TLS_DATA_PATH="$work/argocd/tls" ARGOCD_SSH_DATA_PATH="$work/argocd/ssh"
  ARGOCD_GNUPGHOME="$work/argocd/gpg" ARGOCD_GPG_ENABLED=false)
start_argocd() {
  redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
    --dir "$work/tmp" >"$work/logs/redis.log" 2>&1 &
  pids+=($!)
  env "${argocd_env[@]}" ARGOCD_BINARY_NAME=argocd-repo-server "$argocd" --loglevel info \
    --address 127.0.0.1 --port "$repo_port" --metrics-address 127.0.0.1 --metrics-port "$(free_port)" --redis "127.0.0.1:$redis_port" \
    --revision-cache-expiration "${RECONCILIATION_SECONDS}s" >"$work/logs/repo-server.log" 2>&1 &
  pids+=($!)
  env "${argocd_env[@]}" ARGOCD_BINARY_NAME=argocd-application-controller ARGOCD_CONTROLLER_SHARD=0 "$argocd" --loglevel info \
    --kubeconfig "$kubeconfig" --namespace argocd --redis "127.0.0.1:$redis_port" \
    --repo-server "127.0.0.1:$repo_port" --metrics-port "$(free_port)" \
    --app-resync "$RECONCILIATION_SECONDS" --app-resync-jitter 0 >"$work/logs/controller.log" 2>&1 &
  pids+=($!)
  wait_port "$redis_port" && wait_port "$repo_port" || return 1
  sleep 3
  local pid
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { tail -20 "$work"/logs/*.log; return 1; }; done
}
check "redis-server, argocd-repo-server and argocd-application-controller $ARGOCD_VERSION run" start_argocd

# The repository: a bare clone of this checkout's HEAD (main of the test), and a working clone
# from which changes are pushed the way the release workflow pushes them.
remote="$work/tbyte.git"
repo_url="file://$remote"
clone="$work/clone"
local_repository() {
  git clone --quiet --bare --no-hardlinks "$PWD" "$remote" &&
    git -C "$remote" symbolic-ref HEAD refs/heads/main &&
    git -C "$remote" update-ref refs/heads/main "$(git rev-parse HEAD)" &&
    git clone --quiet --branch main "$remote" "$clone" &&
    # The release scripts' node packages (node_modules is not in git).
    ln -s "$PWD/node_modules" "$clone/node_modules"
}
check "a local repository with main at HEAD ($(git rev-parse --short HEAD))" local_repository

release() {
  (cd "$clone" && GITOPS_REMOTE="$remote" bash scripts/commit-gitops-change.sh "$1" argocd-apps/envs/e2e/images.yaml -- \
    node scripts/set-image-tags.mjs e2e "${@:2}") >>"$work/logs/release.log" 2>&1
}
# A change merged to main: the command edits the working clone, the result is pushed.
git_e2e() { git -C "$clone" -c user.name=e2e -c user.email=e2e@tbyte.local "$@"; }
merge() {
  local message=$1
  shift
  git_e2e pull --quiet --ff-only origin main && (cd "$clone" && "$@") && git_e2e add argocd-apps &&
    git_e2e commit --quiet -m "$message" && git_e2e push --quiet origin HEAD:main
}
revert_last() {
  git_e2e pull --quiet --ff-only origin main && git_e2e revert --no-edit HEAD >/dev/null && git_e2e push --quiet origin HEAD:main
}
tag() { printf '%s' "$1" | sha1sum | cut -c1-40; }

app_field() { k -n argocd get application "$1" -o "jsonpath=$2" 2>/dev/null; }
# until SECONDS COMMAND...: retries the command once a second.
until_true() {
  local seconds=$1 attempt
  shift
  for attempt in $(seq "$seconds"); do
    "$@" && return 0
    sleep 1
  done
  return 1
}
synced_healthy() {
  [ "$(app_field "$1" '{.status.sync.status}/{.status.health.status}')" = Synced/Healthy ]
}

# The cluster has no ingress controller or load balancer: the suite writes an Ingress address
# the way the controller does, so Argo CD's Ingress health sees one (docs/gitops-e2e.md).
simulate_ingress_controller() {
  while true; do
    k get ingress -A -o jsonpath='{range .items[*]}{.metadata.namespace} {.metadata.name} {.status.loadBalancer.ingress[0].hostname}{"\n"}{end}' 2>/dev/null |
      while read -r namespace name address; do
        [ -n "$address" ] && continue
        k -n "$namespace" patch ingress "$name" --subresource=status --type=merge \
          -p '{"status":{"loadBalancer":{"ingress":[{"hostname":"lb.e2e.tbyte.local"}]}}}' >/dev/null 2>&1
      done
    sleep 2
  done
}
simulate_ingress_controller &
ingress_pid=$!

# No volume provisioner runs here: the database's claim is bound to a volume made for it.
database_volume() {
  k apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: PersistentVolume
metadata:
  name: tbyte-argocd-e2e-postgresql
spec:
  capacity: { storage: 10Gi }
  accessModes: ["ReadWriteOnce"]
  storageClassName: gp3
  hostPath: { path: /tmp/tbyte-argocd-e2e-postgresql }
  claimRef: { namespace: tbyte, name: data-postgresql-0 }
EOF
}
check "a volume for the database" database_volume

first_tag=$(tag first)
check "the release path writes and pushes the first image tags for e2e" release "e2e: first release" \
  "backend=$first_tag" "frontend=$first_tag"

bootstrap() {
  env PATH="$PWD/$k8s_bin:$PATH" KUBECONFIG="$kubeconfig" REPO_URL="$repo_url" BOOTSTRAP_ARGOCD=present \
    bash argocd-apps/bootstrap/bootstrap.sh e2e >"$work/logs/bootstrap.log" 2>&1 || { cat "$work/logs/bootstrap.log"; return 1; }
  [ "$(app_field root '{.spec.source.repoURL}')" = "$repo_url" ] &&
    [ -n "$(k -n argocd get configmap argocd-cm -o jsonpath='{.data.resource\.customizations\.health\.argoproj\.io_Application}')" ] &&
    [ "$(k -n argocd get configmap argocd-cm -o jsonpath='{.metadata.labels.app\.kubernetes\.io/part-of}')" = argocd ]
}
check "bootstrap.sh e2e (pointed at the local repository) creates the root Application and the health check" bootstrap

expected_apps=$(node -e '
const { parse } = require("yaml");
const read = (f) => parse(require("fs").readFileSync(f, "utf8")) ?? {};
const dev = read("argocd-apps/envs/dev/values.yaml"), e2e = read("argocd-apps/envs/e2e/values.yaml"), base = read("argocd-apps/values.yaml");
const addons = require("fs").readdirSync("argocd-apps/addons").filter((f) => f.endsWith(".yaml")).map((f) => f.slice(0, -".yaml".length));
const names = addons.filter((n) => e2e.addons?.[n]?.enabled ?? dev.addons?.[n]?.enabled ?? true);
for (const [n, a] of Object.entries(base.apps)) if (e2e.apps?.[n]?.enabled ?? dev.apps?.[n]?.enabled ?? a.enabled) names.push(n);
console.log(names.sort().join(" "));')
all_synced_healthy() {
  local app
  synced_healthy root || return 1
  for app in $expected_apps; do synced_healthy "$app" || return 1; done
}
report_apps() {
  k -n argocd get applications -o custom-columns='NAME:.metadata.name,WAVE:.metadata.annotations.argocd\.argoproj\.io/sync-wave,SYNC:.status.sync.status,HEALTH:.status.health.status,MESSAGE:.status.conditions[*].message' 2>&1
}
bootstrap_synced() {
  local started=$SECONDS
  until_true 420 all_synced_healthy || { report_apps; tail -30 "$work/logs/controller.log"; return 1; }
  bootstrap_seconds=$((SECONDS - started))
  local count
  count=$(k -n argocd get applications -o name | wc -l)
  echo "     $count Applications ($expected_apps and root) Synced/Healthy $bootstrap_seconds s after the bootstrap"
  [ "$count" -eq $(($(wc -w <<<"$expected_apps") + 1)) ]
}
check "Argo CD syncs the root and every child ($(wc -w <<<"$expected_apps") local charts) to Synced/Healthy" bootstrap_synced

# Each child's sync start against the time every child of an earlier wave turned Healthy.
waves_in_order() {
  # shellcheck disable=SC2016 # JavaScript template literals
  k -n argocd get applications -o json | node -e '
const apps = JSON.parse(require("fs").readFileSync(0, "utf8")).items.filter((a) => a.metadata.name !== "root");
const wave = (a) => Number(a.metadata.annotations["argocd.argoproj.io/sync-wave"]);
let pairs = 0, problems = [];
for (const later of apps) for (const earlier of apps) {
  if (wave(earlier) >= wave(later)) continue;
  const started = Date.parse(later.status.operationState?.startedAt), healthy = Date.parse(earlier.status.health?.lastTransitionTime);
  if (Number.isNaN(started) || Number.isNaN(healthy)) { problems.push(`${later.metadata.name}/${earlier.metadata.name}: no timestamps`); continue; }
  pairs++;
  if (started < healthy) problems.push(`${later.metadata.name} (wave ${wave(later)}) started ${later.status.operationState.startedAt}, before ${earlier.metadata.name} (wave ${wave(earlier)}) was Healthy at ${earlier.status.health.lastTransitionTime}`);
}
console.log(`     ${pairs} pairs of waves compared over ${apps.length} Applications`);
if (problems.length || pairs === 0) { console.log(problems.join("\n")); process.exit(1); }'
}
check "each wave's Applications started syncing after every earlier wave was Healthy" waves_in_order

backend_image() { k -n tbyte get deployment backend -o jsonpath='{.spec.template.spec.containers[0].image}'; }
rolled_out() {
  [ "$(backend_image)" = "tbyte/backend:$1" ] &&
    k -n tbyte rollout status deployment/backend --timeout=1s >/dev/null 2>&1
}
auto_sync_on_merge() {
  local next before after started
  next=$(tag second)
  before=$(k -n tbyte get rs -l app.kubernetes.io/name=backend -o name | wc -l)
  started=$SECONDS
  release "e2e: backend $next" "backend=$next" || return 1
  until_true 180 rolled_out "$next" || { report_apps; return 1; }
  merge_seconds=$((SECONDS - started))
  after=$(k -n tbyte get rs -l app.kubernetes.io/name=backend -o name | wc -l)
  echo "     commit to rolled out: $merge_seconds s (reconciliation every $RECONCILIATION_SECONDS s); ReplicaSets $before -> $after"
  [ "$after" -gt "$before" ] && [ -z "$(k -n argocd get application root -o jsonpath='{.operation.sync.manual}')" ]
}
check "a tag bump by the release scripts reaches the backend by auto-sync (a new ReplicaSet available)" auto_sync_on_merge

frontend_tag() { app_field frontend '{.spec.source.helm.valuesObject.image.tag}'; }
backend_held() {
  [ "$(backend_image)" = "tbyte/backend:$never_ready_tag" ] &&
    [[ "$(app_field backend '{.status.health.status}')" =~ ^(Progressing|Degraded)$ ]]
}
never_ready_holds_wave_5() {
  local held_frontend wanted_frontend waiting unready seconds
  held_frontend=$(frontend_tag)
  wanted_frontend=$(tag third)
  release "e2e: backend never ready, frontend $wanted_frontend" "backend=$never_ready_tag" "frontend=$wanted_frontend" || return 1
  until_true 120 backend_held || { report_apps; return 1; }
  # Several reconciliations while the backend stays unready: the root's sync holds wave 5.
  for seconds in $(seq $((RECONCILIATION_SECONDS * 3))); do
    [ "$(frontend_tag)" = "$held_frontend" ] || { echo "frontend moved to $(frontend_tag) while the backend was unready"; return 1; }
    sleep 1
  done
  # The reason, from the root down: the root waits for the backend Application, which is
  # Progressing because the Deployment's new pods are not ready.
  waiting=$(app_field root '{.status.operationState.message}')
  unready=$(k -n tbyte get pods -l app.kubernetes.io/name=backend --no-headers \
    -o custom-columns='IMAGE:.spec.containers[0].image,READY:.status.conditions[?(@.type=="Ready")].reason' |
    awk -v image="tbyte/backend:$never_ready_tag" '$1 == image { print $2 }' | sort | uniq -c | xargs)
  echo "     root: $waiting; backend $(app_field backend '{.status.health.status}'); new pods: $unready"
  [[ "$waiting" == *"Application/backend"* ]] && [[ "$unready" == *ContainersNotReady ]] || return 1
  # A fixed image, then the root's stuck operation ended as an operator would (argocd app
  # terminate-op): auto-sync starts again from the new commit.
  release "e2e: backend fixed" "backend=$(tag fixed)" || return 1
  k -n argocd patch application root --type merge -p '{"status":{"operationState":{"phase":"Terminating"}}}' >/dev/null || return 1
  until_true 240 all_synced_healthy || { report_apps; return 1; }
  [ "$(frontend_tag)" = "$wanted_frontend" ] && rolled_out "$(tag fixed)"
}
check "a backend image that never turns ready holds wave 5 back (backend Progressing with the reason); a fix recovers" never_ready_holds_wave_5

pdb_min_available() { [ "$(k -n tbyte get pdb backend -o jsonpath='{.spec.minAvailable}')" = "$1" ]; }
self_heal() {
  pdb_min_available 50% || return 1
  k -n tbyte patch poddisruptionbudget backend --type merge -p '{"spec":{"minAvailable":1}}' >/dev/null || return 1
  until_true 60 pdb_min_available 50%
}
check "self-heal: a manual edit of a managed object (the backend's PDB) is reverted" self_heal
pdb_gone() { ! k -n tbyte get pdb backend >/dev/null 2>&1; }
prune() {
  merge "e2e: the backend without its PodDisruptionBudget" \
    node -e 'const f = "argocd-apps/envs/e2e/values.yaml", fs = require("fs"), { parseDocument } = require("yaml");
      const d = parseDocument(fs.readFileSync(f, "utf8")); d.setIn(["apps", "backend", "values", "pdb", "enabled"], false); fs.writeFileSync(f, String(d));' || return 1
  until_true 90 pdb_gone || { report_apps; return 1; }
  until_true 60 synced_healthy backend
}
check "prune: an object removed from the chart's output (the backend's PDB) is deleted from the cluster" prune

comparison_error() {
  [[ "$(app_field backend '{.status.conditions[?(@.type=="ComparisonError")].message}')" == *"$1"* ]]
}
no_comparison_error() { ! comparison_error /autoscaling/mode; }
bad_commit() {
  local running bad=sometimes
  running=$(backend_image)
  merge "e2e: an autoscaling mode the chart refuses" \
    node -e 'const f = "argocd-apps/envs/e2e/values.yaml", fs = require("fs"), { parseDocument } = require("yaml");
      const d = parseDocument(fs.readFileSync(f, "utf8")); d.setIn(["apps", "backend", "values", "autoscaling", "mode"], "'"$bad"'"); fs.writeFileSync(f, String(d));' || return 1
  # Helm's schema error names the value by its path, not by what it was set to.
  until_true 90 comparison_error /autoscaling/mode || { report_apps; return 1; }
  echo "     backend: $(app_field backend '{.status.conditions[?(@.type=="ComparisonError")].message}' | grep -o "[^:]*/autoscaling/mode[^\"]*" | head -1)"
  [ "$(backend_image)" = "$running" ] || { echo "the running image changed to $(backend_image)"; return 1; }
  revert_last || return 1
  until_true 90 no_comparison_error && until_true 60 synced_healthy backend && [ "$(backend_image)" = "$running" ]
}
check "a value the schema refuses shows a ComparisonError naming it, the running version stays; a revert recovers" bad_commit

# The class of bug a real sync meets first, on the real trees: every custom kind an Application
# of dev or prod renders is served by a CRD of an earlier wave or of the same Application (the
# GitOps tests' check, argocd-apps/tests/tree-checks.mjs; the e2e tree leaves the add-ons that
# install those CRDs out, so it is not the tree to ask).
crd_order_of_real_trees() {
  local env version=${KUBERNETES_VERSION#v}
  mkdir -p "$work/trees"
  for env in dev prod; do
    node scripts/update-app-configs.mjs "$env" "charts/tests/fixtures/terraform-outputs-$env.json" \
      "$work/trees/cluster-$env.yaml" >/dev/null &&
      "$helm" template root argocd-apps -n argocd --kube-version "$version" -f "argocd-apps/envs/$env/values.yaml" \
        -f "$work/trees/cluster-$env.yaml" -f charts/tests/fixtures/images.yaml >"$work/trees/$env.yaml" 2>/dev/null || return 1
  done
  node argocd-apps/tests/tree-checks.mjs --helm "$helm" --kube-version "$version" --checks crd-order \
    --min-applications 20 "$work/trees/dev.yaml" "$work/trees/prod.yaml" | sed 's/^/     /'
  [ "${PIPESTATUS[0]}" -eq 0 ]
}
check "each custom kind of dev and prod is served by a CRD of an earlier wave or the same Application" crd_order_of_real_trees

nothing_left() {
  local own=("${pids[@]}" "$ingress_pid") pid
  stop_all
  trap - EXIT
  for pid in "${own[@]}"; do
    kill -0 "$pid" 2>/dev/null && { echo "process $pid still runs"; return 1; }
  done
  pgrep -f "$work" >/dev/null && { echo "processes of $work still run: $(pgrep -af "$work")"; return 1; }
  [ ! -e "$work" ] || { echo "$work is left"; return 1; }
  "$kwok_bin/kwokctl" get clusters 2>/dev/null | grep -qx "$cluster" && { echo "cluster $cluster is left"; return 1; }
  echo "     ${#own[@]} processes and cluster $cluster stopped, $work removed"
}
check "everything the suite started stops; nothing is left outside $tools" nothing_left

echo "argocd-e2e: bootstrap to Synced/Healthy ${bootstrap_seconds:-?} s, commit to rolled out ${merge_seconds:-?} s"
write_report argocd-e2e
[ "$failed" -eq 0 ]
