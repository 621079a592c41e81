#!/usr/bin/env bash
# shellcheck disable=SC2329 # shellcheck does not see calls inside the one block below
# The app as pods on a real node: etcd, kube-apiserver, controller-manager and scheduler, and a
# node of this machine (kubelet, containerd with Debian's runc and CNI plugins, kube-proxy in
# iptables mode, kube-router enforcing NetworkPolicies), all at the one Kubernetes pin
# (hack/k8s/kubernetes-version.json) and built from their modules (hack/*, cached in .tools/).
# CoreDNS runs as the kube-dns pod, Traefik as the ingress controller of IngressClass nginx,
# metrics-server behind the HPA. The project's images are built by podman from the real
# Dockerfiles and imported into containerd; nothing is pulled. Writes reports/cluster-e2e.json.
#
# It changes the host while it runs (iptables, a bridge, sysctls, mounts) and puts all of it
# back on exit; its state lives in one folder under /tmp, removed on exit.
#
# Not yet a step of .ci/run (docs/decisions/0014): it brings up the node, the add-ons and the
# platform chart, and has not yet passed through the app installs and the checks.
set -uo pipefail
# The whole script is one block, read before it runs: an edit of this file during a run (it
# takes minutes) cannot change what the run executes.
{
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=scripts/lib/checks.sh
. scripts/lib/checks.sh
# shellcheck source=scripts/lib/go-tools.sh
. scripts/lib/go-tools.sh

KUBERNETES_VERSION=$(kubernetes_version)
[ "$(id -u)" -eq 0 ] || { echo "cluster-e2e: a node needs root" >&2; exit 1; }
helm=.tools/bin/helm
[ -x "$helm" ] || { echo "cluster-e2e: $helm is missing: run pnpm test:infra charts once" >&2; exit 1; }

# The node's networks: pods on a bridge of its own (the node's address is the bridge's), the
# Services' virtual range, and the DNS Service address the kubelet hands to pods.
bridge=tbyte0
pod_cidr=10.244.0.0/24
node_ip=10.244.0.1
service_cidr=10.96.0.0/16
dns_ip=10.96.0.10
node=tbyte-node
host=tbyte.local
# The ingress on the loopback port 80 (a NodePort, kube-proxy's localhost rule), as browsers expect.
ingress_port=80

state=$(mktemp -d /tmp/tbyte-cluster-e2e.XXXXXX)
chmod 0755 "$state"
pids=()
kube_router_pid=
kubeconfig=$state/admin.kubeconfig
k() { "$bin_k8s/kubectl" --kubeconfig "$kubeconfig" "$@"; }
h() { "$helm" --kubeconfig "$kubeconfig" "$@"; }
log() { echo "     $*"; }
started=$SECONDS

# --- builds ------------------------------------------------------------------------------
check "build kube-apiserver, controller-manager, scheduler, kubectl, kubelet, kube-proxy $KUBERNETES_VERSION and etcd" build_kubernetes
check "build containerd, containerd-shim-runc-v2 and ctr" build_containerd
check "build kube-router" build_kube_router
check "build CoreDNS" build_coredns
check "build Traefik" build_traefik
check "build metrics-server" build_metrics_server
bin_k8s=$(go_tool_dir k8s)
bin_containerd=$(go_tool_dir containerd)
for tool in kubectl kubelet kube-proxy kube-apiserver etcd; do
  [ -x "$bin_k8s/$tool" ] || { echo "cluster-e2e: $tool was not built" >&2; write_report cluster-e2e; exit 1; }
done
log "builds ready after $((SECONDS - started)) s"

# --- what the host looks like before, to put back and to compare with afterwards ----------------
# The kubelet sets the first three (its kernel defaults), the node's networking the others.
sysctls=(kernel.panic kernel.panic_on_oops vm.overcommit_memory net.ipv4.ip_forward
  net.bridge.bridge-nf-call-iptables net.ipv4.conf.all.route_localnet)
declare -A sysctl_before
for name in "${sysctls[@]}"; do sysctl_before[$name]=$(sysctl -n "$name"); done
host_listing() { find /var/lib /etc /run -mindepth 1 -maxdepth 1 | sort; }
host_listing >"$state/host-before"
chains() { for table in filter nat mangle raw; do iptables -t "$table" -S | sed -n "s/^-N /$table /p"; done | sort; }
chains >"$state/chains-before"
ipset list -n 2>/dev/null | sort >"$state/ipsets-before"
netns_names() { ip netns list | awk '{ print $1 }' | sort; }
netns_names >"$state/netns-before"

# A child that has exited stays a zombie until waited for.
exited() {
  local state
  state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)
  [ -z "$state" ] || [ "$state" = Z ] || [ "$state" = X ]
}
# Stops what this script started, newest first, pods through the runtime first so that CNI
# releases their addresses and iptables rules; then the host's leftovers of a node.
stop_node() {
  local name
  if [ -S "$state/containerd.sock" ] && [ -n "${kubelet_pid:-}" ]; then
    k delete deployments,statefulsets,daemonsets,replicasets,jobs --all -A --wait=false >/dev/null 2>&1
    k delete pods --all -A --grace-period=1 --wait=false >/dev/null 2>&1
    until_true 60 test -z "$(ctr_k8s containers ls -q 2>/dev/null)"
  fi
  local index
  for ((index = ${#pids[@]} - 1; index >= 0; index--)); do
    kill "${pids[index]}" 2>/dev/null
  done
  # A daemon that outlives a dependency it was told about first (kube-apiserver without etcd)
  # may never finish its graceful stop: SIGKILL after 20 s.
  for ((index = ${#pids[@]} - 1; index >= 0; index--)); do
    until_true 20 exited "${pids[index]}" || kill -9 "${pids[index]}" 2>/dev/null
    wait "${pids[index]}" 2>/dev/null
  done
  pids=()
  # Shims of any container the kubelet did not remove outlive containerd: end them by their
  # socket, which names this run's state folder.
  local shim
  for shim in $(pgrep -f "containerd-shim-runc-v2 .*-address $state/" 2>/dev/null); do kill -9 "$shim" 2>/dev/null; done
  # Mounts under the state folder (pod volumes, overlay roots, sandbox shm), deepest first.
  findmnt -rn -o TARGET | grep "^$state/" | sort -r | while read -r target; do umount -l "$target"; done
  # The kubelet's pod cgroups (cgroup v1: one tree per controller).
  find /sys/fs/cgroup -mindepth 2 -maxdepth 2 -name kubepods -type d 2>/dev/null | while read -r tree; do
    find "$tree" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  # Sandboxes the kubelet did not remove keep their network namespace (and the veth in it):
  # this run's are the ones that were not there before. Then the veths left on the bridge.
  local netns link
  comm -13 "$state/netns-before" <(netns_names) | while read -r netns; do ip netns delete "$netns" 2>/dev/null; done
  for link in $(ip -o link show type veth | awk -F'[ :@]+' '$0 ~ "master '"$bridge"'" { print $2 }'); do ip link delete "$link"; done
  ip link delete "$bridge" 2>/dev/null
  remove_chains
  comm -13 "$state/ipsets-before" <(ipset list -n 2>/dev/null | sort) | while read -r set; do ipset destroy "$set" 2>/dev/null; done
  for name in "${sysctls[@]}"; do sysctl -qw "$name=${sysctl_before[$name]}"; done
  [ -n "${cni_data_made:-}" ] && rm -rf /var/lib/cni
  [ -n "${containerd_run_made:-}" ] && rm -rf /run/containerd
  # The kubelet's device-plugin folder ignores --root-dir.
  [ -n "${kubelet_lib_made:-}" ] && rm -rf /var/lib/kubelet
  return 0
}
# The chains kube-proxy, kube-router and CNI made: rules in other chains that jump to them
# first, then the chains themselves.
remove_chains() {
  local table chain rule
  comm -13 "$state/chains-before" <(chains) >"$state/chains-new"
  while read -r table chain; do
    iptables -t "$table" -S | grep -- "-j $chain\( \|$\)" | grep -v "^-A $chain " | sed 's/^-A /-D /' |
      while read -r rule; do eval "iptables -t $table $rule" 2>/dev/null; done
  done <"$state/chains-new"
  while read -r table chain; do iptables -t "$table" -F "$chain" 2>/dev/null; done <"$state/chains-new"
  while read -r table chain; do iptables -t "$table" -X "$chain" 2>/dev/null; done <"$state/chains-new"
}
finish() {
  stop_node
  rm -rf "$state"
}
trap finish EXIT
trap 'exit 130' INT TERM
[ -d /var/lib/cni ] || cni_data_made=1
[ -d /run/containerd ] || containerd_run_made=1
[ -d /var/lib/kubelet ] || kubelet_lib_made=1
ctr_k8s() { "$bin_containerd/ctr" --address "$state/containerd.sock" -n k8s.io "$@"; }

# --- certificates and kubeconfigs ---------------------------------------------------------
pki=$state/pki
certificates() {
  mkdir -p "$pki" && cd "$pki" || return 1
  # shellcheck disable=SC2317 # called below
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 1 -subj /CN=tbyte-e2e-ca 2>/dev/null || return 1
  # name, subject, extensions
  issue() {
    openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null &&
      openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -out "$1.crt" \
        -extfile <(printf '%s\n' "$3") 2>/dev/null
  }
  issue apiserver /CN=kube-apiserver "subjectAltName=IP:$node_ip,IP:127.0.0.1,IP:10.96.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
extendedKeyUsage=serverAuth" &&
    issue admin "/O=system:masters/CN=tbyte-e2e-admin" "extendedKeyUsage=clientAuth" &&
    issue kubelet "/O=system:nodes/CN=system:node:$node" "extendedKeyUsage=clientAuth" &&
    issue kube-proxy /CN=system:kube-proxy "extendedKeyUsage=clientAuth" &&
    issue controller-manager /CN=system:kube-controller-manager "extendedKeyUsage=clientAuth" &&
    issue scheduler /CN=system:kube-scheduler "extendedKeyUsage=clientAuth" &&
    issue front-proxy /CN=front-proxy-client "extendedKeyUsage=clientAuth" &&
    openssl genrsa -out service-accounts.key 2048 2>/dev/null || return 1
  local name
  for name in admin kubelet kube-proxy controller-manager scheduler; do
    cat >"$state/$name.kubeconfig" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters: [{ name: e2e, cluster: { server: "https://$node_ip:443", certificate-authority: "$pki/ca.crt" } }]
users: [{ name: $name, user: { client-certificate: "$pki/$name.crt", client-key: "$pki/$name.key" } }]
contexts: [{ name: e2e, context: { cluster: e2e, user: $name } }]
current-context: e2e
KUBECONFIG
  done
  cd - >/dev/null || return 1
}
check "a cluster CA and a certificate per component (kubelet as system:node:$node)" certificates

# --- the control plane ----------------------------------------------------------------------
mkdir -p "$state/logs"
# start NAME COMMAND...: a daemon of this run, its output in $state/logs/NAME.log.
start() {
  local name=$1
  shift
  "$@" >"$state/logs/$name.log" 2>&1 &
  pids+=($!)
  eval "${name//-/_}_pid=$!"
}
# Prints the end of a daemon's log when a check fails, so CI's output shows why.
show_log() { echo "     --- $1.log"; tail -n "${2:-20}" "$state/logs/$1.log" | sed 's/^/     /'; }
until_true() {
  local seconds=$1 deadline
  shift
  deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 1
  done
}

node_network() {
  mount --make-rshared / &&
    sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1 &&
    ip link add "$bridge" type bridge && ip addr add "$node_ip/24" dev "$bridge" && ip link set "$bridge" up
}
check "the node's bridge $bridge at $node_ip, forwarding and bridged traffic through iptables" node_network

control_plane() {
  start etcd "$bin_k8s/etcd" --data-dir "$state/etcd" --name e2e \
    --listen-client-urls http://127.0.0.1:12379 --advertise-client-urls http://127.0.0.1:12379 \
    --listen-peer-urls http://127.0.0.1:12380 --initial-advertise-peer-urls http://127.0.0.1:12380 \
    --initial-cluster e2e=http://127.0.0.1:12380 --listen-metrics-urls http://127.0.0.1:12381
  start kube-apiserver "$bin_k8s/kube-apiserver" --etcd-servers http://127.0.0.1:12379 \
    --bind-address "$node_ip" --advertise-address "$node_ip" --secure-port 443 \
    --service-cluster-ip-range "$service_cidr" --service-node-port-range 80-32767 \
    --authorization-mode Node,RBAC --client-ca-file "$pki/ca.crt" \
    --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
    --kubelet-client-certificate "$pki/admin.crt" --kubelet-client-key "$pki/admin.key" \
    --kubelet-preferred-address-types InternalIP \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$pki/service-accounts.key" --service-account-signing-key-file "$pki/service-accounts.key" \
    --requestheader-client-ca-file "$pki/ca.crt" --requestheader-allowed-names front-proxy-client \
    --requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
    --requestheader-extra-headers-prefix X-Remote-Extra- \
    --proxy-client-cert-file "$pki/front-proxy.crt" --proxy-client-key-file "$pki/front-proxy.key" \
    --enable-aggregator-routing
  until_true 90 k get --raw /readyz || { show_log kube-apiserver; return 1; }
  # The HPA scales in 30 s after the load instead of 5 min, so the test sees it within its budget.
  start kube-controller-manager "$bin_k8s/kube-controller-manager" --kubeconfig "$state/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$state/controller-manager.kubeconfig" --authorization-kubeconfig "$state/controller-manager.kubeconfig" \
    --service-account-private-key-file "$pki/service-accounts.key" --root-ca-file "$pki/ca.crt" \
    --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" \
    --use-service-account-credentials --leader-elect=false --bind-address 127.0.0.1 --secure-port 0 \
    --horizontal-pod-autoscaler-downscale-stabilization 30s
  start kube-scheduler "$bin_k8s/kube-scheduler" --kubeconfig "$state/scheduler.kubeconfig" \
    --authentication-kubeconfig "$state/scheduler.kubeconfig" --authorization-kubeconfig "$state/scheduler.kubeconfig" \
    --leader-elect=false --bind-address 127.0.0.1 --secure-port 0
  [ "$(k version -o json | node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0)).serverVersion.gitVersion)')" = "$KUBERNETES_VERSION" ]
}
check "etcd, kube-apiserver $KUBERNETES_VERSION, controller-manager and scheduler serve" control_plane

# --- the node -------------------------------------------------------------------------------
# containerd with the CRI plugin: Debian's runc, a CNI configuration of the cluster's own, the
# locally built pause image. restrict_oom_score_adj: this machine lacks CAP_SYS_RESOURCE, and
# the negative oom_score_adj the kubelet asks for sandboxes would fail every pod in runc.
pause_image=localhost/tbyte-e2e/pause:3.10.1
runtime() {
  mkdir -p "$state/cni"
  cat >"$state/cni/10-tbyte.conflist" <<CNI
{
  "cniVersion": "1.0.0",
  "name": "tbyte-e2e",
  "plugins": [
    { "type": "bridge", "bridge": "$bridge", "isGateway": true, "ipMasq": true, "hairpinMode": true,
      "ipam": { "type": "host-local", "dataDir": "$state/cni-ipam", "ranges": [[{ "subnet": "$pod_cidr", "gateway": "$node_ip" }]],
                "routes": [{ "dst": "0.0.0.0/0" }] } },
    { "type": "portmap", "capabilities": { "portMappings": true } },
    { "type": "loopback" }
  ]
}
CNI
  cat >"$state/containerd.toml" <<TOML
version = 2
root = "$state/containerd"
state = "$state/containerd-state"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]
[grpc]
  address = "$state/containerd.sock"
[ttrpc]
  address = "$state/containerd.ttrpc.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$state/containerd-opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$pause_image"
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "/usr/sbin/runc"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$state/cni"
TOML
  start containerd env PATH="$PWD/$bin_containerd:$PATH" "$bin_containerd/containerd" --config "$state/containerd.toml"
  until_true 30 ctr_k8s version || { show_log containerd; return 1; }
}
check "containerd $(required_version containerd github.com/containerd/containerd) with runc and the CNI bridge" runtime

# --- images: nothing is pulled ----------------------------------------------------------------
cat >"$state/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=8192:8192"]
[engine]
runtime = "runc"
CONF
export CONTAINERS_CONF="$state/containers.conf"
images=()
# scratch_image NAME TAG FILE...: the files at / of an image that runs the first one as a non-root user.
scratch_image() {
  local name=$1 tag=$2 context
  shift 2
  context=$(mktemp -d "$state/image.XXXXXX")
  cp "$@" "$context/" || return 1
  {
    echo "FROM scratch"
    local file
    for file in "$@"; do echo "COPY $(basename "$file") /$(basename "$file")"; done
    echo "USER 65532:65532"
    echo "ENTRYPOINT [\"/$(basename "$1")\"]"
  } >"$context/Containerfile"
  podman build --quiet --pull=never --network=none -t "localhost/tbyte-e2e/$name:$tag" "$context" >/dev/null &&
    images+=("localhost/tbyte-e2e/$name:$tag")
}
# The sandbox image from the pause.c of the pinned Kubernetes module.
pause() {
  local source
  source=$(cd hack/k8s && go list -m -f '{{.Dir}}' k8s.io/kubernetes)/build/pause/linux/pause.c
  gcc -Os -Wall -Werror -static -DVERSION=v3.10.1 -o "$state/pause" "$source" &&
    scratch_image pause 3.10.1 "$state/pause"
}
check "the pause image from pause.c (gcc -static)" pause
addon_images() {
  scratch_image coredns e2e "$(go_tool_dir coredns)/coredns" &&
    scratch_image traefik e2e "$(go_tool_dir traefik)/traefik" &&
    scratch_image metrics-server e2e "$(go_tool_dir metrics-server)/metrics-server"
}
check "images of CoreDNS, Traefik and metrics-server (FROM scratch)" addon_images

check "stand-in base images" bash scripts/stand-ins/build.sh
# build_app COMPONENT TAG VERSION: the image from its real Dockerfile, named as the charts' e2e values say.
# build_app NAME VERSION: the image tagged with its version, as the release workflow tags them
# (the charts report the tag as the version).
build_app() {
  podman build --format docker --pull=never --network=host --quiet \
    --build-arg APP_VERSION="$2" --build-arg GIT_SHA="$(git rev-parse HEAD)" \
    -f "$1/Dockerfile" -t "docker.io/tbyte/$1:$2" . >/dev/null && images+=("docker.io/tbyte/$1:$2")
}
check "build tbyte/backend and tbyte/frontend from their Dockerfiles (--pull=never)" eval \
  'build_app backend 1.0.0-e2e && build_app frontend 1.0.0-e2e'
# The database image the postgresql chart names (a stand-in of it, as compose uses).
images+=("docker.io/library/postgres:$(awk '/^image:/ { section = 1 } section && /^  tag:/ { print $2; exit }' charts/postgresql/values.yaml)")

import_images() {
  podman save --quiet -m --format docker-archive -o "$state/images.tar" "${images[@]}" &&
    ctr_k8s images import "$state/images.tar" >/dev/null || return 1
  rm -f "$state/images.tar"
  # Listings are read whole, here and below: grep -q ending a pipe early fails it (pipefail).
  local image missing=0 listed
  listed=$(ctr_k8s images ls -q) || return 1
  for image in "${images[@]}"; do
    grep -qxF "$image" <<<"$listed" || { echo "not in containerd: $image"; missing=1; }
  done
  log "${#images[@]} images imported"
  [ "$missing" -eq 0 ] && [ "${#images[@]}" -ge 7 ]
}
check "the images imported into containerd (podman save, ctr import)" import_images

# The kubelet: cgroup v1 allowed (1.35 refuses it otherwise), cgroupfs like runc here, its
# files under the state folder; eviction thresholds low, as this shared disk is no signal.
kubelet() {
  cat >"$state/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix://$state/containerd.sock
address: $node_ip
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: $pki/ca.crt }
authorization: { mode: Webhook }
clusterDNS: [$dns_ip]
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
podLogsDir: $state/pod-logs
failSwapOn: false
evictionHard: { memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1% }
imageGCHighThresholdPercent: 99
imageGCLowThresholdPercent: 98
YAML
  start kubelet "$bin_k8s/kubelet" --config "$state/kubelet.yaml" --kubeconfig "$state/kubelet.kubeconfig" \
    --root-dir "$state/kubelet" --cert-dir "$state/kubelet/pki" --hostname-override "$node" --node-ip "$node_ip"
  until_true 90 k wait --for=condition=Ready "node/$node" --timeout=5s || { show_log kubelet 40; return 1; }
}
check "kubelet $KUBERNETES_VERSION registers node $node and it turns Ready" kubelet

# Services in iptables mode, NodePorts on loopback too; conntrack sysctls left as they are.
kube_proxy() {
  cat >"$state/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clientConnection: { kubeconfig: $state/kube-proxy.kubeconfig }
hostnameOverride: $node
clusterCIDR: $pod_cidr
nodePortAddresses: [127.0.0.0/8, $node_ip/32]
metricsBindAddress: 127.0.0.1:20249
healthzBindAddress: 127.0.0.1:20256
conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s }
YAML
  start kube-proxy "$bin_k8s/kube-proxy" --config "$state/kube-proxy.yaml"
  until_true 60 iptables -t nat -S KUBE-SERVICES || { show_log kube-proxy; return 1; }
}
check "kube-proxy (iptables) programs the Services" kube_proxy

# NetworkPolicies enforced by kube-router's firewall alone (no routing, no service proxy).
kube_router() {
  start kube-router "$(go_tool_dir kube-router)/kube-router" --kubeconfig "$kubeconfig" \
    --hostname-override "$node" --run-firewall=true --run-router=false --run-service-proxy=false \
    --metrics-port 0 --health-port 20244
  until_true 60 iptables -S KUBE-ROUTER-FORWARD || { show_log kube-router; return 1; }
}
start_kube_router() { check "kube-router enforces NetworkPolicies (--run-firewall only)" kube_router; }
start_kube_router

# --- the platform and the add-ons -----------------------------------------------------------
# The e2e's "VPC" is the node's pod range: what the platform chart opens to the VPC (the load
# balancer's path into the ingress namespace) is open to the node's address here.
check "helm install platform --wait (namespaces, Pod Security labels, default deny, allow rules)" \
  h install platform charts/platform -f charts/platform/examples/values-dev.yaml \
  --set networkPolicies.vpcCidr=10.244.0.0/16 --wait --timeout 2m

addons() {
  local coredns_image=localhost/tbyte-e2e/coredns:e2e traefik_image=localhost/tbyte-e2e/traefik:e2e
  local metrics_image=localhost/tbyte-e2e/metrics-server:e2e
  k apply -f - >/dev/null <<YAML || return 1
# CoreDNS as kube-dns: the labels and Service address the charts' DNS egress rules and the kubelet expect.
apiVersion: v1
kind: ServiceAccount
metadata: { name: coredns, namespace: kube-system }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: system:coredns }
rules:
  - { apiGroups: [""], resources: [endpoints, services, pods, namespaces], verbs: [list, watch] }
  - { apiGroups: [discovery.k8s.io], resources: [endpointslices], verbs: [list, watch] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: system:coredns }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:coredns }
subjects: [{ kind: ServiceAccount, name: coredns, namespace: kube-system }]
---
apiVersion: v1
kind: ConfigMap
metadata: { name: coredns, namespace: kube-system }
data:
  Corefile: |
    .:53 {
        errors
        health :8080
        ready :8181
        kubernetes cluster.local in-addr.arpa ip6.arpa {
            pods insecure
            fallthrough in-addr.arpa ip6.arpa
        }
        forward . /etc/resolv.conf
        cache 30
        loop
    }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: coredns, namespace: kube-system, labels: { k8s-app: kube-dns } }
spec:
  replicas: 1
  selector: { matchLabels: { k8s-app: kube-dns } }
  template:
    metadata: { labels: { k8s-app: kube-dns } }
    spec:
      serviceAccountName: coredns
      dnsPolicy: Default
      securityContext:
        runAsNonRoot: true
        seccompProfile: { type: RuntimeDefault }
        sysctls: [{ name: net.ipv4.ip_unprivileged_port_start, value: "0" }]
      containers:
        - name: coredns
          image: $coredns_image
          args: [-conf, /etc/coredns/Corefile]
          ports: [{ containerPort: 53, protocol: UDP }, { containerPort: 53, protocol: TCP }]
          readinessProbe: { httpGet: { path: /ready, port: 8181 } }
          livenessProbe: { httpGet: { path: /health, port: 8080 } }
          securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: [ALL] } }
          volumeMounts: [{ name: config, mountPath: /etc/coredns }]
      volumes: [{ name: config, configMap: { name: coredns } }]
---
apiVersion: v1
kind: Service
metadata: { name: kube-dns, namespace: kube-system, labels: { k8s-app: kube-dns } }
spec:
  clusterIP: $dns_ip
  selector: { k8s-app: kube-dns }
  ports: [{ name: dns, port: 53, protocol: UDP }, { name: dns-tcp, port: 53, protocol: TCP }]
---
# Traefik in the ingress namespace the charts allow, serving the prod IngressClass name.
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: { name: nginx }
spec: { controller: traefik.io/ingress-controller }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: traefik, namespace: nginx-ingress }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: traefik }
rules:
  - { apiGroups: [""], resources: [services, secrets, nodes, endpoints], verbs: [get, list, watch] }
  - { apiGroups: [discovery.k8s.io], resources: [endpointslices], verbs: [list, watch] }
  - { apiGroups: [networking.k8s.io], resources: [ingresses, ingressclasses], verbs: [get, list, watch] }
  - { apiGroups: [networking.k8s.io], resources: [ingresses/status], verbs: [update] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: traefik }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: traefik }
subjects: [{ kind: ServiceAccount, name: traefik, namespace: nginx-ingress }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: traefik, namespace: nginx-ingress }
spec:
  replicas: 1
  selector: { matchLabels: { app.kubernetes.io/name: traefik } }
  template:
    metadata: { labels: { app.kubernetes.io/name: traefik } }
    spec:
      serviceAccountName: traefik
      securityContext:
        runAsNonRoot: true
        seccompProfile: { type: RuntimeDefault }
        sysctls: [{ name: net.ipv4.ip_unprivileged_port_start, value: "0" }]
      containers:
        - name: traefik
          image: $traefik_image
          args:
            - --entryPoints.web.address=:80
            - --entryPoints.traefik.address=:9000
            - --ping=true
            - --providers.kubernetesingress=true
            - --providers.kubernetesingress.ingressclass=nginx
            - --log.level=INFO
          ports: [{ name: web, containerPort: 80 }]
          readinessProbe: { httpGet: { path: /ping, port: 9000 } }
          livenessProbe: { httpGet: { path: /ping, port: 9000 } }
          securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: [ALL] } }
---
apiVersion: v1
kind: Service
metadata: { name: traefik, namespace: nginx-ingress }
spec:
  type: NodePort
  selector: { app.kubernetes.io/name: traefik }
  ports: [{ name: web, port: 80, targetPort: 80, nodePort: $ingress_port }]
---
# metrics-server: the resource metrics API the HPA reads, from the kubelet's /metrics/resource.
apiVersion: v1
kind: ServiceAccount
metadata: { name: metrics-server, namespace: kube-system }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: system:metrics-server }
rules:
  - { apiGroups: [""], resources: [nodes/metrics], verbs: [get] }
  - { apiGroups: [""], resources: [pods, nodes], verbs: [get, list, watch] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: system:metrics-server }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:metrics-server }
subjects: [{ kind: ServiceAccount, name: metrics-server, namespace: kube-system }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: metrics-server-auth-reader, namespace: kube-system }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: extension-apiserver-authentication-reader }
subjects: [{ kind: ServiceAccount, name: metrics-server, namespace: kube-system }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: metrics-server:system:auth-delegator }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:auth-delegator }
subjects: [{ kind: ServiceAccount, name: metrics-server, namespace: kube-system }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: metrics-server, namespace: kube-system }
spec:
  replicas: 1
  selector: { matchLabels: { k8s-app: metrics-server } }
  template:
    metadata: { labels: { k8s-app: metrics-server } }
    spec:
      serviceAccountName: metrics-server
      securityContext: { runAsNonRoot: true, seccompProfile: { type: RuntimeDefault } }
      containers:
        - name: metrics-server
          image: $metrics_image
          args:
            - --secure-port=10250
            - --cert-dir=/tmp
            - --kubelet-preferred-address-types=InternalIP
            - --kubelet-insecure-tls
            - --metric-resolution=15s
          ports: [{ name: https, containerPort: 10250 }]
          readinessProbe: { httpGet: { path: /readyz, port: https, scheme: HTTPS } }
          securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: [ALL] } }
          volumeMounts: [{ name: tmp, mountPath: /tmp }]
      volumes: [{ name: tmp, emptyDir: {} }]
---
apiVersion: v1
kind: Service
metadata: { name: metrics-server, namespace: kube-system }
spec:
  selector: { k8s-app: metrics-server }
  ports: [{ name: https, port: 443, targetPort: https }]
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: { name: v1beta1.metrics.k8s.io }
spec:
  service: { name: metrics-server, namespace: kube-system }
  group: metrics.k8s.io
  version: v1beta1
  insecureSkipTLSVerify: true
  groupPriorityMinimum: 100
  versionPriority: 100
YAML
  k -n kube-system rollout status deployment/coredns --timeout=120s &&
    k -n nginx-ingress rollout status deployment/traefik --timeout=120s &&
    k -n kube-system rollout status deployment/metrics-server --timeout=120s &&
    until_true 120 k top node "$node"
}
check "CoreDNS (kube-dns), Traefik (IngressClass nginx) and metrics-server run as pods; kubectl top answers" addons

# --- the app with the dev values --------------------------------------------------------------
# What the dev values take from add-ons this cluster does not run is replaced, and only that:
# credentials from a Secret instead of Vault's CSI volume (no CSI driver), no service key (it
# comes from Vault too), no ServiceMonitor or PrometheusRule (no Prometheus Operator), no
# trace export; images from this build. And one setting for the test itself: every request of
# its load generators comes from the one address of the ingress, which the per-client rate
# limit would count as one client, so the limit is out of the way.
# The database's three credential sets as the dev cluster has them (administrator, tbyte_migrator
# and tbyte_app, docs/architecture.md): the backend migrates and serves with its own two.
cat >"$state/values-postgresql.yaml" <<'YAML'
credentials: { source: secret, existingSecret: postgresql-credentials }
roles:
  enabled: true
  migrator: { existingSecret: postgresql-migrator-credentials }
  app: { existingSecret: postgresql-app-credentials }
YAML
cat >"$state/values-backend.yaml" <<'YAML'
database:
  credentials: { source: secret, existingSecret: postgresql-app-credentials }
  migration: { enabled: true, credentials: { source: secret, existingSecret: postgresql-migrator-credentials } }
apiKey: { enabled: false }
metrics: { serviceMonitor: { enabled: false } }
prometheusRule: { enabled: false }
config: { otel: { endpoint: '' }, rateLimitMax: 1000000 }
YAML
cat >"$state/values-frontend.yaml" <<'YAML'
apiKey: { enabled: false }
YAML
app_values() {
  echo "-f charts/$1/examples/values-dev.yaml -f $state/values-$1.yaml"
  case $1 in backend | frontend) echo "--set image.repository=tbyte/$1 --set image.tag=${2:-1.0.0-e2e}" ;; esac
}
app_prerequisites() {
  local secret user
  for secret in postgresql-credentials:tbyte postgresql-migrator-credentials:tbyte_migrator postgresql-app-credentials:tbyte_app; do
    user=${secret#*:} secret=${secret%%:*}
    k -n tbyte create secret generic "$secret" --from-literal=username="$user" \
      --from-literal=password="$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')" >/dev/null || return 1
  done
  # The database's volume on the node's disk, bound statically (no EBS here); the chart's
  # fsGroup does not apply to host paths, so the folder is the database user's.
  mkdir -p "$state/volumes/postgresql" && chown 1000:1000 "$state/volumes/postgresql" && chmod 0700 "$state/volumes/postgresql"
  k apply -f - >/dev/null <<YAML
apiVersion: v1
kind: PersistentVolume
metadata: { name: tbyte-e2e-postgresql }
spec:
  capacity: { storage: 10Gi }
  accessModes: [ReadWriteOnce]
  storageClassName: gp3
  persistentVolumeReclaimPolicy: Retain
  local: { path: $state/volumes/postgresql }
  nodeAffinity:
    required:
      nodeSelectorTerms: [{ matchExpressions: [{ key: kubernetes.io/hostname, operator: In, values: [$node] }] }]
  claimRef: { namespace: tbyte, name: data-postgresql-0 }
YAML
}
check "the database's three credential Secrets and a local volume on the node" app_prerequisites
for chart in backend frontend postgresql; do "$helm" dependency build "charts/$chart" >/dev/null 2>&1; done
# shellcheck disable=SC2046 # the values flags split on purpose
check "helm install postgresql --wait (dev values; StatefulSet Ready on the node)" \
  h install postgresql charts/postgresql -n tbyte $(app_values postgresql) --wait --timeout 4m
# shellcheck disable=SC2046
check "helm install backend --wait (dev values, HPA)" \
  h install backend charts/backend -n tbyte $(app_values backend) --wait --timeout 4m
# shellcheck disable=SC2046
check "helm install frontend --wait (dev values, HPA, Ingress for $host)" \
  h install frontend charts/frontend -n tbyte $(app_values frontend) --wait --timeout 4m

# probe_counted POD TYPE: the kubelet counted a successful probe of that type for the pod.
probe_counted() {
  local metrics
  metrics=$(k get --raw "/api/v1/nodes/$node/proxy/metrics/probes") &&
    grep -q "^prober_probe_total{.*pod=\"$1\".*probe_type=\"$2\".*result=\"successful\"} [1-9]" <<<"$metrics"
}
# Every pod of the app, as the runtime runs it: Ready, uid 1000 as PID 1's real and effective
# user, no effective capabilities, a root filesystem that refuses writes, and each of its
# probes answered by the kubelet (its prober_probe_total counters).
app_pods_hardened() {
  local pods pod count=0 status
  pods=$(k -n tbyte get pods -l app.kubernetes.io/part-of=tbyte -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}')
  for pod in $pods; do
    k -n tbyte wait --for=condition=Ready "pod/$pod" --timeout=60s >/dev/null || { echo "$pod not Ready"; return 1; }
    status=$(k -n tbyte exec "$pod" -- cat /proc/1/status) || return 1
    grep -qP '^Uid:\t1000\t1000\t' <<<"$status" || { echo "$pod: PID 1 is not uid 1000"; return 1; }
    grep -qP '^CapEff:\t0000000000000000$' <<<"$status" || { echo "$pod: effective capabilities"; return 1; }
    if k -n tbyte exec "$pod" -- sh -c 'echo x >/probe-write' 2>/dev/null; then echo "$pod: root filesystem is writable"; return 1; fi
    for type in Liveness Readiness Startup; do
      k -n tbyte get pod "$pod" -o json | node -e '
        const pod = JSON.parse(require("fs").readFileSync(0, "utf8"));
        const key = { Liveness: "livenessProbe", Readiness: "readinessProbe", Startup: "startupProbe" }[process.argv[1]];
        process.exit(pod.spec.containers.some((c) => c[key]) ? 0 : 1)' "$type" || continue
      # A liveness probe starts once the startup probe has passed, one period later.
      until_true 90 probe_counted "$pod" "$type" || { echo "$pod: no successful $type probe counted by the kubelet"; return 1; }
    done
    count=$((count + 1))
  done
  log "$count pods: Ready, uid 1000, no capabilities, read-only root, probes answered"
  [ "$count" -ge 5 ]
}
# helm's --wait sees a Deployment's first replica; the HPA then scales it to its minimum of 2.
check "the HPAs bring backend and frontend to their minimum of 2 Ready replicas" \
  k -n tbyte wait --for=jsonpath='{.status.readyReplicas}'=2 deployment/backend deployment/frontend --timeout=180s
check "every app pod Ready on the real node: uid 1000, no capabilities, read-only root filesystem, probes answered" app_pods_hardened

# The backend's sessions log in as tbyte_app, and the app's tables are tbyte_migrator's (the
# postgresql chart's init script made both login roles at the database's first start).
database_roles() {
  local answer sql="SELECT (SELECT string_agg(DISTINCT usename, ',') FROM pg_stat_activity
      WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()),
    (SELECT string_agg(DISTINCT tableowner, ',') FROM pg_tables WHERE schemaname = 'public')"
  # shellcheck disable=SC2016 # expanded by the pod's shell
  answer=$(k -n tbyte exec postgresql-0 -- sh -c 'PGPASSWORD=$(cat /mnt/secrets/db/password) \
    psql -h 127.0.0.1 -U "$(cat /mnt/secrets/db/username)" -d tbyte -tAc "$0"' "$sql") || return 1
  log "backend sessions as: ${answer%%|*}; tables owned by: ${answer#*|}"
  [ "$answer" = "tbyte_app|tbyte_migrator" ]
}
check "the backend serves as tbyte_app and the tables are tbyte_migrator's (two login roles)" database_roles

# --- 2. the browser journey through the ingress ---------------------------------------------------
ingress() { curl --silent --show-error --fail --max-time 10 --resolve "$host:$ingress_port:127.0.0.1" "$@"; }
through_ingress() {
  until_true 60 ingress "http://$host/api/tasks" || { show_log kube-proxy 5; return 1; }
  grep -q '<div id="root">' <<<"$(ingress "http://$host/")" &&
    [ "$(ingress "http://$host/api/info" | node -p 'JSON.parse(require("fs").readFileSync(0)).pod')" != "" ]
}
check "http://$host answers through the ingress on 127.0.0.1:$ingress_port (Traefik, frontend nginx, backend, PostgreSQL pods)" through_ingress
# No DNS here knows the host, so the browser and the suite's API requests use an HTTP proxy that
# sends requests for it (absolute-form, or a CONNECT tunnel as Playwright's API client makes)
# to the ingress on the loopback, and refuses any other destination.
cat >"$state/proxy.mjs" <<'NODE'
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';

const [portFile, host, ingressPort] = process.argv.slice(2);
const server = http.createServer((req, res) => {
  const url = URL.canParse(req.url) ? new URL(req.url) : null;
  if (!url || url.hostname !== host) return res.writeHead(403).end();
  const upstream = http.request(
    { host: '127.0.0.1', port: +ingressPort, method: req.method, path: url.pathname + url.search, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => res.destroy());
  // A client that goes away ends its upstream request too (an event stream never ends itself).
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
});
server.on('connect', (req, socket, head) => {
  if (req.url !== `${host}:80`) return socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  const upstream = net.connect(+ingressPort, '127.0.0.1', () => {
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  upstream.on('error', () => socket.destroy());
  socket.on('error', () => upstream.destroy());
});
server.listen(0, '127.0.0.1', () => writeFileSync(portFile, String(server.address().port)));
NODE
browser_proxy() {
  start browser-proxy node "$state/proxy.mjs" "$state/proxy.port" "$host" "$ingress_port"
  until_true 20 test -s "$state/proxy.port" &&
    curl --silent --fail --max-time 10 --proxy "http://127.0.0.1:$(cat "$state/proxy.port")" "http://$host/api/info" >/dev/null &&
    curl --silent --fail --max-time 10 --proxytunnel --proxy "http://127.0.0.1:$(cat "$state/proxy.port")" "http://$host/api/info" >/dev/null
}
check "an HTTP proxy on the loopback for http://$host (forwarded and tunnelled requests reach the ingress)" browser_proxy
mkdir -p reports/cluster-e2e-screenshots
check "the browser journey in Chromium at http://$host (screenshots in reports/cluster-e2e-screenshots)" \
  env E2E_EXTERNAL_URL="http://$host" E2E_PROXY="http://127.0.0.1:$(cat "$state/proxy.port" 2>/dev/null)" \
  E2E_ARTIFACTS_DIR="$PWD/reports/cluster-e2e-screenshots" \
  pnpm --filter @tbyte/frontend exec playwright test --project compose

# --- 3. NetworkPolicies enforced ------------------------------------------------------------------
# A TCP connection attempt from inside a pod (node's net module: the backend image has no
# other client), 0 when connected, 1 when refused or timed out.
connect_script='const [host, port] = process.argv.slice(1); const s = require("net").connect({ host, port: +port, timeout: 3000 });
s.on("connect", () => process.exit(0)); s.on("error", () => process.exit(1)); s.on("timeout", () => process.exit(1));'
# probe_pod NAMESPACE NAME [LABEL]: a pod of the app's security shape running the backend image.
probe_pod() {
  k apply -f - >/dev/null <<YAML || return 1
apiVersion: v1
kind: Pod
metadata: { name: $2, namespace: $1, labels: { app.kubernetes.io/name: ${3:-probe} } }
spec:
  automountServiceAccountToken: false
  securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: RuntimeDefault } }
  containers:
    - name: probe
      image: docker.io/tbyte/backend:1.0.0-e2e
      command: [node, -e, "setInterval(() => {}, 1 << 30)"]
      securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: [ALL] } }
YAML
  k -n "$1" wait --for=condition=Ready "pod/$2" --timeout=90s >/dev/null
}
# reach NAMESPACE POD HOST PORT
# The frontend's image (nginx) has no node: bash's /dev/tcp there. Errors go to reach.log.
reach() {
  # shellcheck disable=SC2016 # expanded by the pod's shell
  k -n "$1" exec "$2" -- sh -c 'if command -v node >/dev/null; then node -e "$0" "$1" "$2"; else timeout 3 bash -c "exec 3<>/dev/tcp/$1/$2"; fi' \
    "$connect_script" "$3" "$4" 2>>"$state/logs/reach.log"
}
pod_ip() { k -n tbyte get pods -l "app.kubernetes.io/name=$1" -o jsonpath='{.items[0].status.podIP}'; }
pod_of() { k -n tbyte get pods -l "app.kubernetes.io/name=$1" --field-selector=status.phase=Running -o jsonpath='{.items[0].metadata.name}'; }
check "probe pods in an outside namespace and as Prometheus in monitoring" eval \
  'k create namespace outsider >/dev/null && probe_pod outsider outsider && probe_pod monitoring prometheus-probe prometheus'

# Each refusal holds only while policies are enforced: the same attempts run once more with
# kube-router stopped and its rules removed, and must then connect.
refusals() {
  local backend database frontend
  backend=$(pod_ip backend) database=$(pod_ip postgresql) frontend=$(pod_ip frontend)
  echo "outsider backend:8080 outsider $backend 8080"
  echo "outsider database:5432 outsider $database 5432"
  echo "outsider backend:9090 outsider $backend 9090"
  echo "backend frontend:8080 tbyte:$(pod_of backend) $frontend 8080"
  echo "backend kube-apiserver:443 tbyte:$(pod_of backend) $node_ip 443"
}
policies_refuse() {
  local from what namespace pod ip port count=0
  while read -r from what namespace ip port; do
    pod=${namespace#*:}
    namespace=${namespace%%:*}
    [ "$namespace" = outsider ] && pod=outsider
    if reach "$namespace" "$pod" "$ip" "$port"; then echo "$from reached $what ($ip)"; return 1; fi
    count=$((count + 1))
  done < <(refusals)
  log "$count connections refused by policy"
  [ "$count" -eq 5 ]
}
policies_allow() {
  reach tbyte "$(pod_of frontend)" "$(pod_ip backend)" 8080 || { echo "frontend cannot reach backend:8080"; return 1; }
  reach monitoring prometheus-probe "$(pod_ip backend)" 9090 || { echo "monitoring's Prometheus cannot reach backend:9090"; return 1; }
  k -n tbyte exec "$(pod_of backend)" -- node -e 'require("dns").promises.lookup("postgresql.tbyte.svc.cluster.local").then(() => process.exit(0), () => process.exit(1))' ||
    { echo "no DNS for the backend under default deny"; return 1; }
  reach tbyte "$(pod_of backend)" "$(pod_ip postgresql)" 5432 || { echo "backend cannot reach the database"; return 1; }
}
check "policies refuse: outsider to backend 8080, 9090 and database 5432; backend to frontend and to the API server" policies_refuse
check "policies allow: frontend to backend 8080, monitoring's Prometheus to 9090, the backend's DNS and database" policies_allow
# kube-router's chains and ipsets, which a stopped kube-router leaves enforcing (its own
# --cleanup-config of v2.1.0 reports success and removes none of them on this host).
remove_policy_rules() {
  local chains chain rule set
  chains=$(iptables -S | sed -n 's/^-N \(KUBE-\(ROUTER\|POD-FW\|NWPLCY\)-[^ ]*\)$/\1/p')
  [ -n "$chains" ] || return 1
  for chain in $chains; do
    iptables -S | grep -- "-j $chain\( \|$\)" | grep -Ev "^-A KUBE-(ROUTER|POD-FW|NWPLCY)-" | sed 's/^-A /-D /' |
      while read -r rule; do eval "iptables $rule" || return 1; done
  done
  for chain in $chains; do iptables -F "$chain" || return 1; done
  for chain in $chains; do iptables -X "$chain" || return 1; done
  for set in $(ipset list -n | grep -E '^KUBE-(SRC|DST)-'); do ipset destroy "$set" || return 1; done
  log "$(wc -w <<<"$chains") chains of kube-router removed"
}
without_enforcement() {
  kill "$kube_router_pid" && wait "$kube_router_pid" 2>/dev/null
  remove_policy_rules || { echo "could not remove kube-router's rules"; return 1; }
  local from what namespace pod ip port reached=0 count=0
  while read -r from what namespace ip port; do
    pod=${namespace#*:}
    namespace=${namespace%%:*}
    [ "$namespace" = outsider ] && pod=outsider
    count=$((count + 1))
    if reach "$namespace" "$pod" "$ip" "$port"; then reached=$((reached + 1)); else echo "     $from still refused to $what"; fi
  done < <(refusals)
  log "$reached of $count refused connections succeed without kube-router"
  [ "$count" -eq 5 ] && [ "$reached" -eq "$count" ] || { show_log reach 10; return 1; }
}
check "the same connections succeed with kube-router stopped (the refusals are the policies' doing)" without_enforcement
start_kube_router
check "policies refuse again once kube-router is back" until_true 60 policies_refuse

# --- load through the ingress ----------------------------------------------------------------------
# A fixed-rate load generator: reads (GET /api/tasks), writes (POST with an Idempotency-Key) and
# /api/info samples through 127.0.0.1:80 with Host tbyte.local, until SIGTERM; then it writes
# every answer's status, the versions /api/info named over time and the acknowledged writes.
cat >"$state/load.mjs" <<'NODE'
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { randomUUID } from 'node:crypto';

const [out, rate, mix] = [process.argv[2], Number(process.argv[3]), process.argv[4]];
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const result = { statuses: {}, failures: [], versions: [], acknowledged: [], sent: 0 };
const started = Date.now();
function request(method, path, body, headers = {}) {
  return new Promise((resolve) => {
    const req = http.request(
      { host: '127.0.0.1', port: 80, method, path, agent, timeout: 10_000,
        headers: { host: 'tbyte.local', 'content-type': 'application/json', ...headers } },
      (res) => {
        let data = '';
        res.on('data', (chunk) => (data += chunk));
        res.on('end', () => resolve({ status: res.statusCode, data }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) => resolve({ status: 0, data: error.message }));
    req.end(body ? JSON.stringify(body) : undefined);
  });
}
async function one(n) {
  const at = Date.now() - started;
  let kind = mix === 'cpu' ? 'read' : ['read', 'read', 'write', 'info'][n % 4];
  let answer;
  if (kind === 'write') {
    answer = await request('POST', '/api/tasks', { title: `load ${n}` }, { 'idempotency-key': randomUUID() });
    if (answer.status === 201) result.acknowledged.push(JSON.parse(answer.data).id);
  } else if (kind === 'info') {
    answer = await request('GET', '/api/info');
    if (answer.status === 200) result.versions.push([at, JSON.parse(answer.data).version]);
  } else {
    answer = await request('GET', '/api/tasks?limit=50');
  }
  result.statuses[answer.status] = (result.statuses[answer.status] ?? 0) + 1;
  if (answer.status < 200 || answer.status > 299) result.failures.push([at, kind, answer.status, answer.data.slice(0, 120)]);
}
const pending = new Set();
const timer = setInterval(() => {
  const p = one(result.sent++);
  pending.add(p);
  p.finally(() => pending.delete(p));
}, 1000 / rate);
process.on('SIGTERM', async () => {
  clearInterval(timer);
  await Promise.all(pending);
  result.seconds = (Date.now() - started) / 1000;
  writeFileSync(out, JSON.stringify(result));
  process.exit(0);
});
NODE
load_start() { node "$state/load.mjs" "$state/$1.json" "$2" "$3" & load_pid=$!; }
load_stop() { kill -TERM "$load_pid" && wait "$load_pid"; }
# load_field NAME EXPRESSION: a figure of a finished load run (r is its result).
load_field() { node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(eval(process.argv[2]))' "$state/$1.json" "$2"; }

# --- 4. a rolling upgrade under load -----------------------------------------------------------------
next_images() {
  build_app backend 1.0.1-e2e && build_app frontend 1.0.1-e2e &&
    podman save --quiet -m --format docker-archive -o "$state/next.tar" \
      docker.io/tbyte/backend:1.0.1-e2e docker.io/tbyte/frontend:1.0.1-e2e &&
    ctr_k8s images import "$state/next.tar" >/dev/null && rm -f "$state/next.tar"
}
check "build the next images (version 1.0.1-e2e) from the same Dockerfiles" next_images
rolling_upgrade() {
  load_start upgrade 20 rw
  # A browser on the board meanwhile: its platform panel must show both versions answering
  # (frontend/e2e/rollout.spec.ts, the panel's screenshot kept).
  env E2E_EXTERNAL_URL="http://$host" E2E_PROXY="http://127.0.0.1:$(cat "$state/proxy.port")" \
    E2E_ARTIFACTS_DIR="$PWD/reports/cluster-e2e-screenshots/rollout" E2E_ROLLOUT_VERSIONS=1.0.0-e2e,1.0.1-e2e \
    pnpm --filter @tbyte/frontend exec playwright test >"$state/logs/panel.log" 2>&1 &
  panel_pid=$!
  sleep 15
  local upgraded=0 chart
  for chart in backend frontend; do
    # shellcheck disable=SC2046 # the values flags split on purpose
    h upgrade "$chart" "charts/$chart" -n tbyte $(app_values "$chart" 1.0.1-e2e) --wait --timeout 4m >/dev/null || upgraded=1
  done
  sleep 10
  load_stop || return 1
  [ "$upgraded" -eq 0 ] || return 1
  local sent failures acknowledged missing=0 id
  sent=$(load_field upgrade r.sent)
  failures=$(load_field upgrade 'r.failures.length')
  log "$sent requests at 20/s during both upgrades, statuses $(load_field upgrade 'JSON.stringify(r.statuses)'), $(load_field upgrade r.acknowledged.length) writes acknowledged"
  log "versions seen in order: $(load_field upgrade '[...new Set(r.versions.map((v) => v[1]))].join(" then ")')"
  [ "$failures" -eq 0 ] || { load_field upgrade 'JSON.stringify(r.failures.slice(0, 5))'; return 1; }
  [ "$sent" -ge 200 ] || return 1
  # Both versions answered during the roll, and only the new one at the end.
  load_field upgrade 'new Set(r.versions.map((v) => v[1])).size === 2 && r.versions.slice(-5).every((v) => v[1] === "1.0.1-e2e") ? "ok" : ""' | grep -qx ok ||
    { echo "expected 1.0.0-e2e then only 1.0.1-e2e"; return 1; }
  for id in $(load_field upgrade 'r.acknowledged.join(" ")'); do
    ingress -o /dev/null "http://$host/api/tasks/$id" || missing=$((missing + 1))
  done
  acknowledged=$(load_field upgrade r.acknowledged.length)
  log "$((acknowledged - missing)) of $acknowledged acknowledged writes read back"
  [ "$acknowledged" -gt 0 ] && [ "$missing" -eq 0 ]
}
check "helm upgrade backend then frontend under load: every request 2xx, both versions during the roll, only the new after, no acknowledged write lost" rolling_upgrade
panel_mid_roll() {
  wait "$panel_pid" || { show_log panel 15; return 1; }
  local shot
  shot=$(find reports/cluster-e2e-screenshots/rollout -name platform-panel-mid-roll.png -size +1k)
  log "the panel mid-roll: ${shot:-no screenshot}"
  [ -n "$shot" ]
}
check "the platform panel showed both versions answering during the roll (its screenshot kept)" panel_mid_roll

# A backend container SIGKILLed under load: what was in flight on it may fail, and the rest
# must not; the figure is measured and kept to the requests of the next two seconds.
killed_pod() {
  local pod container
  pod=$(pod_of backend)
  container=$(k -n tbyte get pod "$pod" -o jsonpath='{.status.containerStatuses[0].containerID}')
  load_start kill 20 rw
  sleep 5
  ctr_k8s tasks kill --signal SIGKILL "${container#containerd://}" || { load_stop; return 1; }
  sleep 20
  load_stop || return 1
  local failures
  failures=$(load_field kill 'r.failures.length')
  log "SIGKILL of $pod: $(load_field kill r.sent) requests, $failures failed, by status: $(load_field kill 'JSON.stringify(r.failures.reduce((n, f) => ({ ...n, [f[2]]: (n[f[2]] ?? 0) + 1 }), {}))')"
  # At 20/s, two seconds of requests routed to the killed pod before its endpoint is removed.
  [ "$failures" -le 20 ] && k -n tbyte rollout status deployment/backend --timeout=120s >/dev/null
}
check "a backend pod SIGKILLed under load: failures limited to that pod's requests until its endpoint goes" killed_pod

# --- 5. the database pod rescheduled ---------------------------------------------------------------
# The kubelet's readiness probe of a backend pod saw /ready answer 503.
ready_503() {
  local messages
  messages=$(k -n tbyte get events --field-selector reason=Unhealthy -o jsonpath='{.items[*].message}') &&
    grep -q 'Readiness probe failed: HTTP probe failed with statuscode: 503' <<<"$messages"
}
database_restart() {
  local id
  id=$(ingress -H 'content-type: application/json' -d '{"title":"kept by the volume"}' "http://$host/api/tasks" |
    node -p 'JSON.parse(require("fs").readFileSync(0)).id') || return 1
  k -n tbyte delete pod postgresql-0 --wait=false >/dev/null || return 1
  until_true 90 ready_503 || { echo "backend /ready never answered 503"; return 1; }
  k -n tbyte wait --for=condition=Ready pod/postgresql-0 --timeout=180s >/dev/null &&
    k -n tbyte rollout status deployment/backend --timeout=180s >/dev/null &&
    until_true 60 ingress -o /dev/null "http://$host/api/tasks/$id" &&
    grep -q 'kept by the volume' <<<"$(ingress "http://$host/api/tasks/$id")"
}
check "the database pod deleted: backend /ready 503 then back by itself, the data kept on the volume" database_restart

# --- 6. disruption budgets ---------------------------------------------------------------------------
evict() {
  k create --raw "/api/v1/namespaces/tbyte/pods/$1/eviction" -f - 2>&1 <<JSON
{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"$1","namespace":"tbyte"}}
JSON
}
disruption() {
  local output first second
  k cordon "$node" >/dev/null || return 1
  output=$(k drain "$node" --pod-selector app.kubernetes.io/name=backend --delete-emptydir-data --timeout 25s 2>&1)
  k uncordon "$node" >/dev/null
  if grep -q "^node/$node drained" <<<"$output" || ! grep -q "Cannot evict pod as it would violate the pod's disruption budget" <<<"$output"; then
    echo "$output" | tail -5
    return 1
  fi
  k -n tbyte rollout status deployment/backend --timeout=120s >/dev/null || return 1
  first=$(k -n tbyte get pods -l app.kubernetes.io/name=backend -o jsonpath='{.items[0].metadata.name}')
  second=$(k -n tbyte get pods -l app.kubernetes.io/name=backend -o jsonpath='{.items[1].metadata.name}')
  evict "$first" >/dev/null || return 1
  output=$(evict "$second")
  grep -q 'TooManyRequests\|429\|disruption budget' <<<"$output" || { echo "second eviction: $output"; return 1; }
  k -n tbyte rollout status deployment/backend --timeout=120s >/dev/null &&
    until_true 60 evict "$second"
}
check "drain refuses to evict the backend below its PDB (429); evictions succeed again once the budget allows" disruption
k -n tbyte rollout status deployment/backend --timeout=120s >/dev/null

# --- 7. autoscaling on real CPU metrics --------------------------------------------------------------
autoscaling() {
  local replicas=() max=0 current at
  load_start cpu 150 cpu
  for at in $(seq 0 15 240); do
    current=$(k -n tbyte get deployment backend -o jsonpath='{.status.replicas}')
    replicas+=("${at}s:$current")
    [ "$current" -gt "$max" ] && max=$current
    [ "$max" -gt 2 ] && [ "$at" -ge 60 ] && break
    sleep 15
  done
  load_stop
  for at in $(seq 0 15 240); do
    current=$(k -n tbyte get deployment backend -o jsonpath='{.status.replicas}')
    replicas+=("after+${at}s:$current")
    [ "$current" -eq 2 ] && break
    sleep 15
  done
  log "backend replicas: ${replicas[*]} (HPA: $(k -n tbyte get hpa backend -o jsonpath='{.status.currentMetrics[?(@.resource.name=="cpu")].resource.current.averageUtilization}')% CPU now)"
  [ "$max" -gt 2 ] && [ "$current" -eq 2 ]
}
check "the HPA scales the backend out from 2 under CPU load (metrics-server) and back to 2 after it" autoscaling

# --- 1b. the umbrella chart on a plain cluster ----------------------------------------------------
# The three releases make way for the tbyte chart with its plain-cluster example values (no
# platform add-on: credentials from a Secret, no service key, no custom resources); the
# database's claim outlives its release, so the umbrella's PostgreSQL starts on the same data.
umbrella() {
  local id
  id=$(ingress -H 'content-type: application/json' -d '{"title":"kept across the charts"}' "http://$host/api/tasks" |
    node -p 'JSON.parse(require("fs").readFileSync(0)).id') || return 1
  h uninstall frontend backend postgresql -n tbyte --wait --timeout 3m >/dev/null &&
    k -n tbyte wait --for=delete pods -l app.kubernetes.io/part-of=tbyte --timeout=120s >/dev/null || return 1
  "$helm" dependency build charts/tbyte >/dev/null 2>&1 || return 1
  h install tbyte charts/tbyte -n tbyte -f charts/tbyte/examples/values-plain.yaml \
    --set backend.image.repository=tbyte/backend,backend.image.tag=1.0.1-e2e \
    --set frontend.image.repository=tbyte/frontend,frontend.image.tag=1.0.1-e2e \
    --set frontend.networkPolicy.ingressFrom.namespace=nginx-ingress --wait --timeout 4m >/dev/null &&
    k -n tbyte wait --for=jsonpath='{.status.readyReplicas}'=2 deployment/backend deployment/frontend --timeout=180s >/dev/null || return 1
  app_pods_hardened && through_ingress &&
    until_true 60 ingress -o /dev/null "http://$host/api/tasks/$id" &&
    grep -q 'kept across the charts' <<<"$(ingress "http://$host/api/tasks/$id")"
}
check "the tbyte umbrella chart (plain-cluster values) in place of the three releases: pods hardened, served through the ingress, the data kept" umbrella

# --- everything put back ------------------------------------------------------------------------
leaves_nothing() {
  stop_node
  local problems=() name left
  for name in "${sysctls[@]}"; do
    [ "$(sysctl -n "$name")" = "${sysctl_before[$name]}" ] || problems+=("sysctl $name is $(sysctl -n "$name"), was ${sysctl_before[$name]}")
  done
  left=$(comm -13 "$state/host-before" <(host_listing)) && [ -z "$left" ] || problems+=("new in /var/lib, /etc or /run: $left")
  left=$(comm -13 "$state/chains-before" <(chains)) && [ -z "$left" ] || problems+=("iptables chains left: $left")
  left=$(comm -13 "$state/ipsets-before" <(ipset list -n 2>/dev/null | sort)) && [ -z "$left" ] || problems+=("ipsets left: $left")
  ip link show "$bridge" >/dev/null 2>&1 && problems+=("bridge $bridge left")
  left=$(comm -13 "$state/netns-before" <(netns_names)) && [ -z "$left" ] || problems+=("network namespaces left: $left")
  left=$(findmnt -rn -o TARGET | grep -F "$state/") && problems+=("mounts left: $left")
  left=$(pgrep -f "$state/" | grep -vx "$$") && problems+=("processes left: $left")
  [ -n "$(find /sys/fs/cgroup -mindepth 2 -maxdepth 2 -name kubepods 2>/dev/null)" ] && problems+=("kubepods cgroups left")
  [ ${#problems[@]} -eq 0 ] || { printf '     %s\n' "${problems[@]}"; return 1; }
  log "${#sysctls[@]} sysctls as before; no new chain, ipset, bridge, network namespace, mount, process or cgroup; /var/lib, /etc, /run as before"
}
check "everything stopped; sysctls, iptables, ipsets, bridge, mounts, cgroups and /var/lib, /etc as before" leaves_nothing
log "run time $((SECONDS - started)) s"

write_report cluster-e2e
[ "$failed" -eq 0 ]
exit
}
