# tbyte-prod: the platform module with this environment's own values, written out. Only what the
# terraform workflow injects is a variable (variables.tf), so no account ID or address is in git;
# the state bucket and key (envs/prod/terraform.tfstate) come at init (scripts/terraform-env.sh).
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
      environment                 = "prod"
      managed-by                  = "terraform"
    }
  }
}

module "platform" {
  source = "../../modules/platform"

  environment           = "prod"
  vpc_cidr              = "10.20.0.0/16"
  availability_zone_ids = ["euw1-az1", "euw1-az2", "euw1-az3"]
  # A NAT gateway per zone: egress survives a zone's outage.
  single_nat_gateway  = false
  public_access_cidrs = var.public_access_cidrs
  developers_role_arn = var.developers_role_arn

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
}
