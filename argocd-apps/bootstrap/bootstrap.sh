#!/usr/bin/env bash
# Bootstraps GitOps on a cluster Terraform built: installs Argo CD (pinned chart, this
# repository's values and Application health check), then the gitops project and the root
# Application of the environment. Argo CD does the rest, wave by wave.
#
#   argocd-apps/bootstrap/bootstrap.sh dev     (kubectl pointed at the cluster)
#
# ENV is a directory of argocd-apps/envs. The manifests come from one template each
# (project-gitops.yaml, root.yaml), filled in by manifests.mjs, which needs node and the root's
# pnpm install. REPO_URL points the root Application and the gitops project at another repository
# than argocd-apps/values.yaml's (the children follow the root). BOOTSTRAP_ARGOCD=present leaves
# an Argo CD that already runs in place and only adds the Application health check to its
# argocd-cm (the e2e suite runs its own build).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
environment=${1:-}
argocd_install=${BOOTSTRAP_ARGOCD:-chart}
case "$argocd_install" in
  chart | present) ;;
  *)
    echo "bootstrap: BOOTSTRAP_ARGOCD is chart or present, not '$argocd_install'" >&2
    exit 2
    ;;
esac
tools=(kubectl node)
[ "$argocd_install" = chart ] && tools+=(helm)
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null || { echo "bootstrap: $tool is required" >&2; exit 1; }
done
# The YAML is read with the repository's pinned yaml package (pnpm install at the root).
(cd "$here" && node -e 'require.resolve("yaml")' 2>/dev/null) ||
  { echo "bootstrap: the yaml package is missing; run pnpm install at the repository's root" >&2; exit 1; }
# The gitops AppProject and the environment's root Application, from their templates; an
# environment that envs/ does not hold is refused here, before anything is installed.
manifests=$(node "$here/manifests.mjs" "$environment")
if [ ! -f "$here/../envs/$environment/cluster.yaml" ]; then
  echo "bootstrap: argocd-apps/envs/$environment/cluster.yaml is missing; run the terraform workflow (or scripts/update-app-configs.mjs) first" >&2
  exit 1
fi

health_key='resource.customizations.health.argoproj.io_Application'
if [ "$argocd_install" = chart ]; then
  # The chart the argo-cd application keeps afterwards (argocd-apps/addons/argo-cd.yaml).
  chart=$(node "$here/manifests.mjs" argocd-chart)
  { read -r chart_repo && read -r chart_version; } <<<"$chart"
  helm upgrade --install argocd argo-cd --repo "$chart_repo" --version "$chart_version" \
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

kubectl apply -f - <<<"$manifests"
echo "bootstrap: Argo CD syncs argocd-apps for $environment; watch it with: kubectl -n argocd get applications -w"
