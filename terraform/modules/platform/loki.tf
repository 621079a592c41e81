# Loki's object store: one private bucket for its chunks and its ruler (the chart names both; they
# keep separate prefixes), encrypted with the logs key, TLS only, objects expired a margin after
# the retention Loki itself applies (30 days).
module "loki_bucket" {
  source  = "terraform-aws-modules/s3-bucket/aws"
  version = "5.15.4"

  bucket        = "${local.name}-loki-${local.account_id}"
  force_destroy = var.environment != "prod"

  control_object_ownership = true
  object_ownership         = "BucketOwnerEnforced"

  attach_deny_insecure_transport_policy = true
  attach_require_latest_tls_policy      = true

  server_side_encryption_configuration = {
    rule = {
      apply_server_side_encryption_by_default = {
        sse_algorithm     = "aws:kms"
        kms_master_key_id = module.kms["logs"].key_arn
      }
      bucket_key_enabled = true
    }
  }

  lifecycle_rule = [{
    id                                     = "expire-after-retention"
    enabled                                = true
    expiration                             = { days = 45 }
    abort_incomplete_multipart_upload_days = 1
  }]

  tags = local.tags
}
