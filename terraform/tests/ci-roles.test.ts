// The CI roles of terraform/bootstrap, evaluated per environment: each trusted for one
// environment, the apply role able to make every call the environment's apply makes (the data in
// apply-actions.ts) and nothing of the other environment's or the CI identities, every role it
// creates under the boundary, and the plan role reading metadata only.
import { beforeAll, describe, expect, it } from 'vitest';
import { moduleTypes, noCalls, providerCalls } from './apply-actions.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { all, labels, one, parseStack, repoRoot, type Body, type Stack } from './hcl.js';
import {
  account,
  decide,
  environments,
  iam,
  region,
  stateBucket,
  statements,
  type Request,
  type Statement,
} from './iam-policy.js';

let bootstrap: Stack;
let platform: Stack;
let dev: Stack;

beforeAll(async () => {
  [bootstrap, platform, dev] = await Promise.all([
    parseStack('bootstrap'),
    parseStack('modules/platform'),
    parseStack('envs/dev'),
  ]);
});

const boundary = (env: string) => `${iam}:policy/tbyte-github-boundary-${env}`;
const tagged = (env: string) => ({
  'aws:ResourceTag/environment': env,
  'aws:RequestTag/environment': env,
  'iam:PermissionsBoundary': boundary(env),
});

/** The statements of every policy a CI role holds, from local.ci_roles. */
function rolePolicy(role: 'plan' | 'apply', env: string): Statement[] {
  const names =
    role === 'plan'
      ? [`plan-${env}`, `state-plan-${env}`]
      : [`plan-${env}`, `apply-${env}`, `state-apply-${env}`];
  const text = JSON.stringify(all(bootstrap, 'locals').find((block) => block.ci_roles)?.ci_roles);
  for (const name of names)
    expect(text, `local.ci_roles gives ${role}-${env} ${name}`).toContain(
      name.replace(env, '${env}'),
    );
  return names.flatMap((name) => {
    const [kind, ...rest] = name.split('-');
    const document = kind ?? '';
    return document === 'state'
      ? statementsOfState(rest.join('-'), env)
      : statements(bootstrap, document, env);
  });
}

// The state document is keyed "<plan|apply>-<env>"; its each.value holds the object prefix.
function statementsOfState(key: string, env: string): Statement[] {
  const writes = key.startsWith('apply');
  const objects = `arn:aws:s3:::${stateBucket}/envs/${env}/*`;
  const body = one(bootstrap, 'data', 'aws_iam_policy_document', 'state');
  expect(body.for_each).toContain('envs/${pair[1]}/*');
  return (body.statement as Body[]).map((s) => ({
    sid: s.sid as string,
    effect: 'Allow' as const,
    actions: s.actions as string[],
    resources: (s.resources as string[]).map((r) =>
      r
        .replace('${module.state_bucket.s3_bucket_arn}', `arn:aws:s3:::${stateBucket}`)
        .replace('${each.value.objects}', objects)
        .replace('${module.kms["state"].key_arn}', `arn:aws:kms:${region}:${account}:key/state`)
        .replace(
          '${each.value.writes_state ? each.value.objects : "${each.value.objects}.tflock"}',
          writes ? objects : `${objects}.tflock`,
        ),
    ),
    conditions: [],
  }));
}

/** Every type an environment's plan and apply touch: the modules' and the platform's own. */
function typesUsed(): string[] {
  const types = new Set<string>(['rds managed master secret', 'kms key use by EKS and RDS']);
  for (const label of labels(platform, 'module')) {
    const call = one(platform, 'module', label);
    const source = call.source as string;
    const entry = moduleTypes[source];
    expect(entry, `apply-actions.ts lists module ${source}`).toBeDefined();
    expect(entry?.version, `apply-actions.ts was read at ${source} ${call.version}`).toBe(
      call.version,
    );
    for (const type of entry?.types ?? []) types.add(type);
  }
  for (const stack of [platform, dev])
    for (const file of stack) {
      for (const type of Object.keys((file.resource as Body | undefined) ?? {})) types.add(type);
      for (const type of Object.keys((file.data as Body | undefined) ?? {}))
        types.add(`data.${type}`);
    }
  return [...types].filter((type) => !noCalls.has(type)).sort();
}

function requests(env: string, role: 'plan' | 'apply'): Request[] {
  return typesUsed().flatMap((type) => {
    const calls = providerCalls[type];
    if (!calls) throw new Error(`apply-actions.ts has no calls for ${type}`);
    const resource = (calls.resource ?? '*')
      .replaceAll('{env}', env)
      .replace('{caller}', `tbyte-github-${role}-${env}`);
    return [...calls.read, ...(role === 'apply' ? calls.write : [])].map((action) => ({
      action,
      resource,
      context: tagged(env),
    }));
  });
}

describe('trust', () => {
  it('trusts each role for one subject of this repository, and each environment role for its environment only', () => {
    const text = all(bootstrap, 'locals').find((block) => block.ci_roles)?.ci_roles as string;
    expect(text).toContain('"plan-${env}" => {');
    expect(text).toContain('subject  = "${var.github_repository}:environment:terraform-${env}"');
    expect(text).toContain(
      'env == var.pull_request_plan_environment ? "${var.github_repository}:pull_request" : "${var.github_repository}:environment:terraform-${env}"',
    );
    const role = one(bootstrap, 'module', 'ci_role');
    expect(role.oidc_subjects).toEqual(['${each.value.subject}']);
    expect(role.for_each).toBe('${local.ci_roles}');
    // What the expressions give for the default environments: no subject shared by two.
    const subjects = environments.map((env) => ({
      env,
      plan: env === 'dev' ? 'pull_request' : `environment:terraform-${env}`,
      apply: `environment:terraform-${env}`,
    }));
    for (const { env, plan, apply } of subjects)
      for (const other of subjects.filter((s) => s.env !== env))
        expect([other.plan, other.apply], env).not.toContain(
          plan === 'pull_request' ? apply : plan,
        );
    expect(one(bootstrap, 'variable', 'pull_request_plan_environment').default).toBe('dev');
  });

  it('the terraform workflow plans only that environment on pull requests, the others in their reviewed environment', () => {
    const workflow = parseYaml(
      readFileSync(join(repoRoot, '.github/workflows/terraform.yml'), 'utf8'),
    ) as Body;
    const plan = workflow.jobs.plan as Body;
    expect(plan.if).toBe("github.event_name == 'pull_request'");
    expect(plan.environment).toBeUndefined();
    expect(plan.strategy.matrix.environment).toEqual([
      one(bootstrap, 'variable', 'pull_request_plan_environment').default,
    ]);
    const reviewed = workflow.jobs['plan-reviewed'] as Body;
    expect(reviewed.if).toBe("github.event_name == 'push'");
    expect(reviewed.environment).toBe('terraform-${{ matrix.environment }}');
    const planned = [
      ...(plan.strategy.matrix.environment as string[]),
      ...(reviewed.strategy.matrix.environment as string[]),
    ];
    expect(planned.sort()).toEqual([...environments].sort());
    expect(workflow.jobs.apply.needs).toBe('plan-reviewed');
    expect(workflow.jobs.apply.environment).toBe('terraform-${{ matrix.environment }}');
  });
});

describe.each(environments)('the %s roles', (env) => {
  const other = environments.find((e) => e !== env) ?? '';

  it('apply can make every call of the environment apply (per resource type, from the modules)', () => {
    const policy = rolePolicy('apply', env);
    const calls = requests(env, 'apply');
    expect(calls.length).toBeGreaterThan(250);
    const refused = calls.filter((request) => decide(policy, request) !== 'allowed');
    expect(refused.map((r) => `${r.action} on ${r.resource}`)).toEqual([]);
  });

  it('plan can make every read of the environment plan', () => {
    const policy = rolePolicy('plan', env);
    const calls = requests(env, 'plan');
    expect(calls.length).toBeGreaterThan(90);
    const refused = calls.filter((request) => decide(policy, request) !== 'allowed');
    expect(refused.map((r) => `${r.action} on ${r.resource}`)).toEqual([]);
  });

  it('plan reads metadata only: no object, secret value, private parameter, log event or key use', () => {
    const policy = rolePolicy('plan', env);
    const reads: Request[] = [
      { action: 's3:GetObject', resource: `arn:aws:s3:::tbyte-${env}-loki-${account}/chunks/x` },
      {
        action: 's3:GetObject',
        resource: `arn:aws:s3:::${stateBucket}/envs/${other}/terraform.tfstate`,
      },
      {
        action: 'secretsmanager:GetSecretValue',
        resource: `arn:aws:secretsmanager:${region}:${account}:secret:rds!db-x`,
      },
      {
        action: 'ssm:GetParameter',
        resource: `arn:aws:ssm:${region}:${account}:parameter/app/password`,
      },
      {
        action: 'logs:GetLogEvents',
        resource: `arn:aws:logs:${region}:${account}:log-group:/aws/eks/tbyte-${env}/cluster`,
      },
      { action: 'logs:StartQuery', resource: '*' },
      { action: 'kms:Decrypt', resource: `arn:aws:kms:${region}:${account}:key/0a1b` },
      { action: 'lambda:GetFunction', resource: '*' },
      { action: 'dynamodb:Scan', resource: '*' },
    ];
    for (const request of reads)
      expect(decide(policy, { ...request, context: tagged(env) }), request.action).not.toBe(
        'allowed',
      );
    for (const statement of policy)
      for (const action of statement.actions ?? [])
        expect(action, statement.sid).toMatch(
          /^[a-z0-9-]+:(Describe|List|Get)|^s3:(PutObject|DeleteObject)$|^kms:(Decrypt|Encrypt|GenerateDataKey)$/,
        );
  });

  it(`apply cannot change the CI identities, its own included`, () => {
    const policy = rolePolicy('apply', env);
    const targets = ['plan', 'apply', 'release'].flatMap((kind) =>
      [env, other].map((e) =>
        kind === 'release' ? 'tbyte-github-release' : `tbyte-github-${kind}-${e}`,
      ),
    );
    let checked = 0;
    for (const name of [...targets, `tbyte-github-boundary-${env}`])
      for (const [action, kind] of [
        ['iam:AttachRolePolicy', 'role'],
        ['iam:PutRolePolicy', 'role'],
        ['iam:UpdateAssumeRolePolicy', 'role'],
        ['iam:DeleteRolePermissionsBoundary', 'role'],
        ['iam:CreatePolicyVersion', 'policy'],
        ['iam:DeletePolicy', 'policy'],
      ] as const) {
        expect(
          decide(policy, { action, resource: `${iam}:${kind}/${name}`, context: tagged(env) }),
          `${action} ${name}`,
        ).toBe('denied');
        checked += 1;
      }
    expect(checked).toBe(42);
  });

  it('apply creates and widens roles only under the environment boundary', () => {
    const policy = rolePolicy('apply', env);
    const role = `${iam}:role/tbyte-${env}-backend`;
    for (const action of [
      'iam:CreateRole',
      'iam:PutRolePermissionsBoundary',
      'iam:AttachRolePolicy',
      'iam:PutRolePolicy',
    ]) {
      expect(decide(policy, { action, resource: role, context: tagged(env) }), action).toBe(
        'allowed',
      );
      expect(
        decide(policy, {
          action,
          resource: role,
          context: { ...tagged(env), 'iam:PermissionsBoundary': boundary(other) },
        }),
        `${action} under ${other}'s boundary`,
      ).not.toBe('allowed');
      const { 'iam:PermissionsBoundary': _, ...unbounded } = tagged(env);
      expect(
        decide(policy, { action, resource: role, context: unbounded }),
        `${action} without a boundary`,
      ).not.toBe('allowed');
    }
  });

  it(`apply leaves ${other}: its state, its names and anything tagged for it`, () => {
    const policy = rolePolicy('apply', env);
    const foreign: Request[] = [
      {
        action: 's3:PutObject',
        resource: `arn:aws:s3:::${stateBucket}/envs/${other}/terraform.tfstate`,
      },
      {
        action: 's3:GetObject',
        resource: `arn:aws:s3:::${stateBucket}/envs/${other}/terraform.tfstate`,
      },
      { action: 'iam:CreateRole', resource: `${iam}:role/tbyte-${other}-backend` },
      { action: 'iam:CreatePolicy', resource: `${iam}:policy/tbyte-${other}-loki` },
      { action: 's3:DeleteBucket', resource: `arn:aws:s3:::tbyte-${other}-loki-${account}` },
      {
        action: 'sqs:DeleteQueue',
        resource: `arn:aws:sqs:${region}:${account}:tbyte-${other}-karpenter`,
      },
    ];
    for (const request of foreign)
      expect(
        decide(policy, { ...request, context: tagged(env) }),
        `${request.action} ${request.resource}`,
      ).not.toBe('allowed');
    for (const action of [
      'eks:DeleteCluster',
      'rds:DeleteDBInstance',
      'ec2:TerminateInstances',
      'kms:ScheduleKeyDeletion',
    ])
      expect(
        decide(policy, {
          action,
          resource: '*',
          context: { ...tagged(env), 'aws:ResourceTag/environment': other },
        }),
        action,
      ).toBe('denied');
    expect(
      decide(policy, {
        action: 'ec2:CreateVpc',
        resource: '*',
        context: { ...tagged(env), 'aws:RequestTag/environment': other },
      }),
    ).toBe('denied');
  });
});

describe.each(environments)('the %s boundary', (env) => {
  it('lets no role under it create or widen identities, nor touch the CI identities', () => {
    const policy = statements(bootstrap, 'boundary', env);
    let checked = 0;
    for (const action of [
      'iam:CreateRole',
      'iam:AttachRolePolicy',
      'iam:PutRolePolicy',
      'iam:CreatePolicyVersion',
      'iam:CreateUser',
      'iam:CreateAccessKey',
      'iam:UpdateAssumeRolePolicy',
    ]) {
      expect(
        decide(policy, { action, resource: `${iam}:role/tbyte-${env}-backend` }),
        action,
      ).not.toBe('allowed');
      checked += 1;
    }
    for (const name of [
      'role/tbyte-github-release',
      `role/tbyte-github-apply-${env}`,
      `policy/tbyte-github-boundary-${env}`,
    ]) {
      expect(decide(policy, { action: 'iam:PassRole', resource: `${iam}:${name}` }), name).toBe(
        'denied',
      );
      checked += 1;
    }
    // What the workloads need still passes: Karpenter's profiles and node role, the controllers' calls.
    for (const action of [
      'iam:PassRole',
      'iam:CreateInstanceProfile',
      'ec2:RunInstances',
      'elasticloadbalancing:CreateLoadBalancer',
      'iam:ListServerCertificates',
      'sqs:ReceiveMessage',
      'pricing:GetProducts',
    ]) {
      expect(
        decide(policy, { action, resource: `${iam}:role/tbyte-${env}-karpenter-node` }),
        action,
      ).toBe('allowed');
      checked += 1;
    }
    expect(checked).toBe(17);
  });
});

describe('the environment uses the bootstrap', () => {
  it('names the boundary and the apply role as the bootstrap makes them', () => {
    const locals = Object.assign({}, ...all(platform, 'locals')) as Body;
    expect(locals.permissions_boundary).toBe(
      'arn:${local.partition}:iam::${local.account_id}:policy/tbyte-github-boundary-${var.environment}',
    );
    expect(locals.apply_role_arn).toBe(
      'arn:${local.partition}:iam::${local.account_id}:role/tbyte-github-apply-${var.environment}',
    );
    const policy = one(bootstrap, 'module', 'ci_policy');
    expect(policy.name).toBe('tbyte-github-${each.key}');
    expect(policy.for_each).toContain('"boundary-${env}" => document.json');
    expect(one(bootstrap, 'module', 'ci_role').name).toBe('tbyte-github-${each.key}');
  });

  it('puts the boundary on every role the environment creates', () => {
    const boundaryArguments: Record<string, string[]> = {
      'terraform-aws-modules/eks/aws': ['iam_role_permissions_boundary'],
      'terraform-aws-modules/eks/aws//modules/karpenter': [
        'iam_role_permissions_boundary_arn',
        'node_iam_role_permissions_boundary',
      ],
      'terraform-aws-modules/vpc/aws': ['vpc_flow_log_permissions_boundary'],
      'terraform-aws-modules/iam/aws//modules/iam-role': ['permissions_boundary'],
      'terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts': [
        'permissions_boundary',
      ],
    };
    let checked = 0;
    for (const label of labels(platform, 'module')) {
      const call = one(platform, 'module', label);
      if (!moduleTypes[call.source as string]?.types.includes('aws_iam_role')) continue;
      const names = boundaryArguments[call.source as string];
      expect(names, `${label}: which argument sets its roles' boundary`).toBeDefined();
      for (const name of names ?? []) {
        expect(call[name], `${label}.${name}`).toBe('${local.permissions_boundary}');
        checked += 1;
      }
    }
    const groups = one(platform, 'module', 'eks').eks_managed_node_groups as Body;
    for (const [name, group] of Object.entries(groups)) {
      expect((group as Body).iam_role_permissions_boundary, `node group ${name}`).toBe(
        '${local.permissions_boundary}',
      );
      checked += 1;
    }
    expect(checked).toBe(7);
  });

  it('gives the apply role no cluster-creator admin, only its own view entry', () => {
    const eks = one(platform, 'module', 'eks');
    expect(eks.enable_cluster_creator_admin_permissions).toBe(false);
    expect(eks.access_entries).toContain('principal_arn = local.apply_role_arn');
    expect(eks.access_entries).toMatch(/terraform = \{[^]*AmazonEKSViewPolicy[^]*developers = \{/);
  });
});
