# tbyte-dev. The developers' role and the public endpoint CIDRs come from the workflow
# (TF_VAR_developers_role_arn, TF_VAR_public_access_cidrs), so no account ID or address is in git.
region                = "eu-west-1"
environment           = "dev"
vpc_cidr              = "10.10.0.0/16"
availability_zone_ids = ["euw1-az1", "euw1-az2", "euw1-az3"]
# One NAT gateway: a zone's outage cuts the cluster's egress, for a third of the cost.
single_nat_gateway = true

system_node_group = {
  instance_types = ["m7i.large"]
  min_size       = 2
  max_size       = 3
  desired_size   = 2
}

database = {
  instance_class        = "db.t4g.medium"
  allocated_storage     = 20
  max_allocated_storage = 100
  engine_version        = "17.6"
  multi_az              = true
  deletion_protection   = false
  backup_retention_days = 7
}

log_retention_days = 30
