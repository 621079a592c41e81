variable "region" {
  description = "AWS region of the environment."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "environment" {
  description = "dev or prod; the cluster is tbyte-<environment>."
  type        = string

  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "environment must be dev or prod."
  }
}

variable "kubernetes_version" {
  description = "EKS Kubernetes version as 1.NN; null (the default) follows hack/k8s/kubernetes-version.json."
  type        = string
  default     = null
}

variable "vpc_cidr" {
  description = "CIDR of the VPC (/16 or larger)."
  type        = string
}

variable "availability_zone_ids" {
  description = "The three availability zones of the VPC, by zone ID."
  type        = list(string)
}

variable "single_nat_gateway" {
  description = "One NAT gateway (dev) instead of one per zone (prod)."
  type        = bool
}

variable "public_access_cidrs" {
  description = "CIDRs allowed to reach the EKS API's public endpoint; set in the environment's tfvars or TF_VAR_public_access_cidrs."
  type        = list(string)
}

variable "system_node_group" {
  description = "Size of the managed node group for system pods."
  type = object({
    instance_types = list(string)
    min_size       = number
    max_size       = number
    desired_size   = number
  })
}

variable "developers_role_arn" {
  description = "IAM role mapped to the Kubernetes group tbyte:developers; TF_VAR_developers_role_arn in the workflow."
  type        = string
}

variable "admin_role_arns" {
  description = "IAM roles with cluster admin access (besides the role that applies)."
  type        = list(string)
  default     = []
}

variable "database" {
  description = "RDS PostgreSQL settings of the environment."
  type = object({
    instance_class        = string
    allocated_storage     = number
    max_allocated_storage = number
    engine_version        = string
    multi_az              = bool
    deletion_protection   = bool
    backup_retention_days = number
  })
}

variable "log_retention_days" {
  description = "Retention of the CloudWatch log groups."
  type        = number
}

variable "alb_certificate_arn" {
  description = "ACM certificate of the public host; empty, HTTP only."
  type        = string
  default     = ""
}
