# Three zones; public subnets for the ALB, private ones for nodes and pods (tagged for internal
# load balancers and Karpenter's discovery), database subnets for RDS.
module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "6.6.0"

  name = local.name
  cidr = var.vpc_cidr
  azs  = local.azs

  public_subnets   = [for i in range(3) : cidrsubnet(var.vpc_cidr, 8, i)]
  private_subnets  = [for i in range(3) : cidrsubnet(var.vpc_cidr, 4, i + 1)]
  database_subnets = [for i in range(3) : cidrsubnet(var.vpc_cidr, 8, i + 4 * 16 + 1)]

  create_database_subnet_group = true
  enable_dns_hostnames         = true

  # dev: one NAT gateway (a zone's outage cuts egress, a third of the cost); prod: one per zone.
  enable_nat_gateway     = true
  single_nat_gateway     = var.single_nat_gateway
  one_nat_gateway_per_az = !var.single_nat_gateway

  public_subnet_tags = {
    "kubernetes.io/role/elb" = 1
  }
  private_subnet_tags = {
    "kubernetes.io/role/internal-elb" = 1
    "karpenter.sh/discovery"          = local.name
  }

  enable_flow_log                                 = true
  create_flow_log_cloudwatch_log_group            = true
  create_flow_log_cloudwatch_iam_role             = true
  vpc_flow_log_iam_role_name                      = "${local.name}-flow-logs"
  vpc_flow_log_iam_policy_name                    = "${local.name}-flow-logs"
  vpc_flow_log_permissions_boundary               = local.permissions_boundary
  flow_log_max_aggregation_interval               = 60
  flow_log_cloudwatch_log_group_retention_in_days = var.log_retention_days
  flow_log_cloudwatch_log_group_kms_key_id        = module.kms["logs"].key_arn

  tags = local.tags
}

# Endpoints where they save NAT traffic: S3 (image layers, Loki) as a free gateway, and the
# APIs every node and pod calls (ECR, STS for IRSA, Secrets Manager for the DB secret).
module "vpc_endpoints" {
  source  = "terraform-aws-modules/vpc/aws//modules/vpc-endpoints"
  version = "6.6.0"

  vpc_id                     = module.vpc.vpc_id
  create_security_group      = true
  security_group_name_prefix = "${local.name}-endpoints-"
  security_group_description = "HTTPS from the VPC to the interface endpoints"
  security_group_rules = {
    ingress_https = {
      description = "HTTPS from the VPC"
      cidr_blocks = [module.vpc.vpc_cidr_block]
    }
  }

  endpoints = merge(
    {
      s3 = {
        service         = "s3"
        service_type    = "Gateway"
        route_table_ids = module.vpc.private_route_table_ids
        tags            = { Name = "${local.name}-s3" }
      }
    },
    { for service in ["ecr.api", "ecr.dkr", "sts", "secretsmanager"] : service => {
      service             = service
      private_dns_enabled = true
      subnet_ids          = module.vpc.private_subnets
      tags                = { Name = "${local.name}-${service}" }
    } }
  )

  tags = local.tags
}
