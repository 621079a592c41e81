// What a plan and an apply of an environment call in AWS, as data: the resource and data source
// types each module creates with our inputs (read from the modules at the pinned versions), and,
// per type, the API actions the AWS provider (6.64.0) makes to read it (refresh, plan) and to
// create, update, tag and delete it (apply). ci-roles.test.ts checks the plan and apply roles of
// terraform/bootstrap against it. When a module is added or bumped, its entry is re-read from the
// module's source at the new tag (the test fails until the version here matches).

/** Module source -> version read, and the types it creates with the inputs modules/platform gives. */
export const moduleTypes: Record<string, { version: string; types: string[] }> = {
  'terraform-aws-modules/vpc/aws': {
    version: '6.6.0',
    types: [
      'aws_vpc',
      'aws_subnet',
      'aws_internet_gateway',
      'aws_eip',
      'aws_nat_gateway',
      'aws_route_table',
      'aws_route',
      'aws_route_table_association',
      // manage_default_security_group, _network_acl and _route_table default to true.
      'aws_default_security_group',
      'aws_default_network_acl',
      'aws_default_route_table',
      'aws_db_subnet_group',
      'aws_flow_log',
      'aws_cloudwatch_log_group',
      'aws_iam_role',
      'aws_iam_policy',
      'aws_iam_role_policy_attachment',
    ],
  },
  'terraform-aws-modules/vpc/aws//modules/vpc-endpoints': {
    version: '6.6.0',
    types: [
      'aws_vpc_endpoint',
      'aws_security_group',
      'aws_security_group_rule',
      'data.aws_vpc_endpoint_service',
    ],
  },
  'terraform-aws-modules/eks/aws': {
    version: '21.19.0',
    types: [
      'aws_eks_cluster',
      'aws_cloudwatch_log_group',
      'aws_security_group',
      'aws_security_group_rule',
      'aws_ec2_tag',
      'aws_iam_role',
      'aws_iam_policy',
      'aws_iam_role_policy_attachment',
      'aws_iam_openid_connect_provider',
      'aws_eks_access_entry',
      'aws_eks_access_policy_association',
      'aws_eks_addon',
      'data.aws_eks_addon_version',
      // Read on every run, whatever enable_cluster_creator_admin_permissions says.
      'data.aws_iam_session_context',
      // The eks-managed-node-group submodule (the system group).
      'aws_eks_node_group',
      'aws_launch_template',
      'data.aws_ssm_parameter',
    ],
  },
  'terraform-aws-modules/eks/aws//modules/karpenter': {
    version: '21.19.0',
    types: [
      'aws_iam_role',
      'aws_iam_policy',
      'aws_iam_role_policy_attachment',
      'aws_eks_pod_identity_association',
      'aws_eks_access_entry',
      'aws_sqs_queue',
      'aws_sqs_queue_policy',
      'aws_cloudwatch_event_rule',
      'aws_cloudwatch_event_target',
    ],
  },
  'terraform-aws-modules/rds/aws': {
    version: '7.2.0',
    types: ['aws_db_instance', 'aws_db_parameter_group', 'aws_cloudwatch_log_group'],
  },
  'terraform-aws-modules/kms/aws': { version: '4.2.0', types: ['aws_kms_key', 'aws_kms_alias'] },
  'terraform-aws-modules/s3-bucket/aws': {
    version: '5.15.4',
    types: [
      'aws_s3_bucket',
      'aws_s3_bucket_ownership_controls',
      'aws_s3_bucket_public_access_block',
      'aws_s3_bucket_policy',
      'aws_s3_bucket_server_side_encryption_configuration',
      'aws_s3_bucket_lifecycle_configuration',
    ],
  },
  'terraform-aws-modules/iam/aws//modules/iam-policy': {
    version: '6.5.0',
    types: ['aws_iam_policy'],
  },
  'terraform-aws-modules/iam/aws//modules/iam-role': {
    version: '6.5.0',
    types: ['aws_iam_role', 'aws_iam_role_policy_attachment'],
  },
  'terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts': {
    version: '6.5.0',
    types: ['aws_iam_role', 'aws_iam_policy', 'aws_iam_role_policy_attachment'],
  },
};

/**
 * A type's calls: read (plan and apply), write (apply only), and the resource they act on for
 * environment {env} in account 111122223333, eu-west-1 ('*' where the call takes no ARN or the
 * ARN is not known before creation). {caller} is the role running Terraform.
 */
export interface Calls {
  read: string[];
  write: string[];
  resource?: string;
}

const account = '111122223333';
const region = 'eu-west-1';
const tags = ['ec2:CreateTags', 'ec2:DeleteTags'];
const rdsTags = ['rds:AddTagsToResource', 'rds:RemoveTagsFromResource'];
const iamRole = `arn:aws:iam::${account}:role/tbyte-{env}-karpenter`;

export const providerCalls: Record<string, Calls> = {
  aws_vpc: {
    read: [
      'ec2:DescribeVpcs',
      'ec2:DescribeVpcAttribute',
      'ec2:DescribeNetworkAcls',
      'ec2:DescribeRouteTables',
      'ec2:DescribeSecurityGroups',
    ],
    write: ['ec2:CreateVpc', 'ec2:ModifyVpcAttribute', 'ec2:DeleteVpc', ...tags],
  },
  aws_subnet: {
    read: ['ec2:DescribeSubnets'],
    write: ['ec2:CreateSubnet', 'ec2:ModifySubnetAttribute', 'ec2:DeleteSubnet', ...tags],
  },
  aws_internet_gateway: {
    read: ['ec2:DescribeInternetGateways'],
    write: [
      'ec2:CreateInternetGateway',
      'ec2:AttachInternetGateway',
      'ec2:DetachInternetGateway',
      'ec2:DeleteInternetGateway',
      ...tags,
    ],
  },
  aws_eip: {
    read: ['ec2:DescribeAddresses', 'ec2:DescribeAddressesAttribute'],
    write: ['ec2:AllocateAddress', 'ec2:ReleaseAddress', 'ec2:DisassociateAddress', ...tags],
  },
  aws_nat_gateway: {
    read: ['ec2:DescribeNatGateways'],
    write: ['ec2:CreateNatGateway', 'ec2:DeleteNatGateway', ...tags],
  },
  aws_route_table: {
    read: ['ec2:DescribeRouteTables'],
    write: ['ec2:CreateRouteTable', 'ec2:DeleteRouteTable', ...tags],
  },
  aws_route: {
    read: ['ec2:DescribeRouteTables'],
    write: ['ec2:CreateRoute', 'ec2:ReplaceRoute', 'ec2:DeleteRoute'],
  },
  aws_route_table_association: {
    read: ['ec2:DescribeRouteTables'],
    write: [
      'ec2:AssociateRouteTable',
      'ec2:DisassociateRouteTable',
      'ec2:ReplaceRouteTableAssociation',
    ],
  },
  aws_default_security_group: {
    read: ['ec2:DescribeSecurityGroups', 'ec2:DescribeSecurityGroupRules'],
    write: [
      'ec2:AuthorizeSecurityGroupIngress',
      'ec2:AuthorizeSecurityGroupEgress',
      'ec2:RevokeSecurityGroupIngress',
      'ec2:RevokeSecurityGroupEgress',
      ...tags,
    ],
  },
  aws_default_network_acl: {
    read: ['ec2:DescribeNetworkAcls'],
    write: [
      'ec2:CreateNetworkAclEntry',
      'ec2:ReplaceNetworkAclEntry',
      'ec2:DeleteNetworkAclEntry',
      'ec2:ReplaceNetworkAclAssociation',
      ...tags,
    ],
  },
  aws_default_route_table: {
    read: ['ec2:DescribeRouteTables'],
    write: ['ec2:CreateRoute', 'ec2:DeleteRoute', ...tags],
  },
  aws_db_subnet_group: {
    read: ['rds:DescribeDBSubnetGroups', 'rds:ListTagsForResource'],
    write: [
      'rds:CreateDBSubnetGroup',
      'rds:ModifyDBSubnetGroup',
      'rds:DeleteDBSubnetGroup',
      ...rdsTags,
    ],
  },
  aws_flow_log: {
    read: ['ec2:DescribeFlowLogs'],
    write: ['ec2:CreateFlowLogs', 'ec2:DeleteFlowLogs', ...tags],
  },
  aws_cloudwatch_log_group: {
    read: ['logs:DescribeLogGroups', 'logs:ListTagsForResource'],
    write: [
      'logs:CreateLogGroup',
      'logs:PutRetentionPolicy',
      'logs:DeleteRetentionPolicy',
      'logs:AssociateKmsKey',
      'logs:DisassociateKmsKey',
      'logs:DeleteLogGroup',
      'logs:TagResource',
      'logs:UntagResource',
    ],
    resource: `arn:aws:logs:${region}:${account}:log-group:/aws/eks/tbyte-{env}/cluster`,
  },
  aws_iam_role: {
    read: [
      'iam:GetRole',
      'iam:ListRolePolicies',
      'iam:ListAttachedRolePolicies',
      'iam:ListInstanceProfilesForRole',
    ],
    // force_detach_policies: deleting a role detaches and deletes its policies first.
    write: [
      'iam:CreateRole',
      'iam:UpdateRole',
      'iam:UpdateRoleDescription',
      'iam:UpdateAssumeRolePolicy',
      'iam:PutRolePermissionsBoundary',
      'iam:TagRole',
      'iam:UntagRole',
      'iam:DetachRolePolicy',
      'iam:DeleteRolePolicy',
      'iam:DeleteRole',
      'iam:PassRole',
    ],
    resource: iamRole,
  },
  aws_iam_policy: {
    read: ['iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:ListPolicyVersions'],
    write: [
      'iam:CreatePolicy',
      'iam:CreatePolicyVersion',
      'iam:DeletePolicyVersion',
      'iam:DeletePolicy',
      'iam:TagPolicy',
      'iam:UntagPolicy',
    ],
    resource: `arn:aws:iam::${account}:policy/tbyte-{env}-karpenter-controller`,
  },
  aws_iam_role_policy_attachment: {
    read: ['iam:ListAttachedRolePolicies'],
    write: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
    resource: iamRole,
  },
  aws_iam_openid_connect_provider: {
    read: ['iam:GetOpenIDConnectProvider'],
    write: [
      'iam:CreateOpenIDConnectProvider',
      'iam:UpdateOpenIDConnectProviderThumbprint',
      'iam:AddClientIDToOpenIDConnectProvider',
      'iam:RemoveClientIDFromOpenIDConnectProvider',
      'iam:TagOpenIDConnectProvider',
      'iam:UntagOpenIDConnectProvider',
      'iam:DeleteOpenIDConnectProvider',
    ],
    resource: `arn:aws:iam::${account}:oidc-provider/oidc.eks.${region}.amazonaws.com/id/0123456789ABCDEF`,
  },
  aws_vpc_endpoint: {
    read: ['ec2:DescribeVpcEndpoints', 'ec2:DescribePrefixLists'],
    // Private DNS associates the VPC with the service's private hosted zone.
    write: [
      'ec2:CreateVpcEndpoint',
      'ec2:ModifyVpcEndpoint',
      'ec2:DeleteVpcEndpoints',
      'route53:AssociateVPCWithHostedZone',
      ...tags,
    ],
  },
  'data.aws_vpc_endpoint_service': { read: ['ec2:DescribeVpcEndpointServices'], write: [] },
  aws_security_group: {
    read: ['ec2:DescribeSecurityGroups', 'ec2:DescribeSecurityGroupRules'],
    write: [
      'ec2:CreateSecurityGroup',
      'ec2:RevokeSecurityGroupEgress',
      'ec2:DeleteSecurityGroup',
      ...tags,
    ],
  },
  aws_security_group_rule: {
    read: ['ec2:DescribeSecurityGroups'],
    write: [
      'ec2:AuthorizeSecurityGroupIngress',
      'ec2:AuthorizeSecurityGroupEgress',
      'ec2:RevokeSecurityGroupIngress',
      'ec2:RevokeSecurityGroupEgress',
    ],
  },
  aws_vpc_security_group_ingress_rule: {
    read: ['ec2:DescribeSecurityGroupRules'],
    write: [
      'ec2:AuthorizeSecurityGroupIngress',
      'ec2:ModifySecurityGroupRules',
      'ec2:RevokeSecurityGroupIngress',
      ...tags,
    ],
  },
  aws_ec2_tag: { read: ['ec2:DescribeTags'], write: tags },
  aws_eks_cluster: {
    read: ['eks:DescribeCluster'],
    // Envelope encryption: the caller needs to describe and grant on the key.
    write: [
      'eks:CreateCluster',
      'eks:UpdateClusterConfig',
      'eks:UpdateClusterVersion',
      'eks:AssociateEncryptionConfig',
      'eks:DescribeUpdate',
      'eks:TagResource',
      'eks:UntagResource',
      'eks:DeleteCluster',
    ],
  },
  aws_eks_access_entry: {
    read: ['eks:DescribeAccessEntry'],
    write: [
      'eks:CreateAccessEntry',
      'eks:UpdateAccessEntry',
      'eks:DeleteAccessEntry',
      'eks:TagResource',
    ],
  },
  aws_eks_access_policy_association: {
    read: ['eks:ListAssociatedAccessPolicies'],
    write: ['eks:AssociateAccessPolicy', 'eks:DisassociateAccessPolicy'],
  },
  aws_eks_addon: {
    read: ['eks:DescribeAddon'],
    write: [
      'eks:CreateAddon',
      'eks:UpdateAddon',
      'eks:DescribeUpdate',
      'eks:DeleteAddon',
      'eks:TagResource',
    ],
  },
  'data.aws_eks_addon_version': { read: ['eks:DescribeAddonVersions'], write: [] },
  'data.aws_iam_session_context': {
    read: ['iam:GetRole'],
    write: [],
    resource: 'arn:aws:iam::111122223333:role/{caller}',
  },
  aws_eks_node_group: {
    read: ['eks:DescribeNodegroup'],
    write: [
      'eks:CreateNodegroup',
      'eks:UpdateNodegroupConfig',
      'eks:UpdateNodegroupVersion',
      'eks:DescribeUpdate',
      'eks:TagResource',
      'eks:DeleteNodegroup',
      'ec2:DescribeLaunchTemplateVersions',
      'ec2:RunInstances',
    ],
  },
  aws_launch_template: {
    read: ['ec2:DescribeLaunchTemplates', 'ec2:DescribeLaunchTemplateVersions'],
    write: [
      'ec2:CreateLaunchTemplate',
      'ec2:CreateLaunchTemplateVersion',
      'ec2:ModifyLaunchTemplate',
      'ec2:DeleteLaunchTemplate',
      ...tags,
    ],
  },
  // use_latest_ami_release_version (default true): the AMI release from AWS's public parameter.
  'data.aws_ssm_parameter': {
    read: ['ssm:GetParameter'],
    write: [],
    resource: `arn:aws:ssm:${region}::parameter/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/recommended/release_version`,
  },
  aws_eks_pod_identity_association: {
    read: ['eks:DescribePodIdentityAssociation'],
    write: [
      'eks:CreatePodIdentityAssociation',
      'eks:UpdatePodIdentityAssociation',
      'eks:DeletePodIdentityAssociation',
      'eks:TagResource',
    ],
  },
  aws_sqs_queue: {
    read: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ListQueueTags'],
    write: [
      'sqs:CreateQueue',
      'sqs:SetQueueAttributes',
      'sqs:TagQueue',
      'sqs:UntagQueue',
      'sqs:DeleteQueue',
    ],
    resource: `arn:aws:sqs:${region}:${account}:tbyte-{env}-karpenter`,
  },
  aws_sqs_queue_policy: {
    read: ['sqs:GetQueueAttributes'],
    write: ['sqs:SetQueueAttributes'],
    resource: `arn:aws:sqs:${region}:${account}:tbyte-{env}-karpenter`,
  },
  aws_cloudwatch_event_rule: {
    read: ['events:DescribeRule', 'events:ListTagsForResource'],
    write: [
      'events:PutRule',
      'events:EnableRule',
      'events:DisableRule',
      'events:TagResource',
      'events:UntagResource',
      'events:DeleteRule',
    ],
    resource: `arn:aws:events:${region}:${account}:rule/tbyte-{env}-SpotInterrupt-20260101000000000000000001`,
  },
  aws_cloudwatch_event_target: {
    read: ['events:ListTargetsByRule'],
    write: ['events:PutTargets', 'events:RemoveTargets'],
    resource: `arn:aws:events:${region}:${account}:rule/tbyte-{env}-SpotInterrupt-20260101000000000000000001`,
  },
  aws_db_instance: {
    read: ['rds:DescribeDBInstances', 'rds:ListTagsForResource'],
    write: [
      'rds:CreateDBInstance',
      'rds:ModifyDBInstance',
      'rds:RebootDBInstance',
      'rds:DeleteDBInstance',
      ...rdsTags,
    ],
  },
  // EKS envelope encryption, RDS storage, Performance Insights and the master secret use the
  // environment's keys with the caller's rights: describe, grant, and data keys.
  'kms key use by EKS and RDS': {
    read: [],
    write: ['kms:DescribeKey', 'kms:CreateGrant', 'kms:GenerateDataKey', 'kms:Decrypt'],
    resource: `arn:aws:kms:${region}:${account}:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789`,
  },
  // manage_master_user_password: RDS creates, tags and rotates the secret with the caller's rights.
  'rds managed master secret': {
    read: ['secretsmanager:DescribeSecret'],
    write: [
      'secretsmanager:CreateSecret',
      'secretsmanager:TagResource',
      'secretsmanager:RotateSecret',
      'secretsmanager:DeleteSecret',
    ],
    resource: `arn:aws:secretsmanager:${region}:${account}:secret:rds!db-0a1b2c3d-AbCdEf`,
  },
  aws_db_parameter_group: {
    read: ['rds:DescribeDBParameterGroups', 'rds:DescribeDBParameters', 'rds:ListTagsForResource'],
    write: [
      'rds:CreateDBParameterGroup',
      'rds:ModifyDBParameterGroup',
      'rds:ResetDBParameterGroup',
      'rds:DeleteDBParameterGroup',
      ...rdsTags,
    ],
  },
  aws_kms_key: {
    read: [
      'kms:DescribeKey',
      'kms:GetKeyPolicy',
      'kms:GetKeyRotationStatus',
      'kms:ListResourceTags',
    ],
    write: [
      'kms:CreateKey',
      'kms:PutKeyPolicy',
      'kms:EnableKeyRotation',
      'kms:UpdateKeyDescription',
      'kms:TagResource',
      'kms:UntagResource',
      'kms:ScheduleKeyDeletion',
    ],
    resource: `arn:aws:kms:${region}:${account}:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789`,
  },
  aws_kms_alias: {
    read: ['kms:ListAliases'],
    write: ['kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias'],
    resource: `arn:aws:kms:${region}:${account}:alias/tbyte-{env}/eks`,
  },
  aws_s3_bucket: {
    read: [
      's3:ListBucket',
      's3:GetBucketTagging',
      's3:GetBucketPolicy',
      's3:GetBucketAcl',
      's3:GetBucketCORS',
      's3:GetBucketWebsite',
      's3:GetBucketVersioning',
      's3:GetAccelerateConfiguration',
      's3:GetBucketRequestPayment',
      's3:GetBucketLogging',
      's3:GetLifecycleConfiguration',
      's3:GetReplicationConfiguration',
      's3:GetEncryptionConfiguration',
      's3:GetBucketObjectLockConfiguration',
    ],
    write: ['s3:CreateBucket', 's3:PutBucketTagging', 's3:DeleteBucket'],
    resource: `arn:aws:s3:::tbyte-{env}-loki-${account}`,
  },
  aws_s3_bucket_ownership_controls: {
    read: ['s3:GetBucketOwnershipControls'],
    write: ['s3:PutBucketOwnershipControls'],
    resource: `arn:aws:s3:::tbyte-{env}-loki-${account}`,
  },
  aws_s3_bucket_public_access_block: {
    read: ['s3:GetBucketPublicAccessBlock'],
    write: ['s3:PutBucketPublicAccessBlock'],
    resource: `arn:aws:s3:::tbyte-{env}-loki-${account}`,
  },
  aws_s3_bucket_policy: {
    read: ['s3:GetBucketPolicy'],
    write: ['s3:PutBucketPolicy', 's3:DeleteBucketPolicy'],
    resource: `arn:aws:s3:::tbyte-{env}-loki-${account}`,
  },
  aws_s3_bucket_server_side_encryption_configuration: {
    read: ['s3:GetEncryptionConfiguration'],
    write: ['s3:PutEncryptionConfiguration'],
    resource: `arn:aws:s3:::tbyte-{env}-loki-${account}`,
  },
  aws_s3_bucket_lifecycle_configuration: {
    read: ['s3:GetLifecycleConfiguration'],
    write: ['s3:PutLifecycleConfiguration'],
    resource: `arn:aws:s3:::tbyte-{env}-loki-${account}`,
  },
  // The types modules/platform uses itself.
  'data.aws_availability_zones': { read: ['ec2:DescribeAvailabilityZones'], write: [] },
  'data.aws_ecr_repository': {
    read: ['ecr:DescribeRepositories', 'ecr:ListTagsForResource', 'ecr:DescribeImages'],
    write: [],
    resource: `arn:aws:ecr:${region}:${account}:repository/tbyte/backend`,
  },
  aws_vpc_security_group_egress_rule: {
    read: ['ec2:DescribeSecurityGroupRules'],
    write: [
      'ec2:AuthorizeSecurityGroupEgress',
      'ec2:ModifySecurityGroupRules',
      'ec2:RevokeSecurityGroupEgress',
      ...tags,
    ],
  },
};

/** Types whose calls need no permission (STS identity, local computation, other providers). */
export const noCalls = new Set([
  'data.aws_caller_identity',
  'data.aws_region',
  'data.aws_partition',
  'data.aws_iam_policy_document',
  'data.aws_service_principal',
  'data.tls_certificate',
  'time_sleep',
  'random_id',
]);
