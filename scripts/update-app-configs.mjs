// "Update App Configs": writes argocd-apps/envs/ENV/cluster.yaml from the outputs of
// terraform/envs/ENV, so the cluster facts Argo CD's apps need (cluster name, role ARNs, queue,
// buckets, database endpoint and secret) are never copied by hand.
//
//   terraform -chdir=terraform/envs/dev output -json > outputs.json
//   node scripts/update-app-configs.mjs dev outputs.json [OUTPUT_FILE]
//
// Refuses (exit 1, naming the output) when an output is missing or malformed; writes nothing then.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [environment, outputsPath, outputFile] = process.argv.slice(2);
if (!['dev', 'prod'].includes(environment ?? '') || !outputsPath) {
  console.error('usage: node scripts/update-app-configs.mjs dev|prod TERRAFORM_OUTPUT_JSON');
  process.exit(2);
}

// The environment root exports the platform module's outputs as one object, `platform`.
const outputs = JSON.parse(readFileSync(outputsPath, 'utf8')).platform?.value;
if (outputs === null || typeof outputs !== 'object') {
  console.error(`update-app-configs ${environment}: terraform output platform is missing`);
  process.exit(1);
}
const problems = [];
const arn = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]{12}:.+$/;
const patterns = {
  name: /^[a-z0-9][a-z0-9-]*$/,
  region: /^[a-z]{2}(-[a-z]+)+-[0-9]$/,
  account: /^[0-9]{12}$/,
  vpc: /^vpc-[0-9a-f]+$/,
  cidr: /^[0-9]{1,3}(\.[0-9]{1,3}){3}\/[0-9]{1,2}$/,
  arn,
  host: /^[a-z0-9.-]+$/,
  port: /^[0-9]{1,5}$/,
  repository: /^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\/[a-z0-9/_-]+$/,
  optionalArn: /^(arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]{12}:.+)?$/,
};

/** The value of a platform output (or a key inside a map output), checked against a pattern. */
function output(name, pattern, key) {
  const entry = outputs[name];
  const value = key === undefined ? entry : entry?.[key];
  const label = key === undefined ? name : `${name}["${key}"]`;
  if (value === undefined || value === null) {
    problems.push(`terraform output platform.${label} is missing`);
    return undefined;
  }
  const text = String(value);
  if (!patterns[pattern].test(text))
    problems.push(`terraform output platform.${label} is not a valid ${pattern}: ${text}`);
  return typeof value === 'number' ? value : text;
}

/** A non-empty list of CIDRs from a Terraform output. */
function cidrList(name) {
  const cidrs = outputs[name];
  if (!Array.isArray(cidrs) || cidrs.length === 0) {
    problems.push(`terraform output platform.${name} is missing or empty`);
    return [];
  }
  for (const cidr of cidrs) {
    if (!patterns.cidr.test(cidr)) problems.push(`terraform output platform.${name} holds ${cidr}`);
  }
  return cidrs;
}

const cluster = {
  name: output('cluster_name', 'name'),
  region: output('region', 'region'),
  accountId: output('account_id', 'account'),
  vpcId: output('vpc_id', 'vpc'),
  vpcCidr: output('vpc_cidr', 'cidr'),
  karpenter: {
    nodeRoleName: output('karpenter_node_role_name', 'name'),
    interruptionQueue: output('karpenter_interruption_queue_name', 'name'),
  },
  roles: {
    backend: output('irsa_role_arns', 'arn', 'backend'),
    awsLoadBalancerController: output('irsa_role_arns', 'arn', 'aws-load-balancer-controller'),
    grafana: output('irsa_role_arns', 'arn', 'grafana'),
    loki: output('irsa_role_arns', 'arn', 'loki'),
    vault: output('irsa_role_arns', 'arn', 'vault'),
  },
  repositories: {
    backend: output('ecr_repository_urls', 'repository', 'backend'),
    frontend: output('ecr_repository_urls', 'repository', 'frontend'),
  },
  loki: {
    chunksBucket: output('loki_bucket_names', 'name', 'chunks'),
    rulerBucket: output('loki_bucket_names', 'name', 'ruler'),
  },
  vault: { kmsKeyId: output('vault_kms_key_id', 'arn') },
  database: {
    host: output('database', 'host', 'host'),
    port: Number(output('database', 'port', 'port')),
    name: output('database', 'name', 'name'),
    secretArn: output('database', 'arn', 'master_secret_arn'),
  },
  databaseSubnetCidrs: cidrList('database_subnet_cidrs'),
  endpointSubnetCidrs: cidrList('endpoint_subnet_cidrs'),
  ingress: { certificateArn: output('alb_certificate_arn', 'optionalArn') },
};

if (problems.length > 0) {
  console.error(`update-app-configs ${environment}: nothing written\n${problems.join('\n')}`);
  process.exit(1);
}

const path = outputFile ?? join(root, 'argocd-apps/envs', environment, 'cluster.yaml');
const header = `# Written by scripts/update-app-configs.mjs from \`terraform output -json\` of
# terraform/envs/${environment}; the terraform workflow rewrites it after every apply. Do not edit.
`;
writeFileSync(path, header + stringify({ cluster }, { lineWidth: 0 }));
console.log(`wrote ${path}`);
