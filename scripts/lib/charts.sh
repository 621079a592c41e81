# shellcheck shell=bash
# shellcheck disable=SC2154 # tools, need and the *_VERSION pins are set by scripts/test-infra.sh
# The Helm chart checks of `pnpm test:infra` (sourced by scripts/test-infra.sh, which installs
# the pinned tools into .tools/ first): lint, a render of every chart (and the tbyte umbrella) with every values file
# and mode, the pinned Kubernetes release's schema, the custom resources' CRDs, the Pod Security evaluator,
# checkov, the template tests and the alert rules.

helm="$tools/bin/helm"
kube_validate="$tools/bin/kube-validate"
crd_sources=hack/kube-validate/crd-sources.txt
rendered=reports/rendered
app_charts=(backend frontend postgresql)
need helm kube-validate kubernetes-validate checkov promtool

# Each chart's values.schema.json and README table from its schemas/ (charts/common/schemas/ for
# what the charts share); today 8 charts.
check "chart schemas and README value tables are current (8 charts or more)" \
  node charts/scripts/schemas.mjs --check --min-charts 8

# The library into each app chart, then the app charts into the umbrella.
for chart in "${app_charts[@]}" tbyte; do
  check "helm dependency build charts/$chart" "$helm" dependency build "charts/$chart"
done

# The charts of the cluster's own pieces (Karpenter nodes, Vault configuration, the ALB edge, the
# image signature policy).
platform_charts=(cluster-nodes vault-config edge image-policy)

for chart in platform "${app_charts[@]}" "${platform_charts[@]}"; do
  for values in "" examples/values-dev.yaml examples/values-prod.yaml; do
    check "helm lint --strict charts/$chart ${values:-(defaults)}" \
      "$helm" lint --strict "charts/$chart" --kube-version "$KUBE_VERSION" ${values:+-f "charts/$chart/$values"}
  done
done
for values in examples/values-dev.yaml examples/values-plain.yaml; do
  check "helm lint --strict charts/tbyte $values" \
    "$helm" lint --strict charts/tbyte --kube-version "$KUBE_VERSION" -f "charts/tbyte/$values"
done

# Every values file of every chart, and for the two apps every scaling mode with every rollout
# strategy: reports/rendered/app (the tbyte namespace) and reports/rendered/platform.
render_matrix() {
  rm -rf "$rendered" && mkdir -p "$rendered/app" "$rendered/platform"
  local chart values mode strategy name
  for values in "" examples/values-dev.yaml examples/values-prod.yaml; do
    name=$(basename "${values:-values-default.yaml}" .yaml)
    "$helm" template platform charts/platform --kube-version "$KUBE_VERSION" ${values:+-f "charts/platform/$values"} \
      >"$rendered/platform/$name.yaml" || return 1
    "$helm" template postgresql charts/postgresql -n tbyte --kube-version "$KUBE_VERSION" \
      ${values:+-f "charts/postgresql/$values"} >"$rendered/app/postgresql-$name.yaml" 2>/dev/null || return 1
    for chart in backend frontend; do
      for mode in hpa keda none; do
        for strategy in rollingUpdate canary blueGreen; do
          "$helm" template "$chart" "charts/$chart" -n tbyte --kube-version "$KUBE_VERSION" \
            ${values:+-f "charts/$chart/$values"} --set "autoscaling.mode=$mode" --set "rollout.strategy=$strategy" \
            >"$rendered/app/$chart-$name-$mode-$strategy.yaml" 2>/dev/null || return 1
        done
      done
    done
  done
  for chart in "${platform_charts[@]}"; do
    for values in values-dev values-prod; do
      "$helm" template "$chart" "charts/$chart" -n platform-test --kube-version "$KUBE_VERSION" \
        -f "charts/$chart/examples/$values.yaml" >"$rendered/platform/$chart-$values.yaml" || return 1
    done
  done
  for values in values-dev values-plain; do
    "$helm" template tbyte charts/tbyte -n tbyte --kube-version "$KUBE_VERSION" -f "charts/tbyte/examples/$values.yaml" \
      >"$rendered/app/tbyte-$values.yaml" 2>/dev/null || return 1
  done
  echo "$(find "$rendered" -name '*.yaml' | wc -l) renders in $rendered"
}
check "render every chart with every values file, scaling mode and rollout strategy" render_matrix

# The pinned Kubernetes release's OpenAPI schema, unknown fields rejected. kubernetes-validate has no
# schema for custom resources (kube-validate checks those); any other kind it does not know is
# a failure, not a warning.
validate_builtin() {
  local output status=0 problems
  output=$("$tools/venv-kubernetes-validate-$KUBERNETES_VALIDATE_VERSION/bin/kubernetes-validate" \
    --kubernetes-version "$KUBE_VERSION" --strict --quiet "$rendered"/*/*.yaml 2>&1) || status=1
  # Every line but "no schema" for a custom resource group (a dotted one outside k8s.io) is a problem.
  problems=$(grep -vE "Couldn't find schema for kind [A-Za-z0-9]+ with api version [a-z0-9-]+(\.[a-z0-9-]+)+/" <<<"$output")
  problems+=$(grep -E "Couldn't find schema .* api version [a-z0-9.-]*\.k8s\.io/" <<<"$output")
  if [ -n "$problems" ]; then
    echo "$problems"
    return 1
  fi
  return "$status"
}
check "kubernetes-validate --strict: every built-in object valid for Kubernetes $KUBE_VERSION" validate_builtin

check "custom resources valid against their CRDs (schema, CEL rules, unknown fields)" \
  "$kube_validate" crs -sources "$crd_sources" "$rendered"/*/*.yaml
check "every pod of the tbyte namespace admitted at restricted by the Pod Security evaluator" \
  "$kube_validate" pod-security -level restricted -version "v${KUBE_VERSION%.*}" "$rendered"/app/*.yaml
check "the Vault configuration Job admitted at restricted too" \
  "$kube_validate" pod-security -level restricted -version "v${KUBE_VERSION%.*}" "$rendered"/platform/vault-config-*.yaml

# The evaluator and the CRD check must refuse what breaks them: a rendered backend changed by hand.
refuses() {
  local expected=$1 output
  shift
  output=$("$@" 2>&1) && { echo "accepted: $*"; return 1; }
  grep -qF "$expected" <<<"$output" || { echo "$output"; return 1; }
}
backend_render="$rendered/app/backend-values-dev-hpa-rollingUpdate.yaml"
root_pod() { sed 's/runAsUser: 1000/runAsUser: 0/' "$backend_render" | "$kube_validate" pod-security -version "v${KUBE_VERSION%.*}" -; }
check "the evaluator refuses a pod running as root" refuses 'runAsUser=0' root_pod
capability_pod() {
  sed -E 's/^( *)drop: \["ALL"\]/&\n\1add: ["SYS_ADMIN"]/' "$backend_render" |
    "$kube_validate" pod-security -version "v${KUBE_VERSION%.*}" -
}
check "the evaluator refuses an added capability" refuses 'must not include "SYS_ADMIN"' capability_pod
unknown_field() { sed 's/podTargetLabels:/podTargetLabel:/' "$backend_render" | "$kube_validate" crs -sources "$crd_sources" -; }
check "the CRD check refuses an unknown field" refuses 'unknown field "spec.podTargetLabel"' unknown_field

# checkov on every render. Skipped, with the reason:
#   CKV_K8S_15 (pull policy Always): images are pinned by git-SHA tag in ECR repositories with
#     immutable tags, or by digest (image.digest); IfNotPresent pulls each once.
#   CKV_K8S_40 (UID above 10000): the design fixes UID/GID 1000 for every container (images are
#     built for it); root is refused by the schema and by Pod Security restricted.
#   CKV_K8S_43 (image by digest): image.digest is supported and the release pins the SHA tag;
#     the tag in the examples is what the environments' values replace.
run_checkov() {
  "$tools/venv-checkov-$CHECKOV_VERSION/bin/checkov" --directory "$rendered" --framework kubernetes \
    --skip-check CKV_K8S_15,CKV_K8S_40,CKV_K8S_43 --compact --quiet --skip-download
}
check "checkov on the rendered manifests" run_checkov

check "chart template tests on real renders (vitest)" env HELM="$PWD/$helm" pnpm --filter @tbyte/charts exec \
  vitest run --outputFile.json=../reports/charts.vitest.json

rule_files=(observability/rules/*.yaml observability/rules/platform/*.yaml)
check "promtool check rules ${rule_files[*]}" "$tools/bin/promtool" check rules "${rule_files[@]}"
check "promtool test rules: every alert fires on its series and not on healthy ones" \
  "$tools/bin/promtool" test rules observability/rules/tests/*.test.yaml

# The telemetry contract needs the built backend (it runs it) and the renders (KEDA triggers,
# Rollout analyses).
telemetry_contract() {
  pnpm --filter @tbyte/local --filter @tbyte/backend run build >/dev/null && node scripts/check-telemetry-contract.mjs "$rendered/app"
}
check "telemetry contract: every query's metrics exist (the real backend's /metrics, exporters in docs)" telemetry_contract
