# The three roles GitHub Actions assumes, each least-privilege and trusted for one kind of run:
#   plan    - pull requests of the repository; reads everything, writes only the state lock.
#   apply   - the GitHub environments terraform-<env> (each limited to main by the
#             environment's deployment branch rule); changes what the stacks manage, by service
#             and by the tbyte- name prefix; never AdministratorAccess.
#   release - pushes to main; pushes the two app images to ECR, nothing else.
locals {
  state_objects = "arn:${local.partition}:s3:::${local.state_bucket}/envs/*"
  roles = {
    plan    = ["${var.github_repository}:pull_request"]
    apply   = [for env in var.environments : "${var.github_repository}:environment:terraform-${env}"]
    release = ["${var.github_repository}:ref:refs/heads/main"]
  }
}

data "aws_iam_policy_document" "state" {
  for_each = toset(["plan", "apply"])

  statement {
    sid       = "ListState"
    actions   = ["s3:ListBucket"]
    resources = [module.state_bucket.s3_bucket_arn]
  }

  statement {
    sid       = "ReadState"
    actions   = ["s3:GetObject"]
    resources = [local.state_objects]
  }

  # Plan takes the lock (a .tflock object); apply also writes the state.
  statement {
    sid       = "WriteStateOrLock"
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = each.key == "apply" ? [local.state_objects] : ["${local.state_objects}.tflock"]
  }

  statement {
    sid       = "StateKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = [module.kms["state"].key_arn]
  }
}

# The apply role builds VPCs, clusters, databases and keys, so it holds write actions on those
# services; IAM and S3 stay limited to the tbyte- names, and nothing grants iam:* on all roles.
data "aws_iam_policy_document" "apply" {
  # checkov:skip=CKV_AWS_107: the stacks create IAM roles and OIDC providers, scoped to tbyte- names and EKS OIDC providers
  # checkov:skip=CKV_AWS_109: KMS key policies and IAM policies of the stacks' own resources are what apply writes
  # checkov:skip=CKV_AWS_111: creating VPCs, clusters and databases needs write actions whose resources do not exist yet
  # checkov:skip=CKV_AWS_356: ec2, eks, rds and kms creation calls cannot be scoped to resource ARNs that do not exist yet
  statement {
    sid = "Services"
    actions = [
      "ec2:*",
      "eks:*",
      "rds:*",
      "kms:*",
      "logs:*",
      "events:*",
      "elasticloadbalancing:Describe*",
      "autoscaling:Describe*",
      "ecr:DescribeRepositories",
      "pi:*",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "TbyteBucketsAndQueues"
    actions   = ["s3:*", "sqs:*"]
    resources = ["arn:${local.partition}:s3:::tbyte-*", "arn:${local.partition}:s3:::tbyte-*/*", "arn:${local.partition}:sqs:*:${local.account_id}:tbyte-*"]
  }

  statement {
    sid     = "TbyteIdentities"
    actions = ["iam:*"]
    resources = [
      "arn:${local.partition}:iam::${local.account_id}:role/tbyte-*",
      "arn:${local.partition}:iam::${local.account_id}:policy/tbyte-*",
      "arn:${local.partition}:iam::${local.account_id}:oidc-provider/oidc.eks.*",
    ]
  }

  statement {
    sid       = "ServiceLinkedRoles"
    actions   = ["iam:CreateServiceLinkedRole"]
    resources = ["arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/*"]
  }

  statement {
    sid       = "ReadIam"
    actions   = ["iam:Get*", "iam:List*"]
    resources = ["*"]
  }

  statement {
    sid       = "DatabaseSecretMetadata"
    actions   = ["secretsmanager:DescribeSecret", "secretsmanager:ListSecrets"]
    resources = ["*"]
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

  for_each = {
    plan-state  = data.aws_iam_policy_document.state["plan"].json
    apply-state = data.aws_iam_policy_document.state["apply"].json
    apply       = data.aws_iam_policy_document.apply.json
    release     = data.aws_iam_policy_document.release.json
  }

  name   = "tbyte-github-${each.key}"
  policy = each.value
}

module "ci_role" {
  source  = "terraform-aws-modules/iam/aws//modules/iam-role"
  version = "6.5.0"

  for_each = local.roles

  name            = "tbyte-github-${each.key}"
  use_name_prefix = false

  enable_github_oidc = true
  oidc_subjects      = each.value

  policies = {
    plan = {
      ReadOnlyAccess = "arn:${local.partition}:iam::aws:policy/ReadOnlyAccess"
      state          = module.ci_policy["plan-state"].arn
    }
    apply = {
      apply = module.ci_policy["apply"].arn
      state = module.ci_policy["apply-state"].arn
    }
    release = {
      release = module.ci_policy["release"].arn
    }
  }[each.key]
}
