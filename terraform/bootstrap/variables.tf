variable "region" {
  description = "AWS region of the state bucket and the ECR repositories."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "github_repository" {
  description = "The repository whose workflows may assume the roles, as owner/name."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must be owner/name."
  }
}

variable "environments" {
  description = "Environments, each with its own plan and apply roles; terraform-<name> is the GitHub environment (limited to main) that applies it."
  type        = list(string)
  default     = ["dev", "prod"]

  validation {
    condition     = length(var.environments) > 0 && alltrue([for env in var.environments : can(regex("^[a-z]+$", env))])
    error_message = "environments must be lower-case names."
  }
}

variable "app_repositories" {
  description = "ECR repositories of the app images (the release role pushes to these only)."
  type        = list(string)
  default     = ["tbyte/backend", "tbyte/frontend"]
}

variable "pull_request_plan_environment" {
  description = "The environment planned on every pull request; the others are planned only from main, in the GitHub environment terraform-<env> (a reviewer approves the run)."
  type        = string
  default     = "dev"

  validation {
    condition     = contains(var.environments, var.pull_request_plan_environment)
    error_message = "pull_request_plan_environment must be one of the environments."
  }
}
