# One key per purpose, rotated yearly: EKS secrets envelope encryption, RDS storage and its
# managed secret, Vault's auto-unseal, and logs (CloudWatch log groups, Loki's bucket).
module "kms" {
  source  = "terraform-aws-modules/kms/aws"
  version = "4.2.0"

  for_each = {
    eks   = "EKS secrets envelope encryption of ${local.name}"
    rds   = "RDS storage, snapshots, Performance Insights and the master secret of ${local.name}"
    vault = "Vault auto-unseal of ${local.name}"
    logs  = "CloudWatch log groups and the Loki bucket of ${local.name}"
  }

  description             = each.value
  aliases                 = ["${local.name}/${each.key}"]
  enable_key_rotation     = true
  deletion_window_in_days = 30

  # CloudWatch Logs encrypts the log groups with the logs key.
  key_statements = each.key == "logs" ? [
    {
      sid = "CloudWatchLogs"
      actions = [
        "kms:Encrypt*",
        "kms:Decrypt*",
        "kms:ReEncrypt*",
        "kms:GenerateDataKey*",
        "kms:Describe*",
      ]
      resources = ["*"]
      principals = [{
        type        = "Service"
        identifiers = ["logs.${local.region}.amazonaws.com"]
      }]
      condition = [{
        test     = "ArnLike"
        variable = "kms:EncryptionContext:aws:logs:arn"
        values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
      }]
    }
  ] : null

  tags = local.tags
}
