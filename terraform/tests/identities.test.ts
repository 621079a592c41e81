// Every AWS identity Terraform creates is trusted for exactly the ServiceAccount that runs the
// workload: read from the charts' renders, and from the Argo CD add-ons' values (release name,
// namespace, and the upstream chart's own naming where the values leave the name to it).
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { render, type K8sObject } from '../../charts/tests/helm.js';
import { all, one, parseStack, repoRoot, type Body, type Stack } from './hcl.js';

let platform: Stack;
let applications: K8sObject[];

beforeAll(async () => {
  platform = await parseStack('modules/platform');
  const cluster = join(mkdtempSync(join(tmpdir(), 'tbyte-tf-')), 'cluster-dev.yaml');
  const written = spawnSync(
    'node',
    [
      join(repoRoot, 'scripts/update-app-configs.mjs'),
      'dev',
      join(repoRoot, 'charts/tests/fixtures/terraform-outputs-dev.json'),
      cluster,
    ],
    { encoding: 'utf8' },
  );
  if (written.status !== 0) throw new Error(written.stderr);
  applications = render('../argocd-apps', {
    values: ['envs/dev/values.yaml', cluster, join(repoRoot, 'charts/tests/fixtures/images.yaml')],
    namespace: 'argocd',
  }).filter((o) => o.kind === 'Application');
});

function application(name: string): K8sObject {
  const found = applications.find((app) => app.metadata.name === name);
  if (!found) throw new Error(`no Application ${name}`);
  return found;
}

/**
 * The ServiceAccount an add-on's pods run as: the name its values set, else what its chart
 * names it by default (each from the chart's own templates, at the pinned version).
 */
function addonServiceAccount(
  app: string,
  chartDefault: (release: string) => string,
  valuesPath: string[],
): string {
  const source = application(app).spec.source;
  let node: unknown = source.helm.valuesObject;
  for (const key of valuesPath) node = (node as Body | undefined)?.[key];
  const name = typeof node === 'string' ? node : chartDefault(source.helm.releaseName as string);
  return `${application(app).spec.destination.namespace as string}:${name}`;
}

function roleAnnotation(app: string, valuesPath: string[]): unknown {
  let node: unknown = application(app).spec.source.helm.valuesObject;
  for (const key of valuesPath) node = (node as Body | undefined)?.[key];
  return (node as Body | undefined)?.['eks.amazonaws.com/role-arn'];
}

/** A statement of local.workload_statements, as the HCL parser gives it. */
interface WorkloadStatement {
  sid: string;
  actions: string[];
  resources: string[];
}

describe('IRSA roles', () => {
  it('trust exactly the ServiceAccounts that run the workloads', () => {
    const local = all(platform, 'locals').find((block) => block.service_accounts)
      ?.service_accounts as Record<string, string>;
    const backendAccount = render('backend').find((o) => o.kind === 'ServiceAccount');
    const running: Record<string, string> = {
      backend: `${backendAccount?.metadata.namespace ?? ''}:${backendAccount?.metadata.name ?? ''}`,
      'aws-load-balancer-controller': addonServiceAccount(
        'aws-load-balancer-controller',
        (r) => r,
        ['serviceAccount', 'name'],
      ),
      // The EKS add-on's controller runs as ebs-csi-controller-sa in kube-system (AWS's add-on).
      'ebs-csi': 'kube-system:ebs-csi-controller-sa',
      // loki chart: serviceAccount.name null means the chart's fullname, the release name.
      loki: addonServiceAccount('loki', (r) => r, ['serviceAccount', 'name']),
      // vault chart: the server's ServiceAccount is the fullname, the release name.
      vault: addonServiceAccount('vault', (r) => r, ['server', 'serviceAccount', 'name']),
      // kube-prometheus-stack: the grafana subchart's fullname, RELEASE-grafana.
      grafana: addonServiceAccount('kube-prometheus-stack', (r) => `${r}-grafana`, [
        'grafana',
        'serviceAccount',
        'name',
      ]),
    };
    expect(local).toEqual(running);
  });

  it('reach the add-ons through the role ARN annotations the Argo CD values set', () => {
    const module = one(platform, 'module', 'irsa');
    expect(module.name).toBe('${local.name}-${each.key}');
    const role = (key: string) => `arn:aws:iam::111122223333:role/tbyte-dev-${key}`;
    expect(roleAnnotation('aws-load-balancer-controller', ['serviceAccount', 'annotations'])).toBe(
      role('aws-load-balancer-controller'),
    );
    expect(roleAnnotation('loki', ['serviceAccount', 'annotations'])).toBe(role('loki'));
    expect(roleAnnotation('vault', ['server', 'serviceAccount', 'annotations'])).toBe(
      role('vault'),
    );
    expect(
      roleAnnotation('kube-prometheus-stack', ['grafana', 'serviceAccount', 'annotations']),
    ).toBe(role('grafana'));
    expect(roleAnnotation('backend', ['serviceAccount', 'annotations'])).toBe(role('backend'));
  });

  it('give each workload only its own resources', () => {
    const locals = Object.assign({}, ...all(platform, 'locals')) as Body;
    const byWorkload = locals.workload_statements as Record<string, WorkloadStatement[]>;
    const resources = (key: string) => (byWorkload[key] ?? []).flatMap((s) => s.resources);
    expect(Object.keys(byWorkload).sort()).toEqual(['backend', 'grafana', 'loki', 'vault']);
    expect(resources('backend')).toEqual([
      '${module.rds.db_instance_master_user_secret_arn}',
      '${module.kms["rds"].key_arn}',
      'arn:${local.partition}:rds-db:${local.region}:${local.account_id}:dbuser:${module.rds.db_instance_resource_id}/tbyte_app',
    ]);
    expect(resources('vault')).toEqual(['${module.kms["vault"].key_arn}']);
    // IAM database authentication: the backend alone, as the serving role alone.
    const connects = Object.entries(byWorkload).flatMap(([key, statements]) =>
      statements.filter((s) => s.actions.includes('rds-db:connect')).map(() => key),
    );
    expect(connects).toEqual(['backend']);
    expect(resources('loki')).toEqual([
      '${module.loki_bucket.s3_bucket_arn}',
      '${module.loki_bucket.s3_bucket_arn}/*',
      '${module.kms["logs"].key_arn}',
    ]);
  });

  it('write the policy documents from that data, never by the name of a workload', () => {
    const document = one(platform, 'data', 'aws_iam_policy_document', 'workload');
    expect(document.for_each).toBe('${local.workload_statements}');
    const dynamics = (document.dynamic as { statement: { for_each: string }[] }).statement;
    expect(dynamics.map((d) => d.for_each)).toEqual(['${each.value}']);
    expect(document.statement).toBeUndefined();
  });
});

describe('EKS Pod Identity associations', () => {
  it('name the namespace and ServiceAccount the add-ons run as', () => {
    const karpenter = one(platform, 'module', 'karpenter');
    // karpenter chart: the ServiceAccount is the fullname, the release name.
    expect(`${karpenter.namespace as string}:${karpenter.service_account as string}`).toBe(
      addonServiceAccount('karpenter', (r) => r, ['serviceAccount', 'name']),
    );
    const agent = one(platform, 'resource', 'aws_eks_pod_identity_association', 'cloudwatch_agent');
    // amazon-cloudwatch-observability chart: the agent's ServiceAccount defaults to cloudwatch-agent.
    expect(`${agent.namespace as string}:${agent.service_account as string}`).toBe(
      addonServiceAccount('amazon-cloudwatch-observability', () => 'cloudwatch-agent', [
        'agent',
        'serviceAccount',
        'name',
      ]),
    );
  });
});
