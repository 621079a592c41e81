#!/usr/bin/env bash
# Proves the containers: builds the project's images from the real Dockerfiles, brings the real
# docker-compose.yml up, checks the stack, restarts the database, and tears it all down.
# Writes reports/compose-e2e.json (one test per check) and docs figures to stdout.
#
# COMPOSE_ENGINE picks the container engine: podman (the default, podman-compose, stand-in base
# images built here, where no registry is reachable) or docker (Docker Engine and `docker
# compose`, the upstream base images and the database image pulled from their registries, as
# GitHub's runners have them).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
engine=${COMPOSE_ENGINE:-podman}
case "$engine" in
  podman) labels=io.podman.compose ;;
  docker) labels=com.docker.compose ;;
  *)
    echo "compose-e2e: COMPOSE_ENGINE is podman or docker, not '$engine'" >&2
    exit 2
    ;;
esac

# renovate: datasource=pypi depName=podman-compose
PODMAN_COMPOSE_VERSION=1.6.0
# A project and image tag of this run alone: two runs on one machine (a cold CI run beside a
# developer's) neither share containers nor remove each other's images.
project=tbyte-e2e-$$
tag=e2e-$$
work=$(mktemp -d)
# shellcheck source=scripts/lib/checks.sh
. scripts/lib/checks.sh

# For every podman call, podman-compose's included: runc (crun cannot set rlimits here), and
# rlimits no higher than this machine's, which a container may not raise.
cat >"$work/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=8192:8192"]
[engine]
runtime = "runc"
CONF
export CONTAINERS_CONF="$work/containers.conf"
cli() { command "$engine" "$@"; }
finish() {
  [ -n "${healthchecks:-}" ] && kill "$healthchecks" 2>/dev/null
  compose down --volumes --timeout 10 >/dev/null 2>&1
  cli rmi "tbyte/backend:$tag" "tbyte/frontend:$tag" >/dev/null 2>&1
  rm -rf "$work"
  write_report compose-e2e
}
trap finish EXIT

# --- tools and images ------------------------------------------------------------------
if [ "$engine" = podman ]; then
  venv=.tools/venv-podman-compose-$PODMAN_COMPOSE_VERSION
  if [ ! -x "$venv/bin/podman-compose" ]; then
    python3 -m venv "$(realpath -m "$venv")" && "$venv/bin/pip" install --quiet --disable-pip-version-check "podman-compose==$PODMAN_COMPOSE_VERSION" || exit 1
  fi
  compose() { "$venv/bin/podman-compose" --podman-path "$(command -v podman)" --project-name "$project" --env-file "$work/.env" -f docker-compose.yml "$@"; }
  check "stand-in base images" bash scripts/stand-ins/build.sh
  # The stand-ins are the base images: nothing is pulled.
  build_flags=(--format docker --pull=never --network=host)
  build_how=--pull=never
else
  compose() { docker compose --project-name "$project" --env-file "$work/.env" -f docker-compose.yml "$@"; }
  # The upstream base images the Dockerfiles name, pulled into the image store (a build's own
  # pull leaves them in the builder's cache, where the size checks below cannot see them).
  pull_base_images() {
    local image count=0
    while read -r image; do
      docker pull --quiet "$image" >/dev/null || return 1
      count=$((count + 1))
    done < <(sed -n 's/^ARG [A-Z]*_IMAGE=//p' backend/Dockerfile frontend/Dockerfile | sort -u)
    echo "     pulled $count base images"
    [ "$count" -gt 0 ]
  }
  check "pull the upstream base images" pull_base_images
  build_flags=()
  build_how='upstream base images'
fi

build_image() {
  local component=$1 started=$SECONDS
  cli build "${build_flags[@]}" --quiet \
    --build-arg APP_VERSION=0.0.0-e2e --build-arg GIT_SHA="$(git rev-parse HEAD)" \
    -f "$component/Dockerfile" -t "tbyte/$component:$tag" . >/dev/null || return 1
  echo "     built tbyte/$component in $((SECONDS - started)) s"
}
check "build tbyte/backend from backend/Dockerfile ($build_how)" build_image backend
check "build tbyte/frontend from frontend/Dockerfile ($build_how)" build_image frontend

added_size() {
  local image=$1 base=$2 total base_size
  total=$(cli image inspect --format '{{.Size}}' "$image") || return 1
  base_size=$(cli image inspect --format '{{.Size}}' "$base") || return 1
  echo $(((total - base_size) / 1000000))
}
within() {
  local image=$1 base=$2 limit=$3 added
  added=$(added_size "$image" "$base") || return 1
  echo "     $image adds $added MB on top of its base"
  [ "$added" -lt "$limit" ]
}
check "backend adds under 100 MB to its base" \
  within "tbyte/backend:$tag" "docker.io/library/$(sed -n 's/^ARG NODE_IMAGE=//p' backend/Dockerfile)" 100
check "frontend adds under 10 MB to its base" \
  within "tbyte/frontend:$tag" "docker.io/$(sed -n 's/^ARG NGINX_IMAGE=//p' frontend/Dockerfile)" 10

# --- the stack ---------------------------------------------------------------------------
mkdir -p "$work/secrets/db-app" "$work/secrets/db-migrator"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$work/secrets/api-key"
printf tbyte_app >"$work/secrets/db-app/username"
printf tbyte_migrator >"$work/secrets/db-migrator/username"
for role in db-app db-migrator; do
  head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$work/secrets/$role/password"
done
chmod 0644 "$work/secrets/api-key" "$work/secrets"/db-*/*
cat >"$work/.env" <<ENV
POSTGRES_USER=tbyte
POSTGRES_PASSWORD=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
POSTGRES_DB=tbyte
API_KEY_FILE_PATH=$work/secrets/api-key
DB_APP_CREDENTIALS_PATH=$work/secrets/db-app
DB_MIGRATION_CREDENTIALS_PATH=$work/secrets/db-migrator
TBYTE_TAG=$tag
FRONTEND_PORT=$(node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
APP_ENVIRONMENT=compose-e2e
GRAFANA_ADMIN_PASSWORD=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
ENV
port=$(sed -n 's/^FRONTEND_PORT=//p' "$work/.env")
base="http://127.0.0.1:$port"

if [ "$engine" = podman ]; then
  # No systemd runs podman's healthcheck timers here: run them while the stack lives.
  (while sleep 2; do
    for id in $(command podman ps --quiet --filter "label=io.podman.compose.project=$project"); do
      command podman healthcheck run "$id" >/dev/null 2>&1
    done
  done) &
  healthchecks=$!
else
  # The database image comes from its registry; pulled before the clock of "healthy in 60 s".
  check "pull the upstream images of the stack" compose pull --quiet --ignore-buildable
fi

up_started=$SECONDS
check "compose up" compose up --detach --no-build
wait_healthy() {
  local deadline=$((SECONDS + ${1:-90}))
  while [ $SECONDS -lt $deadline ]; do
    curl --silent --fail --output /dev/null "$base/api/tasks" && return 0
    sleep 1
  done
  return 1
}
check "stack healthy and serving through the frontend" wait_healthy 120
echo "     from up to a serving stack: $((SECONDS - up_started)) s"
check "healthy in under 60 s" test $((SECONDS - up_started)) -lt 60

container() { cli ps --quiet --filter "label=$labels.project=$project" --filter "label=$labels.service=$1" | head -n1; }

check "frontend answers at /" bash -c "curl --silent --fail '$base/' | grep -q '<div id=\"root\">'"
create_and_list() {
  local id
  id=$(curl --silent --fail -H 'Content-Type: application/json' -d '{"title":"Made in compose"}' "$base/api/tasks" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
  [ -n "$id" ] || return 1
  echo "$id" >"$work/task-id"
  curl --silent --fail "$base/api/tasks" | grep -q "$id"
}
check "create and list tasks through the frontend's proxy" create_and_list
check "a direct call to the backend without the key is 401" \
  bash -c "[ \"\$(command $engine exec $(container backend) node -e \"fetch('http://127.0.0.1:8080/api/tasks').then(r=>console.log(r.status))\")\" = 401 ]"
check "/api/info names the backend container" \
  bash -c "curl --silent --fail '$base/api/info' | grep -q \"\\\"pod\\\":\\\"\$(command $engine inspect --format '{{.Config.Hostname}}' $(container backend))\\\"\""
check "/metrics answers inside the network" \
  bash -c "command $engine exec $(container frontend) curl --silent --fail http://backend:9090/metrics | grep -q '^http_request_duration_seconds_count'"
hardened() {
  local service=$1 uid id
  id=$(container "$service")
  uid=$(cli exec "$id" id -u)
  [ "$(cli inspect --format '{{.HostConfig.ReadonlyRootfs}}' "$id")" = true ] || return 1
  cli exec "$id" sh -c 'grep -q "^CapEff:[[:space:]]*0000000000000000" /proc/1/status' || return 1
  if [ "$service" = db ]; then [ "$uid" = 999 ]; else [ "$uid" = 1000 ]; fi
}
for service in frontend backend db; do
  check "$service runs non-root, read-only, with no capabilities" hardened "$service"
done

# The backend holds no administrator credentials: db-roles made the two login roles, the
# migrations ran as tbyte_migrator and every serving connection is tbyte_app's.
database_roles() {
  local db sessions owners
  [ "$(cli inspect --format '{{.State.ExitCode}}' "$(cli ps --all --quiet --filter "label=$labels.project=$project" --filter "label=$labels.service=db-roles" | head -n1)")" = 0 ] || return 1
  db=(cli exec -e PGPASSWORD="$(sed -n 's/^POSTGRES_PASSWORD=//p' "$work/.env")" "$(container db)" psql -h 127.0.0.1 -U tbyte -d tbyte -Atc)
  sessions=$("${db[@]}" "SELECT string_agg(DISTINCT usename, ',') FROM pg_stat_activity WHERE application_name = 'tbyte-backend'") || return 1
  owners=$("${db[@]}" "SELECT string_agg(DISTINCT pg_get_userbyid(relowner), ',') FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'") || return 1
  echo "     backend sessions as: $sessions; tables owned by: $owners"
  [ "$sessions" = tbyte_app ] && [ "$owners" = tbyte_migrator ] &&
    ! cli exec "$(container backend)" env | grep -q -e POSTGRES_PASSWORD -e DATABASE_URL
}
check "db-roles made the login roles: the backend serves as tbyte_app, the tables are tbyte_migrator's" database_roles

# Published ports: 127.0.0.1 unless BIND_ADDRESS opens them (the e2e .env leaves it unset).
loopback_only() {
  local published
  published=$(cli port "$(container frontend)") || return 1
  echo "     frontend publishes: $(tr '\n' ' ' <<<"$published")"
  [ -n "$published" ] && ! grep -v -- '-> 127\.0\.0\.1:' <<<"$published"
}
check "the frontend's port listens on 127.0.0.1 only" loopback_only
rebound_host_refused() {
  [ "$(curl --silent --output /dev/null --write-out '%{http_code}' -H 'Host: attacker.example' "$base/api/tasks")" = 421 ] &&
    [ "$(curl --silent --output /dev/null --write-out '%{http_code}' -H 'Host: localhost' "$base/api/tasks")" = 200 ]
}
check "a request for another Host gets 421 (DNS rebinding), localhost is served" rebound_host_refused

# The observability overlay is not started here (its images need a registry), so what it
# exposes is checked on the configuration compose resolves from both files.
overlay_exposure() {
  compose -f compose.observability.yml config >"$work/overlay.yaml" 2>/dev/null || return 1
  node --input-type=module - "$work/overlay.yaml" <<'NODE'
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
const { services, networks } = parse(readFileSync(process.argv[2], 'utf8'));
const problems = [];
let ports = 0;
for (const [name, service] of Object.entries(services)) {
  for (const port of service.ports ?? []) {
    ports += 1;
    const host = typeof port === 'string' ? port.split(':')[0] : port.host_ip;
    if (host !== '127.0.0.1') problems.push(`${name} publishes ${JSON.stringify(port)}`);
  }
  const sockets = (service.volumes ?? []).filter((v) => JSON.stringify(v).includes('docker.sock'));
  if (sockets.length > 0 && name !== 'docker-socket-proxy') problems.push(`${name} mounts docker.sock`);
}
if (ports < 4) problems.push(`only ${ports} published ports found`);
const grafana = services.grafana?.environment ?? {};
if (String(grafana.GF_AUTH_ANONYMOUS_ENABLED) !== 'false') problems.push('Grafana allows anonymous users');
const alloy = services.alloy ?? {};
if (!alloy.user || /^0(:|$)/.test(String(alloy.user))) problems.push('Alloy runs as root');
if (!networks?.['docker-api']?.internal) problems.push('the socket proxy network is not internal');
const proxy = services['docker-socket-proxy']?.command ?? [];
if (proxy.some((arg) => /^-allow(POST|PUT|DELETE|PATCH)/.test(arg))) problems.push('the socket proxy allows writes');
console.log(`     overlay: ${ports} published ports, ${Object.keys(services).length} services checked`);
for (const problem of problems) console.log(`     ${problem}`);
process.exit(problems.length > 0 ? 1 : 0);
NODE
}
check "the observability overlay: ports on 127.0.0.1, no anonymous Grafana, docker.sock only behind the proxy" overlay_exposure

check "the browser journey passes against the compose stack" \
  env E2E_EXTERNAL_URL="$base" E2E_API_KEY_FILE="$work/secrets/api-key" \
  pnpm --filter @tbyte/frontend exec playwright test --project compose

restart_db() {
  cli restart -t 10 "$(container db)" >/dev/null || return 1
  wait_healthy 60 || return 1
  curl --silent --fail "$base/api/tasks/$(cat "$work/task-id")" | grep -q 'Made in compose'
}
check "the data survives a db restart and the backend recovers by itself" restart_db
[ "$failed" -eq 0 ]
