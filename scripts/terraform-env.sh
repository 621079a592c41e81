#!/usr/bin/env bash
# One environment's Terraform run in the terraform workflow: init against the state bucket
# (S3 lock file), validate, then plan (plan.txt for the pull request comment) or apply
# (outputs.json for scripts/update-app-configs.mjs).
#
#   ENVIRONMENT=dev TF_STATE_BUCKET=... AWS_REGION=... scripts/terraform-env.sh plan|apply
set -euo pipefail
action=${1:-}
case "$action" in
  plan | apply) ;;
  *)
    echo "usage: $0 plan|apply" >&2
    exit 2
    ;;
esac
: "${ENVIRONMENT:?ENVIRONMENT (dev or prod) is required}"
: "${TF_STATE_BUCKET:?TF_STATE_BUCKET is required}"
: "${AWS_REGION:?AWS_REGION is required}"
cd "$(dirname "$0")/../terraform/envs/$ENVIRONMENT"

terraform init -input=false \
  -backend-config="bucket=$TF_STATE_BUCKET" \
  -backend-config="key=envs/$ENVIRONMENT/terraform.tfstate" \
  -backend-config="region=$AWS_REGION"
terraform validate

if [ "$action" = plan ]; then
  terraform plan -input=false -lock-timeout=5m -out=tfplan
  terraform show -no-color tfplan >plan.txt
else
  terraform apply -input=false -lock-timeout=10m -auto-approve
  terraform output -json >outputs.json
fi
