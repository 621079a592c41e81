# The platform module's outputs, which scripts/update-app-configs.mjs turns into
# argocd-apps/envs/<environment>/cluster.yaml.

output "cluster_name" {
  description = "EKS cluster name."
  value       = module.platform.cluster_name
}

output "cluster_endpoint" {
  description = "EKS API endpoint."
  value       = module.platform.cluster_endpoint
}

output "region" {
  description = "AWS region of the environment."
  value       = module.platform.region
}

output "account_id" {
  description = "AWS account of the environment."
  value       = module.platform.account_id
}

output "vpc_id" {
  description = "VPC of the cluster."
  value       = module.platform.vpc_id
}

output "vpc_cidr" {
  description = "CIDR of the VPC (the ALB and the API server reach pods from it)."
  value       = module.platform.vpc_cidr
}

output "karpenter_node_role_name" {
  description = "IAM role of the nodes Karpenter launches (the EC2NodeClass's role)."
  value       = module.platform.karpenter_node_role_name
}

output "karpenter_interruption_queue_name" {
  description = "SQS queue of spot interruption and instance events for Karpenter."
  value       = module.platform.karpenter_interruption_queue_name
}

output "irsa_role_arns" {
  description = "IRSA role ARNs by workload, each trusted for one ServiceAccount."
  value       = module.platform.irsa_role_arns
}

output "ecr_repository_urls" {
  description = "Image repositories of the apps (created by terraform/bootstrap)."
  value       = module.platform.ecr_repository_urls
}

output "loki_bucket_names" {
  description = "S3 bucket of Loki's chunks and ruler."
  value       = module.platform.loki_bucket_names
}

output "vault_kms_key_id" {
  description = "KMS key Vault auto-unseals with."
  value       = module.platform.vault_kms_key_id
}

output "database" {
  description = "RDS endpoint, database and the ARN of the master secret RDS manages."
  value       = module.platform.database
}

output "database_subnet_cidrs" {
  description = "CIDRs of the database subnets (the backend's NetworkPolicy egress to RDS)."
  value       = module.platform.database_subnet_cidrs
}

output "endpoint_subnet_cidrs" {
  description = "CIDRs of the private subnets holding the interface endpoints (the backend's HTTPS egress to STS)."
  value       = module.platform.endpoint_subnet_cidrs
}

output "alb_certificate_arn" {
  description = "ACM certificate of the edge ALB, or empty."
  value       = module.platform.alb_certificate_arn
}
