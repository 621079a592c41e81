// What bootstrap.sh installs, read with the yaml package from the files that hold it:
//
//   node argocd-apps/bootstrap/manifests.mjs ENV     the gitops AppProject (project-gitops.yaml)
//       and the root Application of ENV (root.yaml) as one YAML stream, pointed at the repository
//       and revision of argocd-apps/values.yaml (REPO_URL overrides the repository), with the
//       value files of envs/ENV after those of the environment it is based on (basedOn)
//   node argocd-apps/bootstrap/manifests.mjs argocd-chart     the repository and version of the
//       argo-cd add-on's chart (addons/argo-cd.yaml), one a line, for the first install
//
// An environment is a directory of envs/ with a values.yaml; anything else is refused with the
// environments there are.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseDocument } from 'yaml';

const chartDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const envsDir = join(chartDir, 'envs');

class BootstrapError extends Error {}

function readYaml(file) {
  const path = join(chartDir, file);
  if (!existsSync(path)) throw new BootstrapError(`argocd-apps/${file} is missing`);
  const document = parseDocument(readFileSync(path, 'utf8'));
  if (document.errors.length > 0) {
    throw new BootstrapError(`argocd-apps/${file}: ${document.errors[0].message}`);
  }
  return document;
}

function environments() {
  return readdirSync(envsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(envsDir, entry.name, 'values.yaml')))
    .map((entry) => entry.name)
    .sort();
}

/** envs/ENV's value files, after those of the environments it is based on (basedOn). */
export function valueFiles(environment, seen = []) {
  const known = environments();
  if (!known.includes(environment)) {
    const from = seen.length > 0 ? ` (basedOn of envs/${seen.at(-1)}/values.yaml)` : '';
    throw new BootstrapError(
      `no environment '${environment}'${from}: argocd-apps/envs has ${known.join(', ')}`,
    );
  }
  if (seen.includes(environment)) {
    throw new BootstrapError(
      `basedOn goes round in circles: ${[...seen, environment].join(' -> ')}`,
    );
  }
  const basedOn = parse(readFileSync(join(envsDir, environment, 'values.yaml'), 'utf8'))?.basedOn;
  const base = basedOn === undefined ? [] : valueFiles(String(basedOn), [...seen, environment]);
  // The base's own cluster facts and image tags are not this environment's.
  const baseValues = base.filter((file) => file.endsWith('/values.yaml'));
  return [
    ...baseValues,
    ...['values', 'cluster', 'images'].map((file) => `envs/${environment}/${file}.yaml`),
  ];
}

/** The gitops AppProject and the root Application of an environment, as one YAML stream. */
export function manifests(environment, repoURL) {
  const files = valueFiles(environment);
  const chartValues = readYaml('values.yaml').toJS();
  for (const key of ['repoURL', 'targetRevision']) {
    if (typeof chartValues[key] !== 'string' || chartValues[key] === '') {
      throw new BootstrapError(`argocd-apps/values.yaml has no ${key}`);
    }
  }
  const repository = repoURL || chartValues.repoURL;
  const project = readYaml('bootstrap/project-gitops.yaml');
  const root = readYaml('bootstrap/root.yaml');
  // New nodes, so the filled-in values take no style from the template's placeholders.
  const fill = (document, path, value) => document.setIn(path, document.createNode(value));
  fill(project, ['spec', 'sourceRepos'], [repository]);
  fill(root, ['spec', 'source', 'repoURL'], repository);
  fill(root, ['spec', 'source', 'targetRevision'], chartValues.targetRevision);
  fill(root, ['spec', 'source', 'helm', 'valueFiles'], files);
  return `${project.toString()}---\n${root.toString()}`;
}

/** The argo-cd add-on's chart: the one the bootstrap installs and the application then keeps. */
export function argocdChart() {
  const application = readYaml('addons/argo-cd.yaml').toJS()?.application ?? {};
  for (const key of ['repoURL', 'version']) {
    if (typeof application[key] !== 'string' || application[key] === '') {
      throw new BootstrapError(`argocd-apps/addons/argo-cd.yaml has no application.${key}`);
    }
  }
  return `${application.repoURL}\n${application.version}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [what] = process.argv.slice(2);
  try {
    if (!what) {
      throw new BootstrapError(
        `usage: manifests.mjs ENV | argocd-chart (environments: ${environments().join(', ')})`,
      );
    }
    process.stdout.write(
      what === 'argocd-chart' ? argocdChart() : manifests(what, process.env.REPO_URL),
    );
  } catch (error) {
    if (!(error instanceof BootstrapError)) throw error;
    console.error(`bootstrap: ${error.message}`);
    process.exit(2);
  }
}
