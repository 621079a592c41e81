// Renders the charts with the real helm binary (HELM, or the one `pnpm test:infra` builds into
// .tools/bin) and parses the output, so tests assert on the objects Kubernetes would receive.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const chartsDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(chartsDir, '..');

export const helm = process.env.HELM ?? join(repoRoot, '.tools/bin/helm');
if (!existsSync(helm)) {
  throw new Error(
    `helm not found at ${helm}: run pnpm test:infra once (it builds the pinned helm)`,
  );
}

// The one Kubernetes version pin, which Terraform and the e2e clusters read too.
export const kubeVersion = (
  JSON.parse(readFileSync(join(repoRoot, 'hack/k8s/kubernetes-version.json'), 'utf8')) as {
    version: string;
  }
).version;
export const kubeMinor = kubeVersion.split('.').slice(0, 2).join('.');

// A Kubernetes object as parsed from YAML; tests reach into it by path, and the assertions are
// what check its shape.
export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary parsed YAML
} & Record<string, any>;

export interface RenderOptions {
  values?: string[];
  set?: Record<string, string | number | boolean>;
  setJson?: Record<string, unknown>;
  namespace?: string;
}

function helmArgs(chart: string, options: RenderOptions): string[] {
  const args = ['template', basename(chart), join(chartsDir, chart), '--kube-version', kubeVersion];
  args.push('--namespace', options.namespace ?? 'tbyte');
  for (const file of options.values ?? []) {
    args.push('-f', isAbsolute(file) ? file : join(chartsDir, chart, file));
  }
  for (const [key, value] of Object.entries(options.set ?? {}))
    args.push('--set', `${key}=${String(value)}`);
  for (const [key, value] of Object.entries(options.setJson ?? {})) {
    args.push('--set-json', `${key}=${JSON.stringify(value)}`);
  }
  return args;
}

/** helm template; throws with helm's own message when it refuses. */
export function renderText(chart: string, options: RenderOptions = {}): string {
  const result = spawnSync(helm, helmArgs(chart, options), { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr.trim());
  return result.stdout;
}

export function render(chart: string, options: RenderOptions = {}): K8sObject[] {
  return parseAllDocuments(renderText(chart, options))
    .map((document) => document.toJSON() as K8sObject | null)
    .filter((object): object is K8sObject => object !== null);
}

/** The message helm gives when it refuses the values (the test fails if it renders). */
export function refusal(chart: string, options: RenderOptions): string {
  try {
    renderText(chart, options);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`helm rendered ${chart} with ${JSON.stringify(options)}; a refusal was expected`);
}

export function only(objects: K8sObject[], kind: string, name?: string): K8sObject {
  const found = objects.filter(
    (o) => o.kind === kind && (name === undefined || o.metadata.name === name),
  );
  const [first] = found;
  if (found.length !== 1 || !first) {
    throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  }
  return first;
}

export function kinds(objects: K8sObject[]): string[] {
  return objects.map((o) => o.kind).sort();
}

/** The pod template of the chart's workload (Deployment, Rollout or StatefulSet). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary parsed YAML
export function podSpec(objects: K8sObject[]): Record<string, any> {
  const workload = objects.find((o) => ['Deployment', 'Rollout', 'StatefulSet'].includes(o.kind));
  if (!workload) throw new Error('no workload rendered');
  const template = workload.spec as { template: { spec: Record<string, unknown> } };
  return template.template.spec;
}
