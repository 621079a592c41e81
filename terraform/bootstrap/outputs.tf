output "state_bucket" {
  description = "Bucket of the environments' Terraform state (TF_STATE_BUCKET of the workflows)."
  value       = module.state_bucket.s3_bucket_id
}

output "ci_role_arns" {
  description = "Roles of the GitHub workflows: plan, apply, release (the AWS_*_ROLE_ARN variables)."
  value       = { for name, role in module.ci_role : name => role.arn }
}

output "ecr_repository_urls" {
  description = "Image repositories by name."
  value       = { for name, repository in module.ecr : name => repository.repository_url }
}
