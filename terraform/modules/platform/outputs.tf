# What the GitOps values need (scripts/update-app-configs.mjs reads these names) and what
# kubectl and the bootstrap need.
output "cluster_name" {
  description = "EKS cluster name."
  value       = module.eks.cluster_name
}

output "cluster_endpoint" {
  description = "EKS API endpoint."
  value       = module.eks.cluster_endpoint
}

output "region" {
  description = "AWS region of the environment."
  value       = local.region
}

output "account_id" {
  description = "AWS account of the environment."
  value       = local.account_id
}

output "vpc_id" {
  description = "VPC of the cluster."
  value       = module.vpc.vpc_id
}

output "vpc_cidr" {
  description = "CIDR of the VPC (the ALB and the API server reach pods from it)."
  value       = module.vpc.vpc_cidr_block
}

output "karpenter_node_role_name" {
  description = "IAM role of the nodes Karpenter launches (the EC2NodeClass's role)."
  value       = module.karpenter.node_iam_role_name
}

output "karpenter_interruption_queue_name" {
  description = "SQS queue of spot interruption and instance events for Karpenter."
  value       = module.karpenter.queue_name
}

output "irsa_role_arns" {
  description = "IRSA role ARNs by workload, each trusted for one ServiceAccount."
  value       = { for name, role in module.irsa : name => role.arn }
}

output "ecr_repository_urls" {
  description = "Image repositories of the apps (created by terraform/bootstrap)."
  value       = { for app, repository in data.aws_ecr_repository.app : app => repository.repository_url }
}

output "loki_bucket_names" {
  description = "S3 bucket of Loki's chunks and ruler."
  value = {
    chunks = module.loki_bucket.s3_bucket_id
    ruler  = module.loki_bucket.s3_bucket_id
  }
}

output "vault_kms_key_id" {
  description = "KMS key Vault auto-unseals with."
  value       = module.kms["vault"].key_arn
}

output "database" {
  description = "RDS endpoint, database and the ARN of the master secret RDS manages."
  value = {
    host              = module.rds.db_instance_address
    port              = module.rds.db_instance_port
    name              = module.rds.db_instance_name
    master_secret_arn = module.rds.db_instance_master_user_secret_arn
  }
}

output "database_subnet_cidrs" {
  description = "CIDRs of the database subnets (the backend's NetworkPolicy egress to RDS)."
  value       = module.vpc.database_subnets_cidr_blocks
}

output "endpoint_subnet_cidrs" {
  description = "CIDRs of the private subnets holding the interface endpoints (STS, Secrets Manager, ECR): the backend's NetworkPolicy HTTPS egress, for the IRSA credentials that sign its database tokens."
  value       = module.vpc.private_subnets_cidr_blocks
}

output "alb_certificate_arn" {
  description = "ACM certificate of the edge ALB, or empty."
  value       = var.alb_certificate_arn
}
