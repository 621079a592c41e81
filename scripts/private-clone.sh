#!/usr/bin/env bash
# A newcomer's first run, as root in a private directory (a home directory is 0700): clone HEAD
# into a fresh 0700 directory, `pnpm install`, `pnpm start` answers through the gateway, and
# `pnpm test` passes there. PostgreSQL refuses root, and the postgres user it runs as cannot
# enter such a clone, so this proves the embedded default finds a way around that.
set -euo pipefail
repository=$(cd "$(dirname "$0")/.." && pwd)

if [ "$(id -u)" -ne 0 ]; then
  echo "private-clone: must run as root (it proves how PostgreSQL starts for root)" >&2
  exit 1
fi

private=$(mktemp -d /tmp/tbyte-private-XXXXXX)
chmod 0700 "$private"
# Root-owned and reachable by the postgres user: where the binaries and cluster go for this run.
shared=$(mktemp -d /var/tmp/tbyte-postgres-XXXXXX)
chmod 0755 "$shared"
start_pid=""
cleanup() {
  [ -n "$start_pid" ] && kill "$start_pid" 2>/dev/null && wait "$start_pid" 2>/dev/null
  rm -rf "$private" "$shared"
}
trap cleanup EXIT

git clone --quiet --no-hardlinks "$repository" "$private/tbyte"
cd "$private/tbyte"
echo "private-clone: HEAD $(git rev-parse --short HEAD) in $private (mode $(stat -c %a "$private"))"
pnpm install --frozen-lockfile --prefer-offline --reporter=silent
pnpm run build >/dev/null

export TBYTE_POSTGRES_HOME=$shared
ports=$(node -e '
  const net = require("node:net");
  const take = () => new Promise((ok) => { const s = net.createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => ok(p)); }); });
  Promise.all([take(), take(), take()]).then((p) => console.log(p.join(" ")));')
read -r gateway_port backend_port metrics_port <<<"$ports"
PORT=$gateway_port BACKEND_PORT=$backend_port METRICS_PORT=$metrics_port \
  node local/dist/start.js >"$private/start.log" 2>&1 &
start_pid=$!

requests=0
# The gateway answers the probes itself: the API through it proves the backend and PostgreSQL.
api="http://127.0.0.1:$gateway_port/api/tasks"
for _ in $(seq 1 120); do
  curl -fsS "$api?limit=1" >/dev/null 2>&1 && break
  kill -0 "$start_pid" 2>/dev/null || break
  sleep 1
done
if ! curl -fsS "$api?limit=1" >/dev/null; then
  echo "private-clone: pnpm start did not become ready; its output:" >&2
  cat "$private/start.log" >&2
  exit 1
fi
requests=$((requests + 1))
created=$(curl -fsS -X POST -H 'content-type: application/json' \
  -d '{"title":"from a private clone"}' "$api")
requests=$((requests + 1))
id=$(node -p 'JSON.parse(process.argv[1]).id' "$created")
curl -fsS "$api/$id" | grep -q 'from a private clone'
requests=$((requests + 1))
grep -q "the postgres user cannot enter" "$private/start.log" || {
  echo "private-clone: the cluster was expected outside the private clone" >&2
  exit 1
}
kill -TERM "$start_pid"
wait "$start_pid"
start_pid=""
if pgrep -u postgres -f "postgres -D $shared" >/dev/null; then
  echo "private-clone: PostgreSQL kept running after pnpm start stopped" >&2
  exit 1
fi
echo "private-clone: pnpm start answered $requests requests through the gateway and stopped cleanly"

pnpm test
echo "private-clone: pnpm test passed in the private clone"
