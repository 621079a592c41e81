# What the terraform workflow injects (TF_VAR_*), never in git.
variable "developers_role_arn" {
  description = "IAM role mapped to the Kubernetes group tbyte:developers (TF_VAR_developers_role_arn in the terraform workflow)."
  type        = string
}

variable "public_access_cidrs" {
  description = "CIDRs allowed to reach the EKS API's public endpoint (TF_VAR_public_access_cidrs in the terraform workflow)."
  type        = list(string)
}
