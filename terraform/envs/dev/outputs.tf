# Every output of the platform as one object; scripts/update-app-configs.mjs reads it.
output "platform" {
  description = "The platform's outputs: cluster, identities, repositories, database, subnets."
  value       = module.platform
}
