# tbyte-dev: the platform module with this environment's own values, written out. Only what the
# terraform workflow injects is a variable (variables.tf), so no account ID or address is in git;
# the state bucket and key (envs/dev/terraform.tfstate) come at init (scripts/terraform-env.sh).
terraform {
  required_version = ">= 1.11.1, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "6.64.0"
    }
  }

  # State in the bucket terraform/bootstrap creates, locked with S3's own lock file.
  backend "s3" {
    use_lockfile = true
    encrypt      = true
  }
}

provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = {
      "app.kubernetes.io/part-of" = "tbyte"
      environment                 = "dev"
      managed-by                  = "terraform"
    }
  }
}

module "platform" {
  source = "../../modules/platform"

  environment           = "dev"
  vpc_cidr              = "10.10.0.0/16"
  availability_zone_ids = ["euw1-az1", "euw1-az2", "euw1-az3"]
  # One NAT gateway: a zone's outage cuts the cluster's egress, for a third of the cost.
  single_nat_gateway  = true
  public_access_cidrs = var.public_access_cidrs
  developers_role_arn = var.developers_role_arn

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
}
