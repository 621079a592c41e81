data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}
# The zones by their IDs (the same physical zones in every account), not by the names each
# account maps differently, and never more than the three listed.
data "aws_availability_zones" "selected" {
  state = "available"
  filter {
    name   = "zone-id"
    values = var.availability_zone_ids
  }
}

locals {
  name       = "tbyte-${var.environment}"
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.region
  partition  = data.aws_partition.current.partition
  azs        = data.aws_availability_zones.selected.names

  # Made by terraform/bootstrap (roles.tf) for this environment: the boundary every role created
  # here carries, and the role the terraform workflow applies with.
  permissions_boundary = "arn:${local.partition}:iam::${local.account_id}:policy/tbyte-github-boundary-${var.environment}"
  apply_role_arn       = "arn:${local.partition}:iam::${local.account_id}:role/tbyte-github-apply-${var.environment}"

  tags = merge(var.tags, {
    "app.kubernetes.io/part-of" = "tbyte"
    environment                 = var.environment
  })
}

data "aws_ecr_repository" "app" {
  for_each = var.ecr_repository_names
  name     = each.value
}
