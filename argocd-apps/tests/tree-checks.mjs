// Checks across the Applications of the rendered app of apps, which no single chart's test can
// see: CRD order (each custom kind an Application renders is served by a CRD that an earlier wave
// or the same Application installs), CRD ownership (one Application per CRD), server-side apply
// wherever CRDs are applied, no null in a valuesObject (Argo CD drops them), and every ConfigMap
// and Secret a pod mounts exists. What an upstream chart installs and renders is recorded in
// addons/NAME.yaml (chartContents); the local charts are rendered with helm.
//
//   node argocd-apps/tests/tree-checks.mjs [--helm PATH] [--kube-version V]
//     [--checks crd-order,crd-ownership,server-side-apply,no-nulls,mounted-objects]
//     [--min-applications N] TREE.yaml...
//
// Each check prints how many objects it looked at and fails on none; the command exits 1 on any
// problem. The functions are exported for the tests.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');
const addonsDir = join(repoRoot, 'argocd-apps/addons');

// API groups Kubernetes itself serves; every other group needs a CRD. autoscaling.k8s.io (VPA)
// and other *.k8s.io groups of add-ons are deliberately not here.
const builtinGroups = new Set([
  '',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
]);

const groupOf = (apiVersion) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
const isCustom = (object) => !builtinGroups.has(groupOf(object.apiVersion));

/** The objects of rendered YAML files, nulls (empty documents) left out. */
export function readObjects(files) {
  return files.flatMap((file) =>
    parseAllDocuments(readFileSync(file, 'utf8'))
      .map((document) => document.toJSON())
      .filter((object) => object !== null),
  );
}

const wave = (app) => Number(app.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
const valuesOf = (app) => app.spec.source.helm?.valuesObject ?? {};

function valueAt(values, path) {
  let current = values;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || !(key in current)) return undefined;
    current = current[key];
  }
  return current;
}

/** Whether a recorded entry applies with these values: any of its `when` paths is true, unset paths taking the chart's default. */
function applies(entry, values) {
  if (!entry.when) return true;
  return entry.when.some((path) => {
    const value = valueAt(values, path);
    return value === undefined ? entry.default === true : value === true || value === 'true';
  });
}

/** The chartContents record of an upstream add-on (addons/NAME.yaml). */
export function recordedContents(name) {
  const file = join(addonsDir, `${name}.yaml`);
  if (!existsSync(file))
    throw new Error(`${name}: no addons/${name}.yaml records what its chart contains`);
  const contents = parse(readFileSync(file, 'utf8'))?.chartContents;
  if (!contents || !Array.isArray(contents.crds) || !Array.isArray(contents.kinds)) {
    throw new Error(`${name}: addons/${name}.yaml has no chartContents with crds and kinds lists`);
  }
  return contents;
}

function renderLocal(app, { helm, kubeVersion, scratch }) {
  const valuesFile = join(scratch, `${app.metadata.name}.json`);
  writeFileSync(valuesFile, JSON.stringify(valuesOf(app)));
  const args = ['template', app.spec.source.helm?.releaseName ?? app.metadata.name];
  args.push(join(repoRoot, app.spec.source.path), '--namespace', app.spec.destination.namespace);
  args.push('--kube-version', kubeVersion, '-f', valuesFile);
  if (!app.spec.source.helm?.skipCrds) args.push('--include-crds');
  const result = spawnSync(helm, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0)
    throw new Error(`${app.metadata.name}: helm template: ${result.stderr.trim()}`);
  return parseAllDocuments(result.stdout)
    .map((document) => document.toJSON())
    .filter((object) => object !== null);
}

/**
 * What each Application installs and renders: CRDs (name, group, kind), custom kinds
 * (group/Kind, ifServed when the chart renders it only once the API is served) and, for the local
 * charts, the rendered objects.
 */
export function contentsOf(apps, { helm, kubeVersion }) {
  const scratch = mkdtempSync(join(tmpdir(), 'tree-checks-'));
  return new Map(
    apps.map((app) => {
      const name = app.metadata.name;
      if (app.spec.source.path) {
        const objects = renderLocal(app, { helm, kubeVersion, scratch });
        const crds = objects
          .filter((o) => o.kind === 'CustomResourceDefinition')
          .map((o) => ({ name: o.metadata.name, group: o.spec.group, kind: o.spec.names.kind }));
        const kinds = [
          ...new Set(objects.filter(isCustom).map((o) => `${groupOf(o.apiVersion)}/${o.kind}`)),
        ].map((kind) => ({ kind }));
        return [name, { crds, kinds, objects }];
      }
      const recorded = recordedContents(name);
      const values = valuesOf(app);
      const crds = recorded.crds
        .filter((entry) => !(entry.from === 'crds/' && app.spec.source.helm?.skipCrds))
        .filter((entry) => applies(entry, values))
        .flatMap((entry) =>
          Object.entries(entry.names).map(([crd, kind]) => ({
            name: crd,
            group: crd.slice(crd.indexOf('.') + 1),
            kind,
          })),
        );
      const kinds = recorded.kinds
        .filter((entry) => applies(entry, values))
        .map((entry) => ({ kind: entry.kind, ifServed: entry.ifServed === true }));
      return [name, { crds, kinds, objects: null }];
    }),
  );
}

function result(name, problems, checked, what) {
  if (checked === 0) problems.push(`${name}: nothing to check (${what})`);
  return { name, problems, checked, summary: `${name}: ${checked} ${what}` };
}

/** Each custom kind is served by a CRD of an earlier wave or of the same Application. */
export function checkCrdOrder(apps, contents) {
  const problems = [];
  let checked = 0;
  const installers = new Map();
  for (const app of apps) {
    for (const crd of contents.get(app.metadata.name).crds) {
      const key = `${crd.group}/${crd.kind}`;
      installers.set(key, [...(installers.get(key) ?? []), app]);
    }
  }
  for (const app of apps) {
    for (const { kind, ifServed } of contents.get(app.metadata.name).kinds) {
      if (ifServed) continue;
      checked++;
      const from = installers.get(kind) ?? [];
      const served = from.some((installer) => installer === app || wave(installer) < wave(app));
      if (served) continue;
      const where = from.length
        ? `its CRD comes from ${from.map((a) => `${a.metadata.name} (wave ${wave(a)})`).join(', ')}`
        : 'no Application installs its CRD';
      problems.push(`${app.metadata.name} (wave ${wave(app)}) renders ${kind}, but ${where}`);
    }
  }
  return result(
    'crd-order',
    problems,
    checked,
    'custom kinds rendered, each served by an earlier wave or its own Application',
  );
}

/** No CRD is installed by two Applications (they would fight over it on every sync). */
export function checkCrdOwnership(apps, contents) {
  const problems = [];
  const owners = new Map();
  for (const app of apps) {
    for (const crd of contents.get(app.metadata.name).crds) {
      owners.set(crd.name, [...(owners.get(crd.name) ?? []), app.metadata.name]);
    }
  }
  for (const [crd, names] of owners) {
    if (names.length > 1) problems.push(`${crd} is installed by ${names.join(' and ')}`);
  }
  return result('crd-ownership', problems, owners.size, 'CRDs, each installed by one Application');
}

/** Every Application that applies CRDs does so server-side (no 256 kB last-applied annotation). */
export function checkServerSideApply(apps, contents) {
  const problems = [];
  const withCrds = apps.filter((app) => contents.get(app.metadata.name).crds.length > 0);
  for (const app of withCrds) {
    if (!(app.spec.syncPolicy?.syncOptions ?? []).includes('ServerSideApply=true')) {
      problems.push(`${app.metadata.name} installs CRDs without ServerSideApply=true`);
    }
  }
  return result(
    'server-side-apply',
    problems,
    withCrds.length,
    'Applications installing CRDs, each applied server-side',
  );
}

/** No null in a valuesObject: Argo CD strips them, so a null meant to delete a default does nothing. */
export function checkNoNulls(apps) {
  const problems = [];
  let checked = 0;
  const walk = (value, path, app) => {
    checked++;
    if (value === null)
      problems.push(`${app}: ${path} is null (Argo CD drops it from valuesObject)`);
    else if (typeof value === 'object') {
      for (const [key, child] of Object.entries(value))
        walk(child, path ? `${path}.${key}` : key, app);
    }
  };
  for (const app of apps) walk(valuesOf(app), '', app.metadata.name);
  return result('no-nulls', problems, checked, 'values walked in the valuesObjects');
}

const podTemplatePaths = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  Rollout: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** The ConfigMaps and Secrets a pod needs (volumes and environment), optional ones left out. */
function referencesOf(object) {
  const path = object.kind === 'Pod' ? [] : podTemplatePaths[object.kind];
  if (!path) return [];
  const pod = path.reduce((current, key) => current?.[key], object)?.spec;
  if (!pod) return [];
  const references = [];
  const add = (kind, name, optional) => {
    if (name && optional !== true) references.push({ kind, name });
  };
  for (const volume of pod.volumes ?? []) {
    if (volume.configMap) add('ConfigMap', volume.configMap.name, volume.configMap.optional);
    if (volume.secret) add('Secret', volume.secret.secretName, volume.secret.optional);
    for (const source of volume.projected?.sources ?? []) {
      if (source.configMap) add('ConfigMap', source.configMap.name, source.configMap.optional);
      if (source.secret) add('Secret', source.secret.name, source.secret.optional);
    }
  }
  for (const container of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    for (const from of container.envFrom ?? []) {
      if (from.configMapRef) add('ConfigMap', from.configMapRef.name, from.configMapRef.optional);
      if (from.secretRef) add('Secret', from.secretRef.name, from.secretRef.optional);
    }
    for (const env of container.env ?? []) {
      const ref = env.valueFrom;
      if (ref?.configMapKeyRef)
        add('ConfigMap', ref.configMapKeyRef.name, ref.configMapKeyRef.optional);
      if (ref?.secretKeyRef) add('Secret', ref.secretKeyRef.name, ref.secretKeyRef.optional);
    }
  }
  for (const secret of pod.imagePullSecrets ?? []) add('Secret', secret.name, false);
  return references;
}

/**
 * Every ConfigMap and Secret a pod of the local charts mounts is rendered by some Application,
 * or recorded in an add-on's chartContents.provides (objects its controller creates, or ones
 * created once per cluster outside git, each with the reason).
 */
export function checkMountedObjects(apps, contents) {
  const problems = [];
  let checked = 0;
  const existing = new Set();
  for (const app of apps) {
    const { objects } = contents.get(app.metadata.name);
    for (const object of objects ?? []) {
      if (object.kind !== 'ConfigMap' && object.kind !== 'Secret') continue;
      const namespace = object.metadata.namespace ?? app.spec.destination.namespace;
      existing.add(`${object.kind} ${namespace}/${object.metadata.name}`);
    }
    for (const provided of providesOf(app.metadata.name)) {
      existing.add(`${provided.kind} ${provided.namespace}/${provided.name}`);
    }
  }
  for (const app of apps) {
    for (const object of contents.get(app.metadata.name).objects ?? []) {
      const namespace = object.metadata.namespace ?? app.spec.destination.namespace;
      for (const reference of referencesOf(object)) {
        checked++;
        const key = `${reference.kind} ${namespace}/${reference.name}`;
        if (!existing.has(key)) {
          problems.push(
            `${app.metadata.name}: ${object.kind} ${object.metadata.name} mounts ${key}, which no Application renders or provides`,
          );
        }
      }
    }
  }
  return result(
    'mounted-objects',
    problems,
    checked,
    'ConfigMaps and Secrets mounted by pods, each rendered or provided',
  );
}

/** chartContents.provides of addons/NAME.yaml: objects made by a controller or outside git. */
function providesOf(name) {
  const file = join(addonsDir, `${name}.yaml`);
  if (!existsSync(file)) return [];
  return parse(readFileSync(file, 'utf8'))?.chartContents?.provides ?? [];
}

const checks = {
  'crd-order': checkCrdOrder,
  'crd-ownership': checkCrdOwnership,
  'server-side-apply': checkServerSideApply,
  'no-nulls': checkNoNulls,
  'mounted-objects': checkMountedObjects,
};

/** Runs the named checks over the Applications of one rendered tree. */
export function runChecks(apps, { helm, kubeVersion, names = Object.keys(checks) }) {
  const contents = contentsOf(apps, { helm, kubeVersion });
  return names.map((name) => {
    const check = checks[name];
    if (!check) throw new Error(`unknown check ${name} (${Object.keys(checks).join(', ')})`);
    return check(apps, contents);
  });
}

function main(argv) {
  const options = {
    helm: join(repoRoot, '.tools/bin/helm'),
    // The one Kubernetes version pin the charts' kubeVersion and the clusters follow.
    kubeVersion: JSON.parse(
      readFileSync(join(repoRoot, 'hack/k8s/kubernetes-version.json'), 'utf8'),
    ).version,
    names: Object.keys(checks),
    minApplications: 1,
  };
  const files = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--helm') options.helm = argv[++i];
    else if (arg === '--kube-version') options.kubeVersion = argv[++i];
    else if (arg === '--checks') options.names = argv[++i].split(',');
    else if (arg === '--min-applications') options.minApplications = Number(argv[++i]);
    else files.push(arg);
  }
  if (files.length === 0) {
    console.error(
      'usage: tree-checks.mjs [--helm PATH] [--kube-version V] [--checks A,B] [--min-applications N] TREE.yaml...',
    );
    return 2;
  }
  let failed = false;
  for (const file of files) {
    const apps = readObjects([file]).filter((o) => o.kind === 'Application');
    console.log(`${file}: ${apps.length} Applications`);
    if (apps.length < options.minApplications) {
      console.error(
        `${file}: ${apps.length} Applications, fewer than the ${options.minApplications} expected`,
      );
      failed = true;
      continue;
    }
    for (const outcome of runChecks(apps, options)) {
      console.log(`  ${outcome.problems.length ? 'FAIL' : 'ok  '} ${outcome.summary}`);
      for (const problem of outcome.problems) console.error(`    ${problem}`);
      failed ||= outcome.problems.length > 0;
    }
  }
  return failed ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exit(main(process.argv.slice(2)));
