#!/bin/sh
# Stand-in for the official nginx image's /docker-entrypoint.sh: runs the scripts in
# /docker-entrypoint.d/ in order, then the command. 20-envsubst-on-templates.sh below does
# what the official step does: render /etc/nginx/templates/*.template into
# NGINX_ENVSUBST_OUTPUT_DIR, substituting only defined variables that match the filter.
set -eu
if [ "${1:-}" = "nginx" ]; then
  for script in /docker-entrypoint.d/*; do
    case "$script" in
      *.envsh)
        # As the official entrypoint: a script that is not executable is ignored.
        [ -x "$script" ] || continue
        echo "$0: sourcing $script"
        # shellcheck disable=SC1090
        . "$script"
        ;;
      *.sh)
        [ -x "$script" ] || continue
        echo "$0: running $script"
        "$script"
        ;;
    esac
  done
fi
exec "$@"
