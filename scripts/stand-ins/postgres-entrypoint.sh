#!/bin/sh
# Stand-in for the official postgres image's entrypoint, for the variables compose and the
# postgresql chart use: POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB (each also as *_FILE, the
# official image's way to read a mounted secret), PGDATA. Initialises an empty data directory
# once (running /docker-entrypoint-initdb.d/*.sh and *.sql as the official image does), then runs
# the server in the foreground.
set -eu
for var in POSTGRES_USER POSTGRES_PASSWORD POSTGRES_DB; do
  eval "file=\${${var}_FILE:-}"
  if [ -n "$file" ]; then
    value=$(cat "$file")
    export "$var=$value"
  fi
done
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}"
user="${POSTGRES_USER:-postgres}"
db="${POSTGRES_DB:-$user}"
export PGDATA="${PGDATA:-/var/lib/postgresql/data}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  # initdb refuses a user ID without a passwd entry (a pod's runAsUser that the image does not
  # know): as the official image does, nss_wrapper names it for the initialisation only.
  if ! getent passwd "$(id -u)" >/dev/null 2>&1; then
    wrapper=$(find /usr/lib -name libnss_wrapper.so | head -n1)
    [ -n "$wrapper" ] || { echo "postgres-entrypoint: user ID $(id -u) has no passwd entry and nss_wrapper is missing" >&2; exit 1; }
    NSS_WRAPPER_PASSWD=$(mktemp) NSS_WRAPPER_GROUP=$(mktemp)
    echo "postgres:x:$(id -u):$(id -g):PostgreSQL:$PGDATA:/bin/false" >"$NSS_WRAPPER_PASSWD"
    echo "postgres:x:$(id -g):" >"$NSS_WRAPPER_GROUP"
    export LD_PRELOAD="$wrapper" NSS_WRAPPER_PASSWD NSS_WRAPPER_GROUP
  fi
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  initdb --username="$user" --pwfile="$pwfile" --auth=scram-sha-256 --encoding=UTF8 --locale=C -D "$PGDATA"
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  if [ "$db" != "postgres" ]; then
    echo "CREATE DATABASE \"$db\" OWNER \"$user\";" | postgres --single -D "$PGDATA" postgres >/dev/null
  fi
  # The init scripts, as the official image runs them at the first start: against a temporary
  # server that listens on a socket only, as the administrator.
  if [ -n "$(ls -A /docker-entrypoint-initdb.d 2>/dev/null)" ]; then
    sockets=$(mktemp -d)
    pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -k $sockets" -w start >/dev/null
    for script in /docker-entrypoint-initdb.d/*; do
      echo "postgres-entrypoint: running $script"
      case "$script" in
        *.sh) if [ -x "$script" ]; then run="$script"; else run="sh $script"; fi
          PGHOST="$sockets" PGUSER="$user" PGPASSWORD="$POSTGRES_PASSWORD" PGDATABASE="$db" $run ;;
        *.sql) PGPASSWORD="$POSTGRES_PASSWORD" psql --no-psqlrc -v ON_ERROR_STOP=1 -h "$sockets" -U "$user" -d "$db" -f "$script" ;;
        *) echo "postgres-entrypoint: ignoring $script" ;;
      esac
    done
    pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
    rm -rf "$sockets"
  fi
  if [ -n "${NSS_WRAPPER_PASSWD:-}" ]; then
    rm -f "$NSS_WRAPPER_PASSWD" "$NSS_WRAPPER_GROUP"
    unset LD_PRELOAD NSS_WRAPPER_PASSWD NSS_WRAPPER_GROUP
  fi
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' "$@"
