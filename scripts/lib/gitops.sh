# shellcheck shell=bash
# shellcheck disable=SC2154 # tools, need, helm, kube_validate and the pins are set by scripts/test-infra.sh
need helm kube-validate amtool
helm="$tools/bin/helm"
kube_validate="$tools/bin/kube-validate"
crd_sources=hack/kube-validate/crd-sources.txt
rendered=reports/rendered

# The local charts the Applications point at need their library before they render.
for chart in backend frontend postgresql; do
  check "helm dependency build charts/$chart (for the tree)" "$helm" dependency build "charts/$chart"
done

# The GitOps tree: the root chart rendered for each environment with cluster facts written by
# scripts/update-app-configs.mjs from recorded Terraform outputs (charts/tests/fixtures), and
# every Application, AppProject and the bootstrap checked against Argo CD's CRDs. The renders
# (tree-ENV.yaml) and the bootstrap's files (bootstrap/) keep apart, so neither hides the other.
gitops_values=reports/gitops-values
render_gitops() {
  rm -rf "$gitops_values" "$rendered/gitops" && mkdir -p "$gitops_values" "$rendered/gitops/bootstrap"
  local env
  for env in dev prod; do
    node scripts/update-app-configs.mjs "$env" "charts/tests/fixtures/terraform-outputs-$env.json" \
      "$gitops_values/cluster-$env.yaml" >/dev/null || return 1
    "$helm" template root argocd-apps -n argocd --kube-version "$KUBE_VERSION" \
      -f "argocd-apps/envs/$env/values.yaml" -f "$gitops_values/cluster-$env.yaml" \
      -f charts/tests/fixtures/images.yaml >"$rendered/gitops/tree-$env.yaml" || return 1
  done
  # The bootstrap's gitops AppProject and root Application of each environment, from their templates.
  for env in dev prod e2e; do
    node argocd-apps/bootstrap/manifests.mjs "$env" >"$rendered/gitops/bootstrap/$env.yaml" || return 1
  done
}
check "render the app of apps for dev and prod" render_gitops
for env in dev prod; do
  check "helm lint --strict argocd-apps ($env)" "$helm" lint --strict argocd-apps --kube-version "$KUBE_VERSION" \
    -f "argocd-apps/envs/$env/values.yaml" -f "$gitops_values/cluster-$env.yaml" -f charts/tests/fixtures/images.yaml
done
# Today's count: dev 30 Applications and 2 AppProjects, prod 29 and 2, and the bootstrap's gitops
# AppProject and root Application of dev, prod and e2e. Fewer means a render went missing; raise it
# as the tree grows.
check "Applications, AppProjects and the bootstrap valid against Argo CD's CRDs (69 or more)" \
  "$kube_validate" crs -sources "$crd_sources" -min 69 "$rendered"/gitops/tree-*.yaml "$rendered"/gitops/bootstrap/*.yaml
# What no single chart shows: CRD order across waves, one owner per CRD, server-side apply where
# CRDs are applied, no null in a valuesObject, every mounted ConfigMap and Secret present.
for env in dev prod; do
  check "cross-Application checks of the $env tree (argocd-apps/tests/tree-checks.mjs)" \
    node argocd-apps/tests/tree-checks.mjs --helm "$helm" --kube-version "$KUBE_VERSION" \
    --min-applications 27 "$rendered/gitops/tree-$env.yaml"
done
# kube-validate's own tests: each subcommand against inputs it must pass and refuse. Today's count
# is 23 passing tests and subtests; fewer means some went missing.
kube_validate_tests() {
  local output count
  output=$(cd hack/kube-validate && go test -count=1 -v ./... 2>&1) || { echo "$output"; return 1; }
  count=$(grep -cE '^\s*--- PASS' <<<"$output")
  echo "kube-validate: $count Go tests and subtests passed"
  [ "$count" -ge 23 ]
}
check "kube-validate: Go table tests of its subcommands (23 or more)" kube_validate_tests
check "the Application health check reports child health in Argo CD's Lua VM" \
  "$kube_validate" argocd-health -script argocd-apps/bootstrap/application-health.lua

check "Alertmanager: the configuration loads and each severity reaches its receiver (amtool)" \
  node argocd-apps/tests/check-alertmanager.mjs "$tools/bin/amtool"

# argocd-apps/tests/gitops.test.ts, with the charts package's vitest and render helpers (the
# Applications render charts/); its types are checked against the same vitest.
check "argocd-apps/tests typecheck (tsc)" \
  pnpm --filter @tbyte/charts exec tsc -p ../argocd-apps/tsconfig.json
check "the GitOps tree: waves, pins, projects, local charts, bootstrap, docs (vitest)" \
  env HELM="$PWD/$helm" pnpm --filter @tbyte/charts exec \
  vitest run --root ../argocd-apps --config ../charts/vitest.config.ts --outputFile.json=../reports/gitops.vitest.json
