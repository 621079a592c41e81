// Every IAM role and policy name an environment creates, as the modules compute it from our
// inputs or, where we leave it, from their own defaults (read at the pinned versions): each
// carries the environment, so dev and prod never collide, and each is one the environment's
// apply role may create.
import { beforeAll, describe, expect, it } from 'vitest';
import { all, labels, one, parseStack, type Body, type Stack } from './hcl.js';
import { decide, environments, iam, statements } from './iam-policy.js';

let platform: Stack;
let bootstrap: Stack;

beforeAll(async () => {
  [platform, bootstrap] = await Promise.all([
    parseStack('modules/platform'),
    parseStack('bootstrap'),
  ]);
});

// Per module: the arguments naming the IAM roles and policies it creates, with the module's
// default when the argument is left unset ({name} is the call's `name`, {role} the role name).
const namingArguments: Record<
  string,
  { kind: 'role' | 'policy'; argument: string; fallback?: string }[]
> = {
  'terraform-aws-modules/eks/aws': [
    { kind: 'role', argument: 'iam_role_name', fallback: '{name}-cluster' },
    { kind: 'policy', argument: 'encryption_policy_name', fallback: '{role}-ClusterEncryption' },
  ],
  'terraform-aws-modules/eks/aws//modules/karpenter': [
    { kind: 'role', argument: 'iam_role_name', fallback: 'KarpenterController' },
    { kind: 'policy', argument: 'iam_policy_name', fallback: 'KarpenterController' },
    { kind: 'role', argument: 'node_iam_role_name', fallback: 'Karpenter-{cluster}' },
  ],
  'terraform-aws-modules/vpc/aws': [
    { kind: 'role', argument: 'vpc_flow_log_iam_role_name', fallback: 'vpc-flow-log-role' },
    {
      kind: 'policy',
      argument: 'vpc_flow_log_iam_policy_name',
      fallback: 'vpc-flow-log-to-cloudwatch',
    },
  ],
  'terraform-aws-modules/iam/aws//modules/iam-role': [{ kind: 'role', argument: 'name' }],
  'terraform-aws-modules/iam/aws//modules/iam-policy': [{ kind: 'policy', argument: 'name' }],
  // policy_name falls back to the attached policy's name ({attached}: AWS_Load_Balancer_Controller,
  // EBS_CSI), else to the role's name.
  'terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts': [
    { kind: 'role', argument: 'name' },
    { kind: 'policy', argument: 'policy_name', fallback: '{attached}' },
  ],
};

function forEachKeys(expression: string | Body | undefined): string[] {
  if (expression === undefined) return [''];
  if (typeof expression === 'object') return Object.keys(expression);
  const locals = Object.assign({}, ...all(platform, 'locals')) as Body;
  if (expression === '${local.service_accounts}')
    return Object.keys(locals.service_accounts as Body);
  if (expression === '${data.aws_iam_policy_document.workload}') {
    const document = one(platform, 'data', 'aws_iam_policy_document', 'workload');
    return forEachKeys(document.for_each as string);
  }
  if (expression === '${local.workload_statements}')
    return Object.keys(locals.workload_statements as Body);
  throw new Error(`for_each ${expression} is not resolved here`);
}

// The iam-role-for-service-accounts policy a call attaches for a key (attach_* = each.key == "...").
function attachedPolicy(call: Body, key: string): string | undefined {
  const defaults: Record<string, string> = {
    attach_load_balancer_controller_policy: 'AWS_Load_Balancer_Controller',
    attach_ebs_csi_policy: 'EBS_CSI',
  };
  for (const [argument, policy] of Object.entries(defaults))
    if (call[argument] === `\${each.key == "${key}"}`) return policy;
  return undefined;
}

function names(env: string): { kind: 'role' | 'policy'; name: string; where: string }[] {
  const found: { kind: 'role' | 'policy'; name: string; where: string }[] = [];
  const evaluate = (value: string, key: string) =>
    value.replaceAll('${local.name}', `tbyte-${env}`).replaceAll('${each.key}', key);
  for (const label of labels(platform, 'module')) {
    const call = one(platform, 'module', label);
    const naming = namingArguments[call.source as string] ?? [];
    for (const key of naming.length > 0
      ? forEachKeys(call.for_each as string | Body | undefined)
      : []) {
      const name = call.name ? evaluate(call.name as string, key) : '';
      let role = '';
      for (const { kind, argument, fallback } of naming) {
        const given = call[argument] as string | undefined;
        const value = given
          ? evaluate(given, key)
          : (fallback ?? '')
              .replace('{name}', name)
              .replace('{role}', role)
              .replace('{cluster}', `tbyte-${env}`)
              .replace('{attached}', attachedPolicy(call, key) ?? name);
        if (!value) throw new Error(`${label}: ${argument} has no value`);
        if (kind === 'role' && !role) role = value;
        found.push({ kind, name: value, where: `${label}${key ? `["${key}"]` : ''}.${argument}` });
      }
    }
    if (call.source === 'terraform-aws-modules/eks/aws')
      for (const [group, body] of Object.entries(call.eks_managed_node_groups as Body))
        found.push({
          kind: 'role',
          name: evaluate((body as Body).iam_role_name as string, ''),
          where: `${label}.eks_managed_node_groups.${group}`,
        });
  }
  for (const { name } of found) if (name.includes('${')) throw new Error(`unresolved name ${name}`);
  return found;
}

describe('IAM names', () => {
  it('every role and policy name of an environment carries it, so dev and prod never collide', () => {
    const [dev, prod] = environments.map((env) => names(env));
    expect(dev?.length).toBeGreaterThan(20);
    for (const { name, where } of dev ?? []) expect(name, where).toMatch(/^tbyte-dev-/);
    for (const { name, where } of prod ?? []) expect(name, where).toMatch(/^tbyte-prod-/);
    const devNames = new Set((dev ?? []).map((n) => `${n.kind}/${n.name}`));
    expect((prod ?? []).filter((n) => devNames.has(`${n.kind}/${n.name}`))).toEqual([]);
  });

  it("every name is one the environment's apply role may create (under its boundary)", () => {
    for (const env of environments) {
      const policy = [
        ...statements(bootstrap, 'apply', env),
        ...statements(bootstrap, 'plan', env),
      ];
      const context = {
        'aws:RequestTag/environment': env,
        'aws:ResourceTag/environment': env,
        'iam:PermissionsBoundary': `${iam}:policy/tbyte-github-boundary-${env}`,
      };
      let checked = 0;
      for (const { kind, name, where } of names(env)) {
        const action = kind === 'role' ? 'iam:CreateRole' : 'iam:CreatePolicy';
        expect(decide(policy, { action, resource: `${iam}:${kind}/${name}`, context }), where).toBe(
          'allowed',
        );
        checked += 1;
      }
      expect(checked).toBeGreaterThan(20);
    }
  });
});
