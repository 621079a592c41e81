# The environment: the shared platform module with this environment's tfvars.
module "platform" {
  source = "../../modules/platform"

  environment           = var.environment
  kubernetes_version    = var.kubernetes_version
  vpc_cidr              = var.vpc_cidr
  availability_zone_ids = var.availability_zone_ids
  single_nat_gateway    = var.single_nat_gateway
  public_access_cidrs   = var.public_access_cidrs
  system_node_group     = var.system_node_group
  developers_role_arn   = var.developers_role_arn
  admin_role_arns       = var.admin_role_arns
  database              = var.database
  log_retention_days    = var.log_retention_days
  alb_certificate_arn   = var.alb_certificate_arn
}
