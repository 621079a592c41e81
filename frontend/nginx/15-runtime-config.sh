#!/bin/sh
# Writes /config.json from the environment at container start, so one image serves every
# environment, and makes the runtime directories under /tmp (the only writable path).
# Runs from /docker-entrypoint.d/ in the nginx image before the envsubst step (20-), which
# renders the templates into $NGINX_ENVSUBST_OUTPUT_DIR only if that directory exists.
set -eu

dir="${NGINX_RUNTIME_DIR:-/tmp/nginx}"
environment="${APP_ENVIRONMENT:-production}"
version="${APP_VERSION:-unknown}"
features="${FEATURE_FLAGS:-}"

for pair in "APP_ENVIRONMENT=$environment" "APP_VERSION=$version"; do
  case "${pair#*=}" in
    *[!A-Za-z0-9._+-]* | "")
      echo "15-runtime-config: ${pair%%=*} must be letters, digits or . _ + - (got '${pair#*=}')" >&2
      exit 1
      ;;
  esac
done

# FEATURE_FLAGS: comma-separated names to switch on, e.g. "rollout-banner,dark-mode".
flags=""
if [ -n "$features" ]; then
  old_ifs=$IFS
  IFS=,
  for flag in $features; do
    case "$flag" in
      *[!A-Za-z0-9_-]* | "")
        echo "15-runtime-config: FEATURE_FLAGS entries must be letters, digits, _ or - (got '$flag')" >&2
        exit 1
        ;;
    esac
    flags="${flags:+$flags,}\"$flag\":true"
  done
  IFS=$old_ifs
fi

mkdir -p "$dir" "${NGINX_ENVSUBST_OUTPUT_DIR:-$dir/conf.d}"
printf '{"environment":"%s","version":"%s","features":{%s}}\n' "$environment" "$version" "$flags" >"$dir/config.json.tmp"
mv "$dir/config.json.tmp" "$dir/config.json"
