#!/usr/bin/env bash
# Bootstraps GitOps on a cluster Terraform built: installs Argo CD (pinned chart, this
# repository's values and Application health check), then the gitops project and the root
# Application of the environment. Argo CD does the rest, wave by wave.
#
#   argocd-apps/bootstrap/bootstrap.sh dev     (kubectl pointed at the cluster)
set -euo pipefail
environment=${1:-}
case "$environment" in
  dev | prod) ;;
  *)
    echo "usage: $0 dev|prod" >&2
    exit 2
    ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
for tool in helm kubectl; do
  command -v "$tool" >/dev/null || { echo "bootstrap: $tool is required" >&2; exit 1; }
done
if [ ! -f "$here/../envs/$environment/cluster.yaml" ]; then
  echo "bootstrap: argocd-apps/envs/$environment/cluster.yaml is missing; run the terraform workflow (or scripts/update-app-configs.mjs) first" >&2
  exit 1
fi

# The version the argo-cd application keeps afterwards (argocd-apps/values.yaml, addons.argo-cd).
chart_version=$(awk '/^  argo-cd:/ { inside = 1; next } inside && /^    version:/ { print $2; exit }' "$here/../values.yaml")
[ -n "$chart_version" ] || { echo "bootstrap: no addons.argo-cd.version in argocd-apps/values.yaml" >&2; exit 1; }
helm upgrade --install argocd argo-cd --repo https://argoproj.github.io/argo-helm --version "$chart_version" \
  --namespace argocd --create-namespace \
  --values "$here/argocd-values.yaml" \
  --set-file 'configs.cm.resource\.customizations\.health\.argoproj\.io_Application'="$here/application-health.lua" \
  --wait --timeout 10m
kubectl apply -f "$here/project-gitops.yaml" -f "$here/root-$environment.yaml"
echo "bootstrap: Argo CD syncs argocd-apps for $environment; watch it with: kubectl -n argocd get applications -w"
