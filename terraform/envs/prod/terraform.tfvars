# prod. The developers' role and the public endpoint CIDRs come from the workflow
# (TF_VAR_developers_role_arn, TF_VAR_public_access_cidrs), so no account ID or address is in git.
region                = "eu-west-1"
environment           = "prod"
vpc_cidr              = "10.20.0.0/16"
availability_zone_ids = ["euw1-az1", "euw1-az2", "euw1-az3"]
# A NAT gateway per zone: egress survives a zone's outage.
single_nat_gateway = false

system_node_group = {
  instance_types = ["m7i.large"]
  min_size       = 3
  max_size       = 5
  desired_size   = 3
}

database = {
  instance_class        = "db.m7g.large"
  allocated_storage     = 100
  max_allocated_storage = 500
  engine_version        = "17.6"
  multi_az              = true
  deletion_protection   = true
  backup_retention_days = 14
}

log_retention_days = 90
