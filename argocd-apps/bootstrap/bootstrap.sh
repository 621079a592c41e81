#!/usr/bin/env bash
# Bootstraps GitOps on a cluster Terraform built: installs Argo CD (pinned chart, this
# repository's values and Application health check), then the gitops project and the root
# Application of the environment. Argo CD does the rest, wave by wave.
#
#   argocd-apps/bootstrap/bootstrap.sh dev     (kubectl pointed at the cluster)
#
# REPO_URL points the root Application and the gitops project at another repository than
# argocd-apps/values.yaml's (the children follow the root). BOOTSTRAP_ARGOCD=present leaves
# an Argo CD that already runs in place and only adds the Application health check to its
# argocd-cm (the e2e suite runs its own build).
set -euo pipefail
environment=${1:-}
case "$environment" in
  dev | prod | e2e) ;;
  *)
    echo "usage: $0 dev|prod|e2e" >&2
    exit 2
    ;;
esac
argocd_install=${BOOTSTRAP_ARGOCD:-chart}
case "$argocd_install" in
  chart | present) ;;
  *)
    echo "bootstrap: BOOTSTRAP_ARGOCD is chart or present, not '$argocd_install'" >&2
    exit 2
    ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
tools=(kubectl)
[ "$argocd_install" = chart ] && tools+=(helm)
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null || { echo "bootstrap: $tool is required" >&2; exit 1; }
done
if [ ! -f "$here/../envs/$environment/cluster.yaml" ]; then
  echo "bootstrap: argocd-apps/envs/$environment/cluster.yaml is missing; run the terraform workflow (or scripts/update-app-configs.mjs) first" >&2
  exit 1
fi

health_key='resource.customizations.health.argoproj.io_Application'
if [ "$argocd_install" = chart ]; then
  # The version the argo-cd application keeps afterwards (argocd-apps/values.yaml, addons.argo-cd).
  chart_version=$(awk '/^  argo-cd:/ { inside = 1; next } inside && /^    version:/ { print $2; exit }' "$here/../values.yaml")
  [ -n "$chart_version" ] || { echo "bootstrap: no addons.argo-cd.version in argocd-apps/values.yaml" >&2; exit 1; }
  helm upgrade --install argocd argo-cd --repo https://argoproj.github.io/argo-helm --version "$chart_version" \
    --namespace argocd --create-namespace \
    --values "$here/argocd-values.yaml" \
    --set-file 'configs.cm.resource\.customizations\.health\.argoproj\.io_Application'="$here/application-health.lua" \
    --wait --timeout 10m
else
  kubectl -n argocd get configmap argocd-cm >/dev/null || { echo "bootstrap: BOOTSTRAP_ARGOCD=present, but argocd/argocd-cm does not exist" >&2; exit 1; }
  # A merge patch: the health check is added and the rest of argocd-cm, its labels included
  # (Argo CD finds its configuration by them), stays as it is.
  kubectl -n argocd patch configmap argocd-cm --type merge \
    -p "$(kubectl -n argocd create configmap argocd-cm --from-file="$health_key=$here/application-health.lua" --dry-run=client -o json)" >/dev/null
fi

canonical=$(awk '/^repoURL:/ { print $2; exit }' "$here/../values.yaml")
[ -n "$canonical" ] || { echo "bootstrap: no repoURL in argocd-apps/values.yaml" >&2; exit 1; }
repo_url=${REPO_URL:-$canonical}
for manifest in project-gitops.yaml "root-$environment.yaml"; do
  # Literal replacement of the one repository URL: no other text of the manifests contains it.
  REPO_FROM=$canonical REPO_TO=$repo_url awk '{
    from = ENVIRON["REPO_FROM"]; rest = $0; out = ""
    while ((i = index(rest, from)) > 0) { out = out substr(rest, 1, i - 1) ENVIRON["REPO_TO"]; rest = substr(rest, i + length(from)) }
    print out rest
  }' "$here/$manifest"
  echo ---
done | kubectl apply -f -
echo "bootstrap: Argo CD syncs argocd-apps for $environment; watch it with: kubectl -n argocd get applications -w"
