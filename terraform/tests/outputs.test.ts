// The outputs-to-values step on sample outputs: what Terraform outputs becomes the cluster file
// the app of apps renders with.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { all, environmentValues, labels, one, parseStack, repoRoot, type Body } from './hcl.js';

describe('update-app-configs on sample outputs', () => {
  it.each(['dev', 'prod'])('writes the %s cluster file', (environment) => {
    const out = join(mkdtempSync(join(tmpdir(), 'tbyte-outputs-')), 'cluster.yaml');
    const result = spawnSync(
      'node',
      [
        join(repoRoot, 'scripts/update-app-configs.mjs'),
        environment,
        join(repoRoot, `charts/tests/fixtures/terraform-outputs-${environment}.json`),
        out,
      ],
      { encoding: 'utf8' },
    );
    expect(result.status, result.stderr).toBe(0);
    const { cluster } = parse(readFileSync(out, 'utf8'));
    expect(cluster.name).toBe(`tbyte-${environment}`);
    expect(cluster.roles.backend).toBe(
      `arn:aws:iam::111122223333:role/tbyte-${environment}-backend`,
    );
    expect(cluster.database.port).toBe(5432);
    expect(cluster.endpointSubnetCidrs).toHaveLength(3);
    expect(readFileSync(out, 'utf8')).toMatch(/^# Written by scripts\/update-app-configs.mjs/);
  });
});

// The sample outputs are what the platform's expressions give for each environment's values:
// names from local.name, the Loki bucket both outputs point at, one IRSA role per ServiceAccount,
// and the database subnets as Terraform's own cidrsubnet computes them.
describe('the sample outputs match the Terraform expressions', () => {
  it.each(['dev', 'prod'])('%s', async (environment) => {
    const [platform, vars] = await Promise.all([
      parseStack('modules/platform'),
      environmentValues(environment),
    ]);
    const fixture = JSON.parse(
      readFileSync(
        join(repoRoot, `charts/tests/fixtures/terraform-outputs-${environment}.json`),
        'utf8',
      ),
    ) as { platform: { value: Record<string, unknown> } };
    const values = fixture.platform.value;
    const account = values.account_id as string;
    const evaluate = (expression: string, key = '') =>
      expression
        .replaceAll('${local.name}', `tbyte-${environment}`)
        .replaceAll('${local.account_id}', account)
        .replaceAll('${each.key}', key);
    const locals = Object.assign({}, ...all(platform, 'locals')) as Body;
    expect(evaluate(locals.name as string).replace('${var.environment}', environment)).toBe(
      `tbyte-${environment}`,
    );
    expect(Object.keys(values).sort()).toEqual(labels(platform, 'output').sort());

    const irsa = one(platform, 'module', 'irsa');
    const karpenter = one(platform, 'module', 'karpenter');
    const loki = one(platform, 'module', 'loki_bucket');
    const lokiOutput = one(platform, 'output', 'loki_bucket_names').value as Record<string, string>;
    const expected: Record<string, unknown> = {
      cluster_name: `tbyte-${environment}`,
      region: vars.region,
      vpc_cidr: vars.vpc_cidr,
      karpenter_node_role_name: evaluate(karpenter.node_iam_role_name as string),
      karpenter_interruption_queue_name: evaluate(karpenter.queue_name as string),
      irsa_role_arns: Object.fromEntries(
        Object.keys(locals.service_accounts as Body).map((key) => [
          key,
          `arn:aws:iam::${account}:role/${evaluate(irsa.name as string, key)}`,
        ]),
      ),
      loki_bucket_names: Object.fromEntries(
        Object.entries(lokiOutput).map(([key, reference]) => {
          expect(reference).toBe('${module.loki_bucket.s3_bucket_id}');
          return [key, evaluate(loki.bucket as string)];
        }),
      ),
      ecr_repository_urls: Object.fromEntries(
        Object.entries(
          one(platform, 'variable', 'ecr_repository_names').default as Record<string, string>,
        ).map(([app, name]) => [
          app,
          `${account}.dkr.ecr.${vars.region as string}.amazonaws.com/${name}`,
        ]),
      ),
      database_subnet_cidrs: cidrs(
        one(platform, 'module', 'vpc').database_subnets as string,
        vars.vpc_cidr as string,
      ),
      endpoint_subnet_cidrs: cidrs(
        one(platform, 'module', 'vpc').private_subnets as string,
        vars.vpc_cidr as string,
      ),
    };
    let compared = 0;
    for (const [name, value] of Object.entries(expected)) {
      expect(values[name], name).toEqual(value);
      compared += 1;
    }
    expect(compared).toBe(10);
    const database = values.database as Body;
    const rds = one(platform, 'module', 'rds');
    expect(database.name).toBe(rds.db_name);
    expect(String(database.port)).toBe(rds.port);
  });
});

/** A CIDR list expression of modules/platform, evaluated by the installed terraform. */
function cidrs(expression: string, vpcCidr: string): string[] {
  const inner = /^\$\{(.*)\}$/s.exec(expression)?.[1];
  if (!inner) throw new Error(`not an expression: ${expression}`);
  const result = spawnSync('terraform', ['console'], {
    cwd: mkdtempSync(join(tmpdir(), 'tbyte-console-')),
    input: `jsonencode(${inner.replaceAll('var.vpc_cidr', JSON.stringify(vpcCidr))})\n`,
    encoding: 'utf8',
    env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' },
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(JSON.parse(result.stdout.trim()) as string) as string[];
}
