# shellcheck shell=bash
# shellcheck disable=SC2154 # tools, need and the *_VERSION pins are set by scripts/test-infra.sh
# The Terraform checks of `pnpm test:infra`: terraform fmt, tflint (built from its Go module),
# checkov and the structural tests over the parsed HCL. terraform init and validate need the
# Terraform registry, which this machine cannot reach; the terraform workflow runs them.

# terraform itself cannot be built from its Go module (its go.mod replaces nested modules the
# module proxy does not ship) nor downloaded here; fmt uses the terraform on the PATH (any 1.x
# formats alike), and the terraform workflow pins the version it plans and applies with.
terraform_present() {
  if ! command -v terraform >/dev/null; then
    echo "terraform is not installed: install Terraform 1.11 or newer (releases.hashicorp.com) to run terraform fmt"
    return 1
  fi
  # The whole output is read before its first line is printed: `| head -1` closed the pipe early
  # and failed the check under pipefail whenever terraform wrote more (the upgrade notice).
  local version
  version=$(CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null terraform version) || return 1
  echo "${version%%$'\n'*}"
}
check "terraform is installed" terraform_present

need tflint checkov helm


# No CLI configuration of the user's (credentials, mirrors) leaks into the checks.
terraform_cmd() { TF_CLI_CONFIG_FILE=/dev/null terraform "$@"; }

check "terraform fmt -check -recursive terraform/" terraform_cmd -chdir=terraform fmt -check -recursive
check "tflint --recursive terraform/" \
  "$tools/bin/tflint" --chdir=terraform --recursive --config "$PWD/terraform/.tflint.hcl" --format compact

# checkov on terraform/ (it sees little behind registry modules; the structural tests are the
# main proof). Skipped, with the reason:
#   CKV_TF_1 (module source by commit hash): registry modules are pinned to exact versions,
#     which the registry never republishes; a git source by hash would leave the registry.
# Other skips are inline, next to the resource they concern.
check "checkov on terraform/" "$tools/venv-checkov-$CHECKOV_VERSION/bin/checkov" --directory terraform \
  --framework terraform --skip-check CKV_TF_1 --compact --quiet --skip-download

# The identity tests render the backend chart, which needs its library.
check "helm dependency build charts/backend (for the identity tests)" "$tools/bin/helm" dependency build charts/backend
check "structural tests of the Terraform stacks (vitest)" env HELM="$PWD/$tools/bin/helm" \
  pnpm --filter @tbyte/terraform test:terraform
