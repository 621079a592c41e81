# AWS identities of the workloads, each trusted for exactly one ServiceAccount that the charts
# or the Argo CD add-ons really run (tested against the renders): IRSA roles, and EKS Pod
# Identity where a chart's ServiceAccount takes no annotation (the CloudWatch agent) or the
# module only offers it (Karpenter, in karpenter.tf).
locals {
  service_accounts = {
    backend                      = "tbyte:backend"
    aws-load-balancer-controller = "kube-system:aws-load-balancer-controller"
    ebs-csi                      = "kube-system:ebs-csi-controller-sa"
    loki                         = "logging:loki"
    vault                        = "vault:vault"
    grafana                      = "monitoring:kube-prometheus-stack-grafana"
  }

  # What a workload may call beyond the policies its module attaches: its statements, which
  # become one policy of its own (module.workload_policy). A workload's rights are written here
  # and nowhere else.
  workload_statements = {
    # The backend reads the RDS-managed master secret (through the Secrets Store CSI driver) to
    # migrate, and serves as tbyte_app with IAM authentication, a token per new connection:
    # that database user only, on this instance only.
    backend = [
      {
        sid       = "ReadDatabaseSecret"
        actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
        resources = [module.rds.db_instance_master_user_secret_arn]
      },
      {
        sid       = "DecryptDatabaseSecret"
        actions   = ["kms:Decrypt"]
        resources = [module.kms["rds"].key_arn]
      },
      {
        sid       = "ConnectAsAppRole"
        actions   = ["rds-db:connect"]
        resources = ["arn:${local.partition}:rds-db:${local.region}:${local.account_id}:dbuser:${module.rds.db_instance_resource_id}/tbyte_app"]
      },
    ]
    # Loki: its bucket only, encrypted with the logs key.
    loki = [
      {
        sid       = "LokiBucket"
        actions   = ["s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        resources = [module.loki_bucket.s3_bucket_arn, "${module.loki_bucket.s3_bucket_arn}/*"]
      },
      {
        sid       = "LokiBucketKey"
        actions   = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"]
        resources = [module.kms["logs"].key_arn]
      },
    ]
    # Vault: its unseal key only.
    vault = [
      {
        sid       = "VaultUnseal"
        actions   = ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"]
        resources = [module.kms["vault"].key_arn]
      },
    ]
    # Grafana: read CloudWatch metrics and logs for its CloudWatch data source.
    grafana = [
      {
        sid = "CloudWatchRead"
        actions = [
          "cloudwatch:DescribeAlarms",
          "cloudwatch:DescribeAlarmsForMetric",
          "cloudwatch:DescribeAlarmHistory",
          "cloudwatch:GetMetricData",
          "cloudwatch:GetInsightRuleReport",
          "cloudwatch:ListMetrics",
          "logs:DescribeLogGroups",
          "logs:GetLogGroupFields",
          "logs:StartQuery",
          "logs:StopQuery",
          "logs:GetQueryResults",
          "logs:GetLogEvents",
          "ec2:DescribeRegions",
          "ec2:DescribeInstances",
          "tag:GetResources",
        ]
        resources = ["*"]
      },
    ]
  }
}

data "aws_iam_policy_document" "workload" {
  for_each = local.workload_statements

  dynamic "statement" {
    for_each = each.value
    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }
}

module "workload_policy" {
  source  = "terraform-aws-modules/iam/aws//modules/iam-policy"
  version = "6.5.0"

  for_each = data.aws_iam_policy_document.workload

  name   = "${local.name}-${each.key}"
  policy = each.value.json
  tags   = local.tags
}

module "irsa" {
  source  = "terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts"
  version = "6.5.0"

  for_each = local.service_accounts

  name                 = "${local.name}-${each.key}"
  policy_name          = "${local.name}-${each.key}"
  use_name_prefix      = false
  permissions_boundary = local.permissions_boundary

  oidc_providers = {
    cluster = {
      provider_arn               = module.eks.oidc_provider_arn
      namespace_service_accounts = [each.value]
    }
  }

  attach_load_balancer_controller_policy = each.key == "aws-load-balancer-controller"
  attach_ebs_csi_policy                  = each.key == "ebs-csi"

  policies = contains(keys(module.workload_policy), each.key) ? { workload = module.workload_policy[each.key].arn } : {}

  tags = local.tags
}

# The CloudWatch agent of the amazon-cloudwatch-observability add-on (its chart's ServiceAccount
# takes no annotation, so EKS Pod Identity, as AWS recommends for it).
module "cloudwatch_agent_role" {
  source  = "terraform-aws-modules/iam/aws//modules/iam-role"
  version = "6.5.0"

  name                 = "${local.name}-cloudwatch-agent"
  use_name_prefix      = false
  permissions_boundary = local.permissions_boundary

  trust_policy_permissions = {
    PodIdentity = {
      actions = ["sts:AssumeRole", "sts:TagSession"]
      principals = [{
        type        = "Service"
        identifiers = ["pods.eks.amazonaws.com"]
      }]
    }
  }

  policies = {
    CloudWatchAgentServerPolicy = "arn:${local.partition}:iam::aws:policy/CloudWatchAgentServerPolicy"
    AWSXrayWriteOnlyAccess      = "arn:${local.partition}:iam::aws:policy/AWSXrayWriteOnlyAccess"
  }

  tags = local.tags
}

resource "aws_eks_pod_identity_association" "cloudwatch_agent" {
  cluster_name    = module.eks.cluster_name
  namespace       = "amazon-cloudwatch"
  service_account = "cloudwatch-agent"
  role_arn        = module.cloudwatch_agent_role.arn
  tags            = local.tags
}
