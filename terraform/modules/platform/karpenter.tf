# Karpenter's AWS side: the controller's role (an EKS Pod Identity association for
# karpenter/karpenter, the namespace and ServiceAccount of the Argo CD add-on), the nodes' role
# (named, as the EC2NodeClass of charts/cluster-nodes refers to it), and the interruption queue
# with its EventBridge rules (spot interruptions, rebalance, instance state changes).
module "karpenter" {
  source  = "terraform-aws-modules/eks/aws//modules/karpenter"
  version = "21.19.0"

  cluster_name = module.eks.cluster_name

  namespace                         = "karpenter"
  service_account                   = "karpenter"
  create_pod_identity_association   = true
  iam_role_name                     = "${local.name}-karpenter"
  iam_policy_name                   = "${local.name}-karpenter-controller"
  iam_role_permissions_boundary_arn = local.permissions_boundary

  node_iam_role_use_name_prefix      = false
  node_iam_role_name                 = "${local.name}-karpenter-node"
  node_iam_role_permissions_boundary = local.permissions_boundary
  node_iam_role_additional_policies = {
    AmazonSSMManagedInstanceCore = "arn:${local.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
  }

  queue_name              = "${local.name}-karpenter"
  enable_spot_termination = true
  rule_name_prefix        = "${local.name}-"

  tags = local.tags
}
