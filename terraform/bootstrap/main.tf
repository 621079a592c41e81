data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account_id   = data.aws_caller_identity.current.account_id
  partition    = data.aws_partition.current.partition
  state_bucket = "tbyte-terraform-state-${local.account_id}"
  github       = "token.actions.githubusercontent.com"
}

# Terraform state of the environments: versioned, encrypted, private, TLS only. Locking is
# S3's own lock file (use_lockfile in each environment's backend).
module "state_bucket" {
  source  = "terraform-aws-modules/s3-bucket/aws"
  version = "5.15.4"

  bucket = local.state_bucket

  versioning = {
    enabled = true
  }

  control_object_ownership = true
  object_ownership         = "BucketOwnerEnforced"

  attach_deny_insecure_transport_policy = true
  attach_require_latest_tls_policy      = true

  server_side_encryption_configuration = {
    rule = {
      apply_server_side_encryption_by_default = {
        sse_algorithm     = "aws:kms"
        kms_master_key_id = module.kms["state"].key_arn
      }
      bucket_key_enabled = true
    }
  }

  lifecycle_rule = [{
    id                                     = "old-state-versions"
    enabled                                = true
    noncurrent_version_expiration          = { days = 90 }
    abort_incomplete_multipart_upload_days = 1
  }]
}

module "kms" {
  source  = "terraform-aws-modules/kms/aws"
  version = "4.2.0"

  for_each = {
    state = "Terraform state of TByte"
    ecr   = "Images of TByte in ECR"
  }

  description             = each.value
  aliases                 = ["tbyte/${each.key}"]
  enable_key_rotation     = true
  deletion_window_in_days = 30
}

# The app images: immutable tags (a git SHA names one image forever), scanned on push, kept to
# the last 200 releases and untagged layers for a week.
module "ecr" {
  source  = "terraform-aws-modules/ecr/aws"
  version = "3.2.0"

  for_each = toset(var.app_repositories)

  repository_name                 = each.value
  repository_image_tag_mutability = "IMMUTABLE"
  repository_image_scan_on_push   = true
  repository_encryption_type      = "KMS"
  repository_kms_key              = module.kms["ecr"].key_arn

  create_lifecycle_policy = true
  repository_lifecycle_policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Untagged images after a week"
        selection = {
          tagStatus   = "untagged"
          countType   = "sinceImagePushed"
          countUnit   = "days"
          countNumber = 7
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 2
        description  = "Keep the last 200 tagged images"
        selection = {
          tagStatus   = "any"
          countType   = "imageCountMoreThan"
          countNumber = 200
        }
        action = { type = "expire" }
      },
    ]
  })
}

# GitHub's OIDC identity provider: workflows get short-lived AWS credentials, no stored keys.
module "github_oidc" {
  source  = "terraform-aws-modules/iam/aws//modules/iam-oidc-provider"
  version = "6.5.0"

  url = "https://${local.github}"
}
