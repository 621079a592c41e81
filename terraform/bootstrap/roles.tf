# The roles GitHub Actions assumes, each trusted for one kind of run and, where it touches an
# environment, for that environment only:
#   plan-<env>    - reads what the environment's stack refreshes (Describe/List/Get, scoped) and
#                   its own state, and takes the state lock. var.pull_request_plan_environment is
#                   planned on every pull request; the others only from main, in the GitHub
#                   environment terraform-<env>, after a reviewer approves the run.
#   apply-<env>   - the GitHub environment terraform-<env> (limited to main): changes that
#                   environment's resources (names tbyte-<env>-*, tag environment=<env>), never the
#                   other environments' nor any tbyte-github-* identity, and creates roles only under
#                   the environment's permissions boundary.
#   release       - pushes to main; pushes the two app images to ECR, nothing else.
# What each statement grants, and why, is tabled in README.md.
locals {
  iam = "arn:${local.partition}:iam::${local.account_id}"

  # One role per environment and purpose; the subject is the only run GitHub signs it for.
  ci_roles = merge(
    { for env in var.environments : "plan-${env}" => {
      subject  = env == var.pull_request_plan_environment ? "${var.github_repository}:pull_request" : "${var.github_repository}:environment:terraform-${env}"
      policies = ["plan-${env}", "state-plan-${env}"]
    } },
    { for env in var.environments : "apply-${env}" => {
      subject  = "${var.github_repository}:environment:terraform-${env}"
      policies = ["plan-${env}", "apply-${env}", "state-apply-${env}"]
    } },
    { release = {
      subject  = "${var.github_repository}:ref:refs/heads/main"
      policies = ["release"]
    } },
  )

  # The stacks' names: tbyte-<env>-... (modules/platform's local.name).
  owned = { for env in var.environments : env => {
    roles    = "${local.iam}:role/tbyte-${env}-*"
    policies = "${local.iam}:policy/tbyte-${env}-*"
    buckets  = "arn:${local.partition}:s3:::tbyte-${env}-*"
    queues   = "arn:${local.partition}:sqs:${var.region}:${local.account_id}:tbyte-${env}-*"
    rules    = "arn:${local.partition}:events:${var.region}:${local.account_id}:rule/tbyte-${env}-*"
    aliases  = "arn:${local.partition}:kms:${var.region}:${local.account_id}:alias/tbyte-${env}/*"
    boundary = "${local.iam}:policy/tbyte-github-boundary-${env}"
    others   = [for other in var.environments : other if other != env]
  } }
}

data "aws_iam_policy_document" "state" {
  for_each = { for pair in setproduct(["plan", "apply"], var.environments) : "${pair[0]}-${pair[1]}" => {
    writes_state = pair[0] == "apply"
    objects      = "arn:${local.partition}:s3:::${local.state_bucket}/envs/${pair[1]}/*"
  } }

  statement {
    sid       = "ListState"
    actions   = ["s3:ListBucket"]
    resources = [module.state_bucket.s3_bucket_arn]
  }

  statement {
    sid       = "ReadState"
    actions   = ["s3:GetObject"]
    resources = [each.value.objects]
  }

  # Plan takes the lock (a .tflock object); apply also writes the state.
  statement {
    sid       = "WriteStateOrLock"
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = [each.value.writes_state ? each.value.objects : "${each.value.objects}.tflock"]
  }

  statement {
    sid       = "StateKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = [module.kms["state"].key_arn]
  }
}

# What a refresh of the environment reads, and nothing that holds data: no object, secret value,
# parameter outside AWS's public ones, or log event. Describe/List/Get are granted by name where a
# service's reads cannot leak data (EC2, EKS, RDS metadata), by resource elsewhere.
data "aws_iam_policy_document" "plan" {
  # checkov:skip=CKV_AWS_356: Describe and List calls of EC2, EKS, RDS, KMS and CloudWatch Logs take no resource ARN
  for_each = local.owned

  statement {
    sid = "DescribeInfrastructure"
    actions = [
      "ec2:Describe*",
      "eks:Describe*",
      "eks:List*",
      "rds:Describe*",
      "rds:ListTagsForResource",
      "kms:DescribeKey",
      "kms:GetKeyPolicy",
      "kms:GetKeyRotationStatus",
      "kms:ListAliases",
      "kms:ListResourceTags",
      "logs:DescribeLogGroups",
      "logs:ListTagsForResource",
      "logs:ListTagsLogGroup",
      "events:DescribeRule",
      "events:ListTagsForResource",
      "events:ListTargetsByRule",
    ]
    resources = ["*"]
  }

  statement {
    sid = "ReadIdentities"
    actions = [
      "iam:GetOpenIDConnectProvider",
      "iam:GetPolicy",
      "iam:GetPolicyVersion",
      "iam:GetRole",
      "iam:GetRolePolicy",
      "iam:ListAttachedRolePolicies",
      "iam:ListInstanceProfilesForRole",
      "iam:ListPolicyVersions",
      "iam:ListRolePolicies",
    ]
    resources = [each.value.roles, each.value.policies, "${local.iam}:oidc-provider/oidc.eks.*"]
  }

  # The EKS module reads the caller's own role (aws_iam_session_context) on every run.
  statement {
    sid       = "ReadOwnRole"
    actions   = ["iam:GetRole"]
    resources = ["${local.iam}:role/tbyte-github-plan-${each.key}", "${local.iam}:role/tbyte-github-apply-${each.key}"]
  }

  statement {
    sid = "ReadBucketSettings"
    actions = [
      "s3:GetAccelerateConfiguration",
      "s3:GetBucket*",
      "s3:GetEncryptionConfiguration",
      "s3:GetLifecycleConfiguration",
      "s3:GetReplicationConfiguration",
      "s3:ListBucket",
    ]
    resources = [each.value.buckets]
  }

  statement {
    sid       = "ReadQueues"
    actions   = ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueueTags"]
    resources = [each.value.queues]
  }

  # The metadata of the secret RDS manages (its ARN is an output), never its value.
  statement {
    sid       = "DatabaseSecretMetadata"
    actions   = ["secretsmanager:DescribeSecret"]
    resources = ["arn:${local.partition}:secretsmanager:${var.region}:${local.account_id}:secret:rds!*"]
  }

  # The EKS-optimised AMI release the managed node group follows (AWS's public parameters).
  statement {
    sid       = "PublicAmiParameters"
    actions   = ["ssm:GetParameter"]
    resources = ["arn:${local.partition}:ssm:${var.region}::parameter/aws/service/eks/*"]
  }

  statement {
    sid       = "AppRepositories"
    actions   = ["ecr:DescribeImages", "ecr:DescribeRepositories", "ecr:ListTagsForResource"]
    resources = [for repository in module.ecr : repository.repository_arn]
  }
}

# The apply role changes one environment. Services whose resources carry the environment tag
# (EC2, EKS, RDS, KMS, CloudWatch Logs) are granted by service, and an explicit deny keeps the
# role off anything tagged for another environment; IAM, S3, SQS, EventBridge and KMS aliases are
# granted by the environment's name prefix. The action list per resource type that this must
# cover is terraform/tests/apply-actions.ts, read from the modules at their pinned tags and the
# AWS provider, and tested against this document.
data "aws_iam_policy_document" "apply" {
  # checkov:skip=CKV_AWS_107: the stack creates IAM roles and OIDC providers, scoped to its tbyte-<env>- names and the boundary
  # checkov:skip=CKV_AWS_109: KMS key policies and IAM policies of the stack's own resources are what apply writes
  # checkov:skip=CKV_AWS_111: creating VPCs, clusters and databases needs write actions whose resources do not exist yet
  # checkov:skip=CKV_AWS_356: ec2, eks and rds creation calls cannot be scoped to resource ARNs that do not exist yet
  for_each = local.owned

  statement {
    sid       = "TaggedServices"
    actions   = ["ec2:*", "eks:*", "rds:*", "logs:*"]
    resources = ["*"]
  }

  # Interface endpoints with private DNS associate the VPC with AWS's private hosted zone.
  statement {
    sid       = "EndpointPrivateDns"
    actions   = ["route53:AssociateVPCWithHostedZone"]
    resources = ["*"]
  }

  statement {
    sid       = "CreateKeysForThisEnvironment"
    actions   = ["kms:CreateKey", "kms:TagResource"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/environment"
      values   = [each.key]
    }
  }

  statement {
    sid       = "KeysOfThisEnvironment"
    actions   = ["kms:*"]
    resources = ["arn:${local.partition}:kms:${var.region}:${local.account_id}:key/*"]
    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/environment"
      values   = [each.key]
    }
  }

  statement {
    sid       = "KeyAliases"
    actions   = ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"]
    resources = [each.value.aliases]
  }

  statement {
    sid       = "BucketsQueuesRules"
    actions   = ["s3:*", "sqs:*", "events:*"]
    resources = [each.value.buckets, "${each.value.buckets}/*", each.value.queues, each.value.rules]
  }

  # RDS creates and rotates the master secret with the caller's rights.
  statement {
    sid = "DatabaseSecret"
    actions = [
      "secretsmanager:CreateSecret",
      "secretsmanager:DeleteSecret",
      "secretsmanager:DescribeSecret",
      "secretsmanager:RotateSecret",
      "secretsmanager:TagResource",
    ]
    resources = ["arn:${local.partition}:secretsmanager:${var.region}:${local.account_id}:secret:rds!*"]
  }

  # Roles exist only under the environment's boundary: creating one, or changing what it may do,
  # requires that boundary on it.
  statement {
    sid = "RolesUnderTheBoundary"
    actions = [
      "iam:AttachRolePolicy",
      "iam:CreateRole",
      "iam:DeleteRolePolicy",
      "iam:DetachRolePolicy",
      "iam:PutRolePermissionsBoundary",
      "iam:PutRolePolicy",
    ]
    resources = [each.value.roles]
    condition {
      test     = "StringEquals"
      variable = "iam:PermissionsBoundary"
      values   = [each.value.boundary]
    }
  }

  statement {
    sid = "RolesOfThisEnvironment"
    actions = [
      "iam:DeleteRole",
      "iam:PassRole",
      "iam:TagRole",
      "iam:UntagRole",
      "iam:UpdateAssumeRolePolicy",
      "iam:UpdateRole",
      "iam:UpdateRoleDescription",
    ]
    resources = [each.value.roles]
  }

  statement {
    sid = "PoliciesOfThisEnvironment"
    actions = [
      "iam:CreatePolicy",
      "iam:CreatePolicyVersion",
      "iam:DeletePolicy",
      "iam:DeletePolicyVersion",
      "iam:TagPolicy",
      "iam:UntagPolicy",
    ]
    resources = [each.value.policies]
  }

  # The cluster's IRSA provider; its URL names no environment, so the tag condition scopes it.
  statement {
    sid = "ClusterOidcProvider"
    actions = [
      "iam:AddClientIDToOpenIDConnectProvider",
      "iam:CreateOpenIDConnectProvider",
      "iam:DeleteOpenIDConnectProvider",
      "iam:RemoveClientIDFromOpenIDConnectProvider",
      "iam:TagOpenIDConnectProvider",
      "iam:UntagOpenIDConnectProvider",
      "iam:UpdateOpenIDConnectProviderThumbprint",
    ]
    resources = ["${local.iam}:oidc-provider/oidc.eks.*"]
  }

  statement {
    sid       = "ServiceLinkedRoles"
    actions   = ["iam:CreateServiceLinkedRole"]
    resources = ["${local.iam}:role/aws-service-role/*"]
    condition {
      test     = "StringEquals"
      variable = "iam:AWSServiceName"
      values   = ["eks.amazonaws.com", "eks-nodegroup.amazonaws.com", "rds.amazonaws.com", "autoscaling.amazonaws.com", "elasticloadbalancing.amazonaws.com"]
    }
  }

  # The CI identities and their boundaries are out of reach, this role's own included; reading
  # them stays possible (the EKS module reads the caller's role).
  statement {
    sid         = "NeverChangeTheCiIdentities"
    effect      = "Deny"
    not_actions = ["iam:Get*", "iam:List*"]
    resources   = ["${local.iam}:role/tbyte-github-*", "${local.iam}:policy/tbyte-github-*"]
  }

  statement {
    sid       = "NoRoleWithoutTheBoundary"
    effect    = "Deny"
    actions   = ["iam:CreateRole", "iam:PutRolePermissionsBoundary"]
    resources = ["*"]
    condition {
      test     = "StringNotEquals"
      variable = "iam:PermissionsBoundary"
      values   = [each.value.boundary]
    }
  }

  statement {
    sid       = "KeepTheBoundary"
    effect    = "Deny"
    actions   = ["iam:DeleteRolePermissionsBoundary"]
    resources = ["*"]
  }

  dynamic "statement" {
    for_each = length(each.value.others) > 0 ? {
      NothingOfTheOtherEnvironments  = "aws:ResourceTag/environment"
      NothingForTheOtherEnvironments = "aws:RequestTag/environment"
    } : {}
    content {
      sid       = statement.key
      effect    = "Deny"
      actions   = ["*"]
      resources = ["*"]
      condition {
        test     = "StringEquals"
        variable = statement.value
        values   = each.value.others
      }
    }
  }
}

# The most any role created by an environment's apply may do, whatever policies it is given: the
# services the workloads and the cluster use, IAM limited to passing roles, Karpenter's instance
# profiles and the server certificates the load balancer controller reads, and never the CI
# identities.
data "aws_iam_policy_document" "boundary" {
  # checkov:skip=CKV_AWS_107: a boundary caps the roles under it; iam:PassRole is what Karpenter and EKS need to use the node roles
  # checkov:skip=CKV_AWS_108: the boundary caps, it grants nothing; Loki's and the backend's own policies name their bucket and secret
  # checkov:skip=CKV_AWS_109: a boundary caps, it grants nothing; the workload policies are scoped
  # checkov:skip=CKV_AWS_110: a boundary caps, it grants nothing; the workload policies are scoped
  # checkov:skip=CKV_AWS_111: a boundary caps, it grants nothing; the workload policies are scoped
  # checkov:skip=CKV_AWS_356: a boundary caps, it grants nothing; the workload policies are scoped
  for_each = local.owned

  statement {
    sid = "WorkloadServices"
    actions = [
      "acm:*", "autoscaling:*", "cloudwatch:*", "cognito-idp:DescribeUserPoolClient", "ec2:*",
      "ec2messages:*", "ecr:*", "eks:*", "eks-auth:*", "elasticloadbalancing:*", "kms:*", "logs:*",
      "pricing:*", "s3:*", "secretsmanager:*", "shield:*", "sqs:*", "ssm:*", "ssmmessages:*",
      "sts:*", "tag:*", "waf-regional:*", "wafv2:*", "xray:*",
    ]
    resources = ["*"]
  }

  statement {
    sid = "NodeRolesAndProfiles"
    actions = [
      "iam:AddRoleToInstanceProfile", "iam:CreateInstanceProfile", "iam:CreateServiceLinkedRole",
      "iam:DeleteInstanceProfile", "iam:GetInstanceProfile", "iam:GetRole", "iam:GetServerCertificate",
      "iam:ListInstanceProfiles", "iam:ListServerCertificates", "iam:PassRole",
      "iam:RemoveRoleFromInstanceProfile", "iam:TagInstanceProfile",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "NeverTheCiIdentities"
    effect    = "Deny"
    actions   = ["*"]
    resources = ["${local.iam}:role/tbyte-github-*", "${local.iam}:policy/tbyte-github-*"]
  }
}

data "aws_iam_policy_document" "release" {
  statement {
    sid       = "EcrLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "PushAppImages"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:CompleteLayerUpload",
      "ecr:DescribeImages",
      "ecr:GetDownloadUrlForLayer",
      "ecr:InitiateLayerUpload",
      "ecr:PutImage",
      "ecr:UploadLayerPart",
    ]
    resources = [for repository in module.ecr : repository.repository_arn]
  }

  statement {
    sid       = "ImageKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [module.kms["ecr"].key_arn]
  }
}

module "ci_policy" {
  source  = "terraform-aws-modules/iam/aws//modules/iam-policy"
  version = "6.5.0"

  for_each = merge(
    { for name, document in data.aws_iam_policy_document.state : "state-${name}" => document.json },
    { for env, document in data.aws_iam_policy_document.plan : "plan-${env}" => document.json },
    { for env, document in data.aws_iam_policy_document.apply : "apply-${env}" => document.json },
    { for env, document in data.aws_iam_policy_document.boundary : "boundary-${env}" => document.json },
    { release = data.aws_iam_policy_document.release.json },
  )

  name   = "tbyte-github-${each.key}"
  policy = each.value
}

module "ci_role" {
  source  = "terraform-aws-modules/iam/aws//modules/iam-role"
  version = "6.5.0"

  for_each = local.ci_roles

  name            = "tbyte-github-${each.key}"
  use_name_prefix = false

  enable_github_oidc = true
  oidc_subjects      = [each.value.subject]

  policies = { for policy in each.value.policies : policy => module.ci_policy[policy].arn }
}
