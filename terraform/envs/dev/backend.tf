# State in the bucket terraform/bootstrap creates, locked with S3's own lock file (no DynamoDB).
# bucket, key and region come at init (the README and the terraform workflow):
#   terraform init -backend-config="bucket=$TF_STATE_BUCKET" \
#     -backend-config="key=envs/<environment>/terraform.tfstate" -backend-config="region=$AWS_REGION"
terraform {
  backend "s3" {
    use_lockfile = true
    encrypt      = true
  }
}
