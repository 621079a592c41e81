# RDS PostgreSQL 17 for the backend: Multi-AZ, encrypted with our key, gp3, private, TLS
# required (rds.force_ssl), the master password generated and rotated by RDS in Secrets
# Manager (the backend reads it through the CSI driver), Performance Insights, backups.
resource "aws_security_group" "database" {
  # checkov:skip=CKV2_AWS_5: attached to the DB instance by the rds module (vpc_security_group_ids), which checkov does not follow
  name_prefix = "${local.name}-database-"
  description = "PostgreSQL from the cluster's nodes only"
  vpc_id      = module.vpc.vpc_id
  tags        = merge(local.tags, { Name = "${local.name}-database" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "database_from_nodes" {
  for_each = {
    nodes   = module.eks.node_security_group_id
    cluster = module.eks.cluster_primary_security_group_id
  }

  security_group_id            = aws_security_group.database.id
  description                  = "PostgreSQL from the ${each.key} security group"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = each.value
}

module "rds" {
  source  = "terraform-aws-modules/rds/aws"
  version = "7.2.0"

  identifier = local.name

  engine               = "postgres"
  engine_version       = var.database.engine_version
  family               = "postgres17"
  major_engine_version = "17"
  instance_class       = var.database.instance_class

  allocated_storage     = var.database.allocated_storage
  max_allocated_storage = var.database.max_allocated_storage
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = module.kms["rds"].key_arn

  db_name                       = "tbyte"
  username                      = "tbyte"
  port                          = "5432"
  manage_master_user_password   = true
  master_user_secret_kms_key_id = module.kms["rds"].key_arn

  multi_az               = var.database.multi_az
  db_subnet_group_name   = module.vpc.database_subnet_group_name
  vpc_security_group_ids = [aws_security_group.database.id]
  publicly_accessible    = false

  parameters = [
    { name = "rds.force_ssl", value = "1" },
    { name = "log_min_duration_statement", value = "500" },
  ]

  backup_retention_period = var.database.backup_retention_days
  backup_window           = "02:00-03:00"
  maintenance_window      = "Sun:03:30-Sun:04:30"
  copy_tags_to_snapshot   = true

  deletion_protection              = var.database.deletion_protection
  skip_final_snapshot              = !var.database.deletion_protection
  final_snapshot_identifier_prefix = "${local.name}-final"

  performance_insights_enabled          = true
  performance_insights_kms_key_id       = module.kms["rds"].key_arn
  performance_insights_retention_period = 7

  enabled_cloudwatch_logs_exports        = ["postgresql", "upgrade"]
  create_cloudwatch_log_group            = true
  cloudwatch_log_group_retention_in_days = var.log_retention_days
  cloudwatch_log_group_kms_key_id        = module.kms["logs"].key_arn

  # The backend serves as tbyte_app with a short-lived IAM token per connection (its IRSA role's
  # rds-db:connect), so no serving password exists; the master secret is the migrator's.
  iam_database_authentication_enabled = true
  auto_minor_version_upgrade          = true

  tags = local.tags
}
