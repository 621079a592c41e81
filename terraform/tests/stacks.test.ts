// The Terraform stacks as Terraform parses them: pinned, locked state, the design's protections
// on RDS, EKS and ECR, CI roles scoped to this repository's refs, and workload identities that
// match the ServiceAccounts the charts and the Argo CD add-ons really run.
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  all,
  labels,
  one,
  parseStack,
  repoRoot,
  terraformDir,
  environmentValues,
  type Body,
  type Stack,
} from './hcl.js';

let platform: Stack;
let bootstrap: Stack;
let dev: Stack;
let prod: Stack;
const exact = /^[0-9]+\.[0-9]+\.[0-9]+$/;

beforeAll(async () => {
  [platform, bootstrap, dev, prod] = await Promise.all([
    parseStack('modules/platform'),
    parseStack('bootstrap'),
    parseStack('envs/dev'),
    parseStack('envs/prod'),
  ]);
});

describe('pins', () => {
  it('pins every registry module to an exact version', () => {
    for (const [name, stack] of [
      ['platform', platform],
      ['bootstrap', bootstrap],
    ] as const) {
      for (const label of labels(stack, 'module')) {
        const module = one(stack, 'module', label);
        expect(module.source, `${name} module ${label}`).toMatch(
          /^terraform-aws-modules\/[a-z0-9-]+\/aws(\/\/modules\/[a-z0-9-]+)?$/,
        );
        expect(module.version, `${name} module ${label}`).toMatch(exact);
      }
    }
  });

  it('pins Terraform and the AWS provider in every root', () => {
    for (const stack of [dev, prod, bootstrap]) {
      const [terraform] = all(stack, 'terraform').filter((t) => t.required_providers);
      expect(terraform?.required_version).toBe('>= 1.11.1, < 2.0.0');
      expect(terraform?.required_providers[0].aws).toEqual({
        source: 'hashicorp/aws',
        version: '6.64.0',
      });
    }
  });

  it('gives each environment a literal root: its own values, variables only for what CI injects', () => {
    const injected = [
      ...readFileSync(join(repoRoot, '.github/workflows/terraform.yml'), 'utf8').matchAll(
        /TF_VAR_([a-z_]+):/g,
      ),
    ].map((match) => match[1]);
    expect(new Set(injected)).toEqual(new Set(['developers_role_arn', 'public_access_cidrs']));
    for (const [environment, stack] of [
      ['dev', dev],
      ['prod', prod],
    ] as const) {
      const dir = join(terraformDir, 'envs', environment);
      for (const file of readdirSync(dir))
        expect(lstatSync(join(dir, file)).isSymbolicLink(), `${environment}/${file}`).toBe(false);
      expect(readdirSync(dir).filter((file) => file.endsWith('.tfvars'))).toEqual([]);
      expect(labels(stack, 'variable').sort()).toEqual([...new Set(injected)].sort());
      const call = one(stack, 'module', 'platform');
      expect(call.source).toBe('../../modules/platform');
      expect(call.environment).toBe(environment);
      // Every other argument is written out: only the injected ones refer to a variable.
      const references = Object.entries(call)
        .filter(([, value]) => JSON.stringify(value).includes('${var.'))
        .map(([name]) => name)
        .sort();
      expect(references).toEqual(['developers_role_arn', 'public_access_cidrs']);
      expect(Object.keys(call).length).toBeGreaterThan(8);
    }
  });
});

describe('state', () => {
  it('keeps each environment in S3, encrypted, locked with S3 lock files', () => {
    const [terraform] = all(dev, 'terraform').filter((t) => t.backend);
    expect(terraform?.backend).toEqual({ s3: [{ use_lockfile: true, encrypt: true }] });
  });

  it('versions, encrypts and closes the state bucket to anything but TLS', () => {
    const bucket = one(bootstrap, 'module', 'state_bucket');
    expect(bucket.versioning).toEqual({ enabled: true });
    expect(bucket.attach_deny_insecure_transport_policy).toBe(true);
    expect(
      bucket.server_side_encryption_configuration.rule.apply_server_side_encryption_by_default
        .sse_algorithm,
    ).toBe('aws:kms');
    // The module blocks public access unless told otherwise.
    for (const key of [
      'block_public_acls',
      'block_public_policy',
      'ignore_public_acls',
      'restrict_public_buckets',
      'attach_public_policy',
    ]) {
      expect(bucket[key], key).toBeUndefined();
    }
  });
});

describe('the environment', () => {
  it('RDS: PostgreSQL 17, Multi-AZ, encrypted with its key, private, TLS forced, managed password, IAM authentication, insights, backups', () => {
    const rds = one(platform, 'module', 'rds');
    expect(rds).toMatchObject({
      engine: 'postgres',
      family: 'postgres17',
      storage_type: 'gp3',
      storage_encrypted: true,
      kms_key_id: '${module.kms["rds"].key_arn}',
      publicly_accessible: false,
      manage_master_user_password: true,
      iam_database_authentication_enabled: true,
      performance_insights_enabled: true,
      multi_az: '${var.database.multi_az}',
      deletion_protection: '${var.database.deletion_protection}',
      skip_final_snapshot: '${!var.database.deletion_protection}',
    });
    expect(rds.parameters).toContainEqual({ name: 'rds.force_ssl', value: '1' });
    expect(rds.backup_window).toMatch(/^[0-9]{2}:[0-9]{2}-[0-9]{2}:[0-9]{2}$/);
    expect(rds.maintenance_window).toMatch(/^[A-Z][a-z]{2}:/);
  });

  it('prod keeps its database: deletion protection (and so a final snapshot), Multi-AZ everywhere', async () => {
    const [devVars, prodVars] = await Promise.all([
      environmentValues('dev'),
      environmentValues('prod'),
    ]);
    expect(prodVars.database.deletion_protection).toBe(true);
    expect(devVars.database.multi_az).toBe(true);
    expect(prodVars.database.multi_az).toBe(true);
    expect(prodVars.single_nat_gateway).toBe(false);
    expect(devVars.single_nat_gateway).toBe(true);
  });

  it('RDS admits 5432 only from the cluster', () => {
    const rule = one(
      platform,
      'resource',
      'aws_vpc_security_group_ingress_rule',
      'database_from_nodes',
    );
    expect(rule).toMatchObject({ from_port: 5432, to_port: 5432, ip_protocol: 'tcp' });
    expect(Object.values(rule.for_each as Record<string, string>).sort()).toEqual([
      '${module.eks.cluster_primary_security_group_id}',
      '${module.eks.node_security_group_id}',
    ]);
  });

  it('EKS: secrets encrypted with our key, control-plane logs, limited public endpoint, access entries, IMDSv2', () => {
    const eks = one(platform, 'module', 'eks');
    expect(eks.encryption_config).toEqual({
      provider_key_arn: '${module.kms["eks"].key_arn}',
      resources: ['secrets'],
    });
    expect(eks.enabled_log_types).toEqual(
      expect.arrayContaining(['api', 'audit', 'authenticator']),
    );
    expect(eks).toMatchObject({
      endpoint_private_access: true,
      endpoint_public_access_cidrs: '${var.public_access_cidrs}',
      authentication_mode: 'API',
      cloudwatch_log_group_retention_in_days: '${var.log_retention_days}',
    });
    expect(eks.eks_managed_node_groups.system.metadata_options).toMatchObject({
      http_tokens: 'required',
      http_put_response_hop_limit: 1,
    });
    expect(
      JSON.parse(
        eks.addons['vpc-cni'].configuration_values
          .replace(/^\$\{jsonencode\((.*)\)\}$/, '$1')
          .replace(/(\w+) =/g, '"$1":'),
      ),
    ).toEqual({
      enableNetworkPolicy: 'true',
    });
    expect(Object.keys(eks.addons).sort()).toEqual([
      'aws-ebs-csi-driver',
      'coredns',
      'eks-pod-identity-agent',
      'kube-proxy',
      'metrics-server',
      'vpc-cni',
    ]);
    expect(eks.access_entries).toContain('kubernetes_groups = ["tbyte:developers"]');
    const publicCidrs = one(platform, 'variable', 'public_access_cidrs');
    expect(publicCidrs.validation[0].condition).toContain('cidr != "0.0.0.0/0"');
  });

  it('VPC: three zones, subnets tagged for load balancers and Karpenter, flow logs, endpoints', () => {
    const vpc = one(platform, 'module', 'vpc');
    expect(vpc.public_subnet_tags).toEqual({ 'kubernetes.io/role/elb': 1 });
    expect(vpc.private_subnet_tags).toMatchObject({
      'kubernetes.io/role/internal-elb': 1,
      'karpenter.sh/discovery': '${local.name}',
    });
    expect(vpc).toMatchObject({
      enable_flow_log: true,
      create_flow_log_cloudwatch_log_group: true,
      single_nat_gateway: '${var.single_nat_gateway}',
    });
    const endpoints = one(platform, 'module', 'vpc_endpoints').endpoints as string;
    for (const service of ['s3', 'ecr.api', 'ecr.dkr', 'sts', 'secretsmanager'])
      expect(endpoints).toContain(`"${service}"`);
  });

  it('keeps every KMS key rotated', () => {
    expect(one(platform, 'module', 'kms').enable_key_rotation).toBe(true);
    expect(one(bootstrap, 'module', 'kms').enable_key_rotation).toBe(true);
  });
});

describe('S3 lifecycle rules', () => {
  // The s3-bucket module renders an empty filter object as no filter block at all (the provider
  // then warns and may refuse); an absent filter renders the whole-bucket filter.
  it('give every rule either no filter or a filter with a key', () => {
    let rules = 0;
    for (const stack of [platform, bootstrap])
      for (const label of labels(stack, 'module')) {
        const module = one(stack, 'module', label);
        for (const rule of (module.lifecycle_rule as Body[] | undefined) ?? []) {
          rules += 1;
          if ('filter' in rule)
            expect(Object.keys(rule.filter as Body), `${label} ${rule.id}`).not.toEqual([]);
        }
      }
    expect(rules).toBe(2);
  });
});

describe('ECR', () => {
  it('makes tags immutable, scans on push, encrypts with KMS and expires old images', () => {
    const ecr = one(bootstrap, 'module', 'ecr');
    expect(ecr).toMatchObject({
      repository_image_tag_mutability: 'IMMUTABLE',
      repository_image_scan_on_push: true,
      repository_encryption_type: 'KMS',
      create_lifecycle_policy: true,
    });
    const bootstrapVars = one(bootstrap, 'variable', 'app_repositories');
    expect(bootstrapVars.default).toEqual(['tbyte/backend', 'tbyte/frontend']);
  });
});

describe('CI identities', () => {
  it('never grants AdministratorAccess, and lets release push only to the app repositories', () => {
    // What Terraform reads (comments aside): no managed policy that grants everything.
    expect(JSON.stringify([bootstrap, platform])).not.toMatch(
      /AdministratorAccess|PowerUserAccess|IAMFullAccess|ReadOnlyAccess/,
    );
    const release = one(bootstrap, 'data', 'aws_iam_policy_document', 'release')
      .statement as Body[];
    const push = release.find((s) => s.sid === 'PushAppImages');
    expect(push?.resources).toBe('${[for repository in module.ecr : repository.repository_arn]}');
    expect(release.find((s) => s.sid === 'EcrLogin')?.actions).toEqual([
      'ecr:GetAuthorizationToken',
    ]);
  });
});

describe('workload identities', () => {
  it('gives the GitOps values every output update-app-configs reads', () => {
    const script = readFileSync(join(repoRoot, 'scripts/update-app-configs.mjs'), 'utf8');
    const read = new Set<string>();
    for (const [, name] of script.matchAll(/(?:output|cidrList)\('([a-z_]+)'/g))
      if (name) read.add(name);
    expect(read.size).toBeGreaterThan(10);
    const outputs = new Set(labels(platform, 'output'));
    expect([...read].filter((name) => !outputs.has(name))).toEqual([]);
    // Each environment exports the platform's outputs whole, as the object update-app-configs reads.
    for (const stack of [dev, prod])
      expect(one(stack, 'output', 'platform').value).toBe('${module.platform}');
  });
});
