# EKS tbyte-<environment>: private endpoint plus a public one limited to listed CIDRs, secrets
# encrypted with our KMS key, control-plane logs kept for log_retention_days, access entries
# (no aws-auth ConfigMap), a small managed node group for system pods; Karpenter adds the rest.
module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "21.19.0"

  name               = local.name
  kubernetes_version = local.kubernetes_version

  endpoint_private_access      = true
  endpoint_public_access       = true
  endpoint_public_access_cidrs = var.public_access_cidrs

  create_kms_key = false
  encryption_config = {
    provider_key_arn = module.kms["eks"].key_arn
    resources        = ["secrets"]
  }

  enabled_log_types                      = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
  cloudwatch_log_group_retention_in_days = var.log_retention_days
  cloudwatch_log_group_kms_key_id        = module.kms["logs"].key_arn

  vpc_id                   = module.vpc.vpc_id
  subnet_ids               = module.vpc.private_subnets
  control_plane_subnet_ids = module.vpc.private_subnets

  authentication_mode                      = "API"
  enable_cluster_creator_admin_permissions = false
  iam_role_permissions_boundary            = local.permissions_boundary
  enable_irsa                              = true

  addons = {
    # Network policies are enforced by the VPC CNI's node agent (every namespace denies by default).
    vpc-cni = {
      before_compute       = true
      configuration_values = jsonencode({ enableNetworkPolicy = "true" })
    }
    eks-pod-identity-agent = {
      before_compute = true
    }
    coredns        = {}
    kube-proxy     = {}
    metrics-server = {}
    aws-ebs-csi-driver = {
      service_account_role_arn = module.irsa["ebs-csi"].arn
    }
  }

  eks_managed_node_groups = {
    system = {
      ami_type       = "AL2023_x86_64_STANDARD"
      instance_types = var.system_node_group.instance_types
      min_size       = var.system_node_group.min_size
      max_size       = var.system_node_group.max_size
      desired_size   = var.system_node_group.desired_size
      iam_role_name  = "${local.name}-system-nodes"

      iam_role_permissions_boundary = local.permissions_boundary
      labels = {
        "tbyte.io/node-role" = "system"
      }
      # IMDSv2 only, one hop: pods cannot reach the node's credentials.
      metadata_options = {
        http_endpoint               = "enabled"
        http_tokens                 = "required"
        http_put_response_hop_limit = 1
      }
    }
  }

  # Terraform manages no Kubernetes object, so the role that applies gets a read-only view of
  # this cluster (to inspect what it built), and cluster admins are the listed roles only.
  access_entries = merge(
    {
      terraform = {
        principal_arn = local.apply_role_arn
        policy_associations = {
          view = {
            policy_arn   = "arn:${local.partition}:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
            access_scope = { type = "cluster" }
          }
        }
      }
      developers = {
        principal_arn     = var.developers_role_arn
        kubernetes_groups = ["tbyte:developers"]
      }
    },
    { for index, arn in var.admin_role_arns : "admin-${index}" => {
      principal_arn = arn
      policy_associations = {
        admin = {
          policy_arn   = "arn:${local.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
          access_scope = { type = "cluster" }
        }
      }
    } }
  )

  node_security_group_tags = {
    "karpenter.sh/discovery" = local.name
  }

  tags = local.tags
}
