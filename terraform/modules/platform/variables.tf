variable "environment" {
  description = "Environment name (dev or prod); the cluster is tbyte-<environment>."
  type        = string

  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "environment must be dev or prod."
  }
}

variable "kubernetes_version" {
  description = "EKS Kubernetes version as 1.NN; null takes the minor of hack/k8s/kubernetes-version.json. Must be in EKS standard support at plan time."
  type        = string
  default     = null

  validation {
    condition = (
      contains(keys(local.kubernetes_support), coalesce(var.kubernetes_version, local.kubernetes_pin_minor))
      && timecmp(plantimestamp(), "${try(local.kubernetes_support[coalesce(var.kubernetes_version, local.kubernetes_pin_minor)].end, "1970-01-01")}T00:00:00Z") < 0
    )
    error_message = "kubernetes_version must be a version listed in hack/k8s/kubernetes-version.json (eksStandardSupport) whose EKS standard support has not ended."
  }
}

variable "vpc_cidr" {
  description = "CIDR of the VPC; split into public, private and database subnets over three zones."
  type        = string

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr)) && tonumber(split("/", var.vpc_cidr)[1]) <= 16
    error_message = "vpc_cidr must be a valid IPv4 CIDR of /16 or larger."
  }
}

variable "availability_zone_ids" {
  description = "The three availability zones, by zone ID (e.g. euw1-az1), that the subnets span."
  type        = list(string)

  validation {
    condition     = length(var.availability_zone_ids) == 3 && alltrue([for id in var.availability_zone_ids : can(regex("^[a-z0-9]+-az[0-9]+$", id))])
    error_message = "availability_zone_ids must list three zone IDs such as euw1-az1."
  }
}

variable "single_nat_gateway" {
  description = "One NAT gateway for the VPC (cheaper, one zone's failure cuts egress) instead of one per zone."
  type        = bool
}

variable "public_access_cidrs" {
  description = "CIDRs allowed to reach the EKS API's public endpoint (the private endpoint is always on)."
  type        = list(string)

  validation {
    condition     = length(var.public_access_cidrs) > 0 && alltrue([for cidr in var.public_access_cidrs : can(cidrnetmask(cidr)) && cidr != "0.0.0.0/0"])
    error_message = "public_access_cidrs must list valid CIDRs, and never 0.0.0.0/0."
  }
}

variable "system_node_group" {
  description = "The managed node group for system pods (Argo CD, Karpenter, CoreDNS); Karpenter launches the rest."
  type = object({
    instance_types = list(string)
    min_size       = number
    max_size       = number
    desired_size   = number
  })

  validation {
    condition     = var.system_node_group.min_size >= 2 && var.system_node_group.min_size <= var.system_node_group.desired_size && var.system_node_group.desired_size <= var.system_node_group.max_size
    error_message = "system_node_group needs 2 <= min_size <= desired_size <= max_size."
  }
}

variable "developers_role_arn" {
  description = "IAM role of the developers; an EKS access entry maps it to the Kubernetes group tbyte:developers (read-only RBAC of the platform chart)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.developers_role_arn))
    error_message = "developers_role_arn must be an IAM role ARN."
  }
}

variable "admin_role_arns" {
  description = "IAM roles of the platform administrators (cluster admin access entries), besides the role that applies."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.admin_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", arn))])
    error_message = "admin_role_arns must be IAM role ARNs."
  }
}

variable "database" {
  description = "RDS PostgreSQL: instance class, storage and the protections prod needs."
  type = object({
    instance_class        = string
    allocated_storage     = number
    max_allocated_storage = number
    engine_version        = string
    multi_az              = bool
    deletion_protection   = bool
    backup_retention_days = number
  })

  validation {
    condition     = startswith(var.database.engine_version, "17.") && var.database.backup_retention_days >= 1 && var.database.max_allocated_storage >= var.database.allocated_storage
    error_message = "database needs PostgreSQL 17.x, backups of at least one day, and max_allocated_storage >= allocated_storage."
  }
}

variable "log_retention_days" {
  description = "Retention of the CloudWatch log groups (EKS control plane, VPC flow logs, RDS)."
  type        = number

  validation {
    condition     = contains([7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts (7, 14, 30, 60, 90, ...)."
  }
}

variable "alb_certificate_arn" {
  description = "ACM certificate of the public host for the edge ALB; empty, the ALB serves HTTP only."
  type        = string
  default     = ""

  validation {
    condition     = var.alb_certificate_arn == "" || can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/.+$", var.alb_certificate_arn))
    error_message = "alb_certificate_arn must be empty or an ACM certificate ARN."
  }
}

variable "ecr_repository_names" {
  description = "The ECR repositories the images come from (created by terraform/bootstrap)."
  type        = map(string)
  default = {
    backend  = "tbyte/backend"
    frontend = "tbyte/frontend"
  }
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}
