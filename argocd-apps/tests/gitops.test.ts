// The app of apps, walked from the root: waves as the design orders them, every child pinned,
// scoped and syncing the same way, every local chart rendering with its environment's values.
import { spawnSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import {
  checkCrdOrder,
  checkCrdOwnership,
  checkMountedObjects,
  checkNoNulls,
  checkServerSideApply,
  contentsOf,
} from './tree-checks.mjs';
import {
  chartsDir,
  helm,
  kubeVersion,
  refusal,
  render,
  type K8sObject,
} from '../../charts/tests/helm.js';
import { matchesImage } from '../../charts/tests/image-references.js';

const repoRoot = join(chartsDir, '..');
const fixtures = join(chartsDir, 'tests/fixtures');
const scratch = mkdtempSync(join(tmpdir(), 'tbyte-gitops-'));

function clusterValues(environment: string): string {
  const out = join(scratch, `cluster-${environment}.yaml`);
  const result = spawnSync(
    'node',
    [
      join(repoRoot, 'scripts/update-app-configs.mjs'),
      environment,
      join(fixtures, `terraform-outputs-${environment}.json`),
      out,
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(result.stderr);
  return out;
}

// The root chart lives in argocd-apps/, beside charts/.
const root = '../argocd-apps';
const values = (environment: string) => [
  `envs/${environment}/values.yaml`,
  clusterValues(environment),
  join(fixtures, 'images.yaml'),
];
const trees = Object.fromEntries(
  ['dev', 'prod'].map((environment) => [
    environment,
    render(root, { values: values(environment), namespace: 'argocd' }),
  ]),
);
const applications = (environment: string) =>
  (trees[environment] ?? []).filter((o) => o.kind === 'Application');
const wave = (app: K8sObject) => Number(app.metadata.annotations?.['argocd.argoproj.io/sync-wave']);
/** The objects of a local chart's Application, rendered with the values it gives the chart. */
function renderApplication(environment: string, app: K8sObject): K8sObject[] {
  const file = join(scratch, `${environment}-${app.metadata.name}.yaml`);
  writeFileSync(file, JSON.stringify(app.spec.source.helm.valuesObject));
  return render(`../${app.spec.source.path as string}`, {
    values: [file],
    namespace: app.spec.destination.namespace,
  });
}
const rootValues = parse(readFileSync(join(repoRoot, 'argocd-apps/values.yaml'), 'utf8')) as {
  repoURL: string;
  platformNamespaces: string[];
  apps: Record<string, { wave: number; clusterValues?: string }>;
};
// The add-ons are their files: addons/NAME.yaml, whose application key says how Argo CD installs it.
const addonsDir = join(repoRoot, 'argocd-apps/addons');
const addons = Object.fromEntries(
  readdirSync(addonsDir)
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => [
      file.replace(/\.yaml$/, ''),
      (parse(readFileSync(join(addonsDir, file), 'utf8')) as { application: AddonApplication })
        .application,
    ]),
);
interface AddonApplication {
  wave: number;
  namespace: string;
  version?: string;
  path?: string;
}

// The waves the files give (addons/NAME.yaml, apps of values.yaml), which docs/gitops.md draws and
// the design orders: 0 base, 1 core add-ons, 2 platform add-ons, 3 database, 4 backend, 5 frontend.
const expectedWaves: Record<string, number> = {
  ...Object.fromEntries(Object.entries(addons).map(([name, addon]) => [name, addon.wave])),
  ...Object.fromEntries(Object.entries(rootValues.apps).map(([name, app]) => [name, app.wave])),
};
const designWaves = { addons: [0, 1, 2], apps: { postgresql: 3, backend: 4, frontend: 5 } };

describe.each(['dev', 'prod'])('the %s tree', (environment) => {
  const apps = applications(environment);

  it('holds the design waves', () => {
    const found = Object.fromEntries(apps.map((app) => [app.metadata.name, wave(app)]));
    const expected = Object.fromEntries(
      Object.entries(expectedWaves).filter(
        ([name]) => environment === 'dev' || name !== 'postgresql',
      ),
    );
    expect(found).toEqual(expected);
    const outOfDesign = Object.entries(addons)
      .filter(([, addon]) => !designWaves.addons.includes(addon.wave))
      .map(([name, addon]) => `${name}: wave ${addon.wave}`);
    expect(Object.keys(addons).length).toBeGreaterThan(25);
    expect(outOfDesign).toEqual([]);
    expect(
      Object.fromEntries(Object.entries(rootValues.apps).map(([name, app]) => [name, app.wave])),
    ).toEqual(designWaves.apps);
  });

  it('orders base < core < platform < database < backend < frontend', () => {
    const byName = Object.fromEntries(apps.map((app) => [app.metadata.name, wave(app)]));
    const core = apps.filter((a) => a.spec.project === 'platform' && wave(a) === 1);
    expect(core.length).toBeGreaterThan(0);
    expect(byName.platform).toBeLessThan(byName.keda ?? NaN);
    expect(byName.keda).toBeLessThan(byName['kube-prometheus-stack'] ?? NaN);
    expect(byName['kube-prometheus-stack']).toBeLessThan(byName.backend ?? NaN);
    if (environment === 'dev') expect(byName.postgresql).toBeLessThan(byName.backend ?? NaN);
    expect(byName.backend).toBeLessThan(byName.frontend ?? NaN);
  });

  it('syncs every child automatically with prune, self-heal and backoff, never creating namespaces', () => {
    for (const app of apps) {
      const policy = app.spec.syncPolicy;
      expect(policy.automated, app.metadata.name).toEqual({ prune: true, selfHeal: true });
      expect(policy.retry.backoff, app.metadata.name).toMatchObject({ factor: 2 });
      expect(policy.retry.limit, app.metadata.name).toBeGreaterThan(0);
      expect(policy.syncOptions, app.metadata.name).not.toContain('CreateNamespace=true');
    }
  });

  it('pins every upstream chart to an exact version', () => {
    const upstream = apps.filter((app) => app.spec.source.chart);
    expect(upstream.length).toBeGreaterThan(15);
    for (const app of upstream) {
      expect(app.spec.source.targetRevision, app.metadata.name).toMatch(/^[0-9]+\.[0-9]+\.[0-9]+$/);
    }
  });

  it('uses no retired or frozen charts (ingress-nginx, Promtail, Bitnami)', () => {
    for (const app of apps) {
      const {
        repoURL,
        chart = '',
        path = '',
      } = app.spec.source as { repoURL: string; chart?: string; path?: string };
      expect(`${repoURL} ${chart} ${path}`, app.metadata.name).not.toMatch(
        /ingress-nginx|promtail|bitnami/i,
      );
    }
  });

  it('deploys only into namespaces the platform chart creates (or kube-system)', () => {
    const created = render('platform')
      .filter((o) => o.kind === 'Namespace')
      .map((o) => o.metadata.name);
    // The platform project's namespaces: all the chart creates, plus kube-system. The app's is
    // among them because the platform chart writes its base there (default deny, quota, limits,
    // app-reader); Argo CD refuses the whole platform sync otherwise.
    expect([...rootValues.platformNamespaces].sort()).toEqual(['kube-system', ...created].sort());
    for (const app of apps) {
      expect(['kube-system', ...created], app.metadata.name).toContain(
        app.spec.destination.namespace,
      );
    }
  });

  it('applies every Application server-side and lets autoscalers own replicas', () => {
    expect(apps.length).toBeGreaterThan(25);
    for (const app of apps) {
      expect(app.spec.syncPolicy.syncOptions, app.metadata.name).toContain('ServerSideApply=true');
    }
    for (const name of ['backend', 'frontend']) {
      const app = apps.find((a) => a.metadata.name === name);
      expect(app?.spec.ignoreDifferences).toContainEqual({
        group: 'apps',
        kind: 'Deployment',
        jsonPointers: ['/spec/replicas'],
      });
      expect(app?.spec.syncPolicy.syncOptions).toContain('RespectIgnoreDifferences=true');
    }
  });

  it('renders every local chart with the values its Application gives it', () => {
    const local = apps.filter((app) => app.spec.source.path);
    expect(local.map((a) => a.metadata.name).sort()).toEqual(
      [
        'backend',
        'cluster-nodes',
        'edge',
        'frontend',
        'image-policy',
        'platform',
        'vault-config',
        ...(environment === 'dev' ? ['postgresql'] : []),
      ].sort(),
    );
    for (const app of local) {
      const path = app.spec.source.path as string;
      expect(existsSync(join(repoRoot, path, 'Chart.yaml')), path).toBe(true);
      expect(renderApplication(environment, app).length, path).toBeGreaterThan(0);
    }
  });

  it('admits, under its image policy, every image it deploys into tbyte, and only those', () => {
    const policyApp = apps.find((a) => a.metadata.name === 'image-policy');
    if (!policyApp) throw new Error('no image-policy Application');
    const policy = renderApplication(environment, policyApp).find(
      (o) => o.kind === 'ClusterPolicy',
    );
    const rule = policy?.spec.rules.find(
      (r: { name: string }) => r.name === 'only-signed-or-excepted-images',
    );
    const patterns: string[] = rule.validate.foreach[0].deny.conditions.all[0].value;
    const images = apps
      .filter((app) => app.spec.destination.namespace === 'tbyte')
      .flatMap((app) => renderApplication(environment, app))
      .flatMap((o): { image: string }[] => {
        const pod = o.spec?.template?.spec as
          { initContainers?: { image: string }[]; containers?: { image: string }[] } | undefined;
        return pod ? [...(pod.initContainers ?? []), ...(pod.containers ?? [])] : [];
      })
      .map((container) => container.image);
    const refused = images.filter((image) => !patterns.some((p) => matchesImage(p, image)));
    console.log(
      `${environment}: ${images.length} images of tbyte checked against the image policy`,
    );
    expect(images.length).toBeGreaterThanOrEqual(environment === 'dev' ? 3 : 2);
    expect(refused).toEqual([]);
    expect(patterns.filter((p) => matchesImage(p, 'docker.io/library/busybox:1'))).toEqual([]);
  });

  it('gives the business apps the image tags CI writes and the cluster facts Terraform outputs', () => {
    const backend = apps.find((a) => a.metadata.name === 'backend');
    const valuesObject = backend?.spec.source.helm.valuesObject;
    expect(valuesObject.image).toEqual({
      repository: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/tbyte/backend',
      tag: '0123456789abcdef0123456789abcdef01234567',
    });
    expect(valuesObject.serviceAccount.annotations['eks.amazonaws.com/role-arn']).toBe(
      `arn:aws:iam::111122223333:role/tbyte-${environment}-backend`,
    );
    if (environment === 'prod') {
      expect(valuesObject.database).toMatchObject({
        sslMode: 'verify-full',
        auth: 'rds-iam',
        awsRegion: 'eu-west-1',
        migration: { enabled: true, credentials: { source: 'csi', csi: { provider: 'aws' } } },
      });
      expect(valuesObject.database).not.toHaveProperty('credentials');
      expect(valuesObject.networkPolicy.httpsEgressCidrs).toEqual([
        '10.20.16.0/20',
        '10.20.32.0/20',
        '10.20.48.0/20',
      ]);
    }
  });

  it("lets only the VPC (the ingress controller and the ALB) name the frontend's client", () => {
    const outputs = JSON.parse(
      readFileSync(join(fixtures, `terraform-outputs-${environment}.json`), 'utf8'),
    );
    const frontend = apps.find((a) => a.metadata.name === 'frontend');
    expect(frontend?.spec.source.helm.valuesObject.edge).toEqual({
      trustedProxies: [outputs.platform.value.vpc_cidr],
    });
  });
});

// The checks across Applications (argocd-apps/tests/tree-checks.mjs; pnpm test:infra also runs
// it on its own over the rendered trees). The floors are today's counts: a shrunken tree fails.
const floors: Record<string, Record<string, number>> = {
  dev: {
    'crd-order': 17,
    'crd-ownership': 45,
    'server-side-apply': 10,
    'no-nulls': 700,
    'mounted-objects': 2,
  },
  prod: {
    'crd-order': 22,
    'crd-ownership': 45,
    'server-side-apply': 10,
    'no-nulls': 700,
    'mounted-objects': 3,
  },
};
const contentsByEnvironment = Object.fromEntries(
  ['dev', 'prod'].map((environment) => [
    environment,
    contentsOf(applications(environment), { helm, kubeVersion }),
  ]),
);
const byName = (environment: string, name: string) => {
  const app = applications(environment).find((a) => a.metadata.name === name);
  if (!app) throw new Error(`no Application ${name} in ${environment}`);
  return app;
};
/** The tree with one Application changed (a deep copy), and its contents re-read. */
function changed(environment: string, name: string, change: (app: K8sObject) => void) {
  const apps = applications(environment).map((app) =>
    app.metadata.name === name ? structuredClone<K8sObject>(app) : app,
  );
  const app = apps.find((a) => a.metadata.name === name);
  if (!app) throw new Error(`no Application ${name} in ${environment}`);
  change(app);
  const contents = new Map(contentsByEnvironment[environment]);
  const recorded = contentsOf([app], { helm, kubeVersion }).get(name);
  if (recorded) contents.set(name, recorded);
  return { apps, contents };
}

describe.each(['dev', 'prod'])('across the Applications of the %s tree', (environment) => {
  const apps = applications(environment);
  const contents = contentsByEnvironment[environment] ?? new Map();
  const floor = floors[environment] ?? {};

  it.each([
    ['crd-order', () => checkCrdOrder(apps, contents)],
    ['crd-ownership', () => checkCrdOwnership(apps, contents)],
    ['server-side-apply', () => checkServerSideApply(apps, contents)],
    ['no-nulls', () => checkNoNulls(apps)],
    ['mounted-objects', () => checkMountedObjects(apps, contents)],
  ])('%s holds', (name, check) => {
    const outcome = check();
    expect(outcome.problems).toEqual([]);
    expect(outcome.checked, outcome.summary).toBeGreaterThanOrEqual(floor[name] ?? Infinity);
  });

  it('pairs Loki replication with its replicas (the chart defaults to 3)', () => {
    const loki = byName(environment, 'loki').spec.source.helm.valuesObject;
    const replicas = loki.singleBinary.replicas as number;
    // loki 18.11.0 values.yaml: loki.commonConfig.replication_factor: 3
    const factor = (loki.loki.commonConfig?.replication_factor ?? 3) as number;
    expect(replicas).toBeGreaterThan(0);
    expect(factor).toBe(Math.min(replicas, 3));
  });

  it('lets the compactor apply Loki retention, with the bucket lifecycle a later backstop', () => {
    const loki = byName(environment, 'loki').spec.source.helm.valuesObject.loki;
    expect(loki.compactor).toMatchObject({ retention_enabled: true, delete_request_store: 's3' });
    const retentionDays = Number(/^([0-9]+)d$/.exec(loki.limits_config.retention_period)?.[1]);
    const bucket = readFileSync(join(repoRoot, 'terraform/modules/platform/loki.tf'), 'utf8');
    const expiry = [...bucket.matchAll(/expiration\s*=\s*\{\s*days\s*=\s*([0-9]+)\s*\}/g)];
    expect(expiry).toHaveLength(1);
    expect(retentionDays).toBeGreaterThan(0);
    expect(Number(expiry[0]?.[1])).toBeGreaterThan(retentionDays);
  });

  it('scrapes every Vault server, sealed standbys included', () => {
    const telemetry = byName(environment, 'vault').spec.source.helm.valuesObject.serverTelemetry;
    // vault-helm v0.34.1: in HA mode the ServiceMonitor selects vault-active unless matchLabels
    // is set; vault-internal (headless, publishNotReadyAddresses) fronts every server.
    expect(telemetry.serviceMonitor).toMatchObject({
      enabled: true,
      matchLabels: { 'vault-internal': 'true' },
    });
  });

  it('gives the collector its whole configuration: OTLP in, traces to Jaeger, nothing to debug', () => {
    const values = byName(environment, 'opentelemetry-collector').spec.source.helm.valuesObject;
    expect(values.config).toBeUndefined();
    const config = values.alternateConfig;
    expect(Object.keys(config.receivers)).toEqual(['otlp']);
    expect(Object.keys(config.service.pipelines)).toEqual(['traces']);
    expect(Object.keys(config.exporters)).toEqual(['otlp/jaeger']);
    expect(config.service.extensions).toContain('health_check');
  });

  it('keeps the CloudWatch certificates of the first sync instead of new ones per render', () => {
    const app = byName(environment, 'amazon-cloudwatch-observability');
    expect(app.spec.syncPolicy.syncOptions).toContain('RespectIgnoreDifferences=true');
    const ignored = app.spec.ignoreDifferences as {
      kind: string;
      name?: string;
      jqPathExpressions?: string[];
    }[];
    for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
      expect(ignored.find((i) => i.kind === kind)?.jqPathExpressions).toEqual([
        '.webhooks[]?.clientConfig.caBundle',
      ]);
    }
    const secrets = ignored.filter((i) => i.kind === 'Secret').map((i) => i.name);
    expect(secrets).toContain('amazon-cloudwatch-observability-controller-manager-service-cert');
    expect(
      secrets.filter((n) => n?.startsWith('amazon-cloudwatch-observability-agent-')),
    ).toHaveLength(4);
  });
});

describe('the cross-Application checks fail on the mistakes they exist for', () => {
  it('a monitor rendered a wave before its CRD (the bootstrap deadlock)', () => {
    const { apps, contents } = changed('dev', 'kube-prometheus-stack', (app) => {
      app.spec.source.helm.valuesObject.crds = { enabled: true };
    });
    const withoutCrds = apps.filter((a) => a.metadata.name !== 'prometheus-operator-crds');
    expect(checkCrdOrder(withoutCrds, contents).problems).toContain(
      'nginx-ingress (wave 1) renders monitoring.coreos.com/ServiceMonitor, but its CRD comes from kube-prometheus-stack (wave 2)',
    );
  });

  it('a CRD installed by two Applications', () => {
    const { apps, contents } = changed('dev', 'alloy-events', (app) => {
      app.spec.source.helm.valuesObject.crds = { create: true };
    });
    expect(checkCrdOwnership(apps, contents).problems).toEqual([
      'podlogs.monitoring.grafana.com is installed by alloy and alloy-events',
    ]);
  });

  it('CRDs applied client-side', () => {
    const { apps, contents } = changed('dev', 'amazon-cloudwatch-observability', (app) => {
      app.spec.syncPolicy.syncOptions = ['PruneLast=true'];
    });
    expect(checkServerSideApply(apps, contents).problems).toEqual([
      'amazon-cloudwatch-observability installs CRDs without ServerSideApply=true',
    ]);
  });

  it('a null meant to delete a default', () => {
    const { apps } = changed('dev', 'opentelemetry-collector', (app) => {
      app.spec.source.helm.valuesObject.config = { receivers: { jaeger: null } };
    });
    expect(checkNoNulls(apps).problems).toEqual([
      'opentelemetry-collector: config.receivers.jaeger is null (Argo CD drops it from valuesObject)',
    ]);
  });

  it('a mounted ConfigMap nothing creates', () => {
    const { apps, contents } = changed('prod', 'platform', (app) => {
      app.spec.source.helm.valuesObject.rdsCaBundle = { namespaces: [] };
    });
    expect(checkMountedObjects(apps, contents).problems).toEqual([
      'backend: Rollout backend mounts ConfigMap tbyte/rds-ca-bundle, which no Application renders or provides',
    ]);
  });
});

describe("Amazon RDS's CA bundle in the platform chart", () => {
  const dir = join(repoRoot, 'charts/platform/files/rds-ca');
  const source = parse(readFileSync(join(dir, 'source.yaml'), 'utf8')) as {
    file: string;
    sha256: string;
    certificates: number;
  };
  const bundle = readFileSync(join(dir, source.file));

  it('is the file its source records, byte for byte', () => {
    expect(createHash('sha256').update(bundle).digest('hex')).toBe(source.sha256);
  });

  it("holds the recorded certificates, the region's current CAs valid for years", () => {
    const pems =
      bundle
        .toString('utf8')
        .match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    expect(pems).toHaveLength(source.certificates);
    const certificates = pems.map((pem) => new X509Certificate(pem));
    const inRegion = certificates.filter((c) =>
      /CN=Amazon RDS eu-west-1 Root CA (RSA2048|RSA4096|ECC384) G1/.test(c.subject),
    );
    expect(inRegion).toHaveLength(3);
    for (const certificate of inRegion) {
      expect(new Date(certificate.validTo).getFullYear()).toBeGreaterThan(2060);
    }
  });

  it('reaches the backend of prod as the ConfigMap its Application mounts', () => {
    const platform = byName('prod', 'platform');
    const configMap = render(`../${platform.spec.source.path as string}`, {
      namespace: 'kube-system',
    }).find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'rds-ca-bundle');
    expect(configMap?.metadata.namespace).toBe('tbyte');
    expect(configMap?.data['global-bundle.pem']).toBe(bundle.toString('utf8'));
    expect(byName('prod', 'backend').spec.source.helm.valuesObject.database.tlsCA).toEqual({
      configMap: 'rds-ca-bundle',
    });
  });
});

describe('AppProjects', () => {
  const projects = Object.fromEntries(
    (trees.dev ?? []).filter((o) => o.kind === 'AppProject').map((p) => [p.metadata.name, p.spec]),
  );

  it('lets the business apps deploy only into tbyte, only from this repository, nothing cluster-wide', () => {
    expect(projects.tbyte.sourceRepos).toEqual([rootValues.repoURL]);
    expect(projects.tbyte.destinations).toEqual([
      { server: 'https://kubernetes.default.svc', namespace: 'tbyte' },
    ]);
    expect(projects.tbyte.clusterResourceWhitelist).toEqual([]);
    for (const app of applications('dev').filter((a) =>
      ['postgresql', 'backend', 'frontend'].includes(a.metadata.name),
    )) {
      expect(app.spec.project).toBe('tbyte');
    }
  });

  it('scopes the platform project to the chart repositories of the add-ons and the platform namespaces', () => {
    const repos = new Set(applications('dev').map((a) => a.spec.source.repoURL as string));
    expect(new Set(projects.platform.sourceRepos)).toEqual(repos);
    expect(
      projects.platform.destinations.map((d: { namespace: string }) => d.namespace).sort(),
    ).toEqual([...rootValues.platformNamespaces].sort());
  });
});

describe('the bootstrap', () => {
  const lua = readFileSync(join(repoRoot, 'argocd-apps/bootstrap/application-health.lua'), 'utf8');

  it('installs the Application health check, and the argo-cd application keeps it', () => {
    const script = readFileSync(join(repoRoot, 'argocd-apps/bootstrap/bootstrap.sh'), 'utf8');
    expect(script).toContain(
      'configs.cm.resource\\.customizations\\.health\\.argoproj\\.io_Application',
    );
    expect(script).toContain('application-health.lua');
    const argo = applications('dev').find((a) => a.metadata.name === 'argo-cd');
    expect(
      argo?.spec.source.helm.valuesObject.configs.cm[
        'resource.customizations.health.argoproj.io_Application'
      ].trim(),
    ).toBe(lua.trim());
    expect(argo?.spec.source.helm.releaseName).toBe('argocd');
  });

  // The gitops AppProject and root Application of an environment, as bootstrap.sh applies them.
  const manifests = (environment: string, env: Record<string, string> = {}) =>
    spawnSync('node', [join(repoRoot, 'argocd-apps/bootstrap/manifests.mjs'), environment], {
      encoding: 'utf8',
      env: { ...process.env, REPO_URL: '', ...env },
    });
  const targetRevision = (
    parse(readFileSync(join(repoRoot, 'argocd-apps/values.yaml'), 'utf8')) as {
      targetRevision: string;
    }
  ).targetRevision;

  it.each([
    ['dev', ['envs/dev/values.yaml', 'envs/dev/cluster.yaml', 'envs/dev/images.yaml']],
    ['prod', ['envs/prod/values.yaml', 'envs/prod/cluster.yaml', 'envs/prod/images.yaml']],
    [
      'e2e',
      [
        'envs/dev/values.yaml',
        'envs/e2e/values.yaml',
        'envs/e2e/cluster.yaml',
        'envs/e2e/images.yaml',
      ],
    ],
  ])(
    'makes the %s root Application from the one template, with its value files',
    (environment, files) => {
      const result = manifests(environment);
      expect(result.status, result.stderr).toBe(0);
      const [project, rootApp] = parseAllDocuments(result.stdout).map(
        (document) => document.toJS() as K8sObject,
      );
      expect(project?.kind).toBe('AppProject');
      expect(project?.spec.sourceRepos).toEqual([rootValues.repoURL]);
      expect(rootApp?.kind).toBe('Application');
      expect(rootApp?.spec.project).toBe(project?.metadata.name);
      expect(rootApp?.spec.source).toMatchObject({
        repoURL: rootValues.repoURL,
        targetRevision,
        path: 'argocd-apps',
      });
      expect(rootApp?.spec.source.helm.valueFiles).toEqual(files);
      for (const file of files.filter((f) => f.endsWith('/values.yaml'))) {
        expect(existsSync(join(repoRoot, 'argocd-apps', file)), file).toBe(true);
      }
    },
  );

  it('points the project and the root at REPO_URL when it is given', () => {
    const result = manifests('dev', { REPO_URL: 'file:///srv/tbyte.git' });
    const [project, rootApp] = parseAllDocuments(result.stdout).map(
      (document) => document.toJS() as K8sObject,
    );
    expect(project?.spec.sourceRepos).toEqual(['file:///srv/tbyte.git']);
    expect(rootApp?.spec.source.repoURL).toBe('file:///srv/tbyte.git');
  });

  it('refuses an environment envs/ does not hold, naming those it does', () => {
    const result = manifests('staging');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      "bootstrap: no environment 'staging': argocd-apps/envs has dev, e2e, prod",
    );
    expect(result.stdout).toBe('');
  });

  it('installs the argo-cd chart the argo-cd application keeps, read with a YAML parser', () => {
    const result = manifests('argocd-chart');
    expect(result.status, result.stderr).toBe(0);
    const argo = applications('dev').find((a) => a.metadata.name === 'argo-cd');
    expect(result.stdout).toBe(
      `${argo?.spec.source.repoURL as string}\n${argo?.spec.source.targetRevision as string}\n`,
    );
    const script = readFileSync(join(repoRoot, 'argocd-apps/bootstrap/bootstrap.sh'), 'utf8');
    expect(script).toContain('manifests.mjs" argocd-chart');
    expect(script).not.toMatch(/\b(awk|sed|grep)\b/);
  });
});

describe('the templates of the app of apps', () => {
  // An add-on or app is data (addons/NAME.yaml, values.yaml): a template that tests a name is
  // wiring that a new add-on would have to edit.
  it('name no add-on and no app', () => {
    const names = [...Object.keys(addons), ...Object.keys(rootValues.apps)];
    const dir = join(repoRoot, 'argocd-apps/templates');
    const templates = readdirSync(dir).map((file) => ({
      file,
      // An AppProject ("project" "platform") shares a name with the platform add-on.
      literals: [
        ...readFileSync(join(dir, file), 'utf8')
          .replaceAll(/"project" "[^"]*"/g, '')
          .matchAll(/"([^"]*)"/g),
      ].map((m) => m[1]),
    }));
    const named = templates.flatMap(({ file, literals }) =>
      literals.filter((l) => names.includes(l ?? '')).map((l) => `${file}: "${l}"`),
    );
    console.log(`${templates.length} templates searched for ${names.length} add-on and app names`);
    expect(templates.length).toBeGreaterThanOrEqual(5);
    expect(names.length).toBeGreaterThan(25);
    expect(named).toEqual([]);
  });
});

describe('an add-on is one file', () => {
  // A copy of the chart (its symlinked rule files read through) with one more file in addons/.
  function chartWith(files: Record<string, string>): string {
    // The directory's name is the release's: root, as the bootstrap names it.
    const copy = join(mkdtempSync(join(scratch, 'chart-')), 'root');
    cpSync(join(repoRoot, 'argocd-apps'), copy, {
      recursive: true,
      dereference: true,
      filter: (source) => !/\/(node_modules|tests)$/.test(source),
    });
    for (const [file, text] of Object.entries(files)) writeFileSync(join(copy, file), text);
    return relative(chartsDir, copy);
  }
  const example = [
    'application:',
    '  wave: 2',
    '  namespace: monitoring',
    '  repoURL: https://charts.example.org',
    '  chart: example',
    '  version: 1.2.3',
    'replicas: 3',
    'clusterValues: |-',
    '  clusterName: {{ .cluster.name }}',
    '',
  ].join('\n');

  it('renders its Application in its wave, from its file alone, and the project admits its repository', () => {
    const chart = chartWith({ 'addons/example.yaml': example });
    const tree = render(chart, { values: values('dev'), namespace: 'argocd' });
    const app = tree.find((o) => o.kind === 'Application' && o.metadata.name === 'example');
    expect(app ? wave(app) : undefined).toBe(2);
    expect(app?.spec.project).toBe('platform');
    expect(app?.spec.destination.namespace).toBe('monitoring');
    expect(app?.spec.source).toMatchObject({
      repoURL: 'https://charts.example.org',
      chart: 'example',
      targetRevision: '1.2.3',
    });
    const cluster = parse(readFileSync(clusterValues('dev'), 'utf8')) as {
      cluster: { name: string };
    };
    expect(app?.spec.source.helm.valuesObject).toEqual({
      replicas: 3,
      clusterName: cluster.cluster.name,
    });
    const platform = tree.find((o) => o.kind === 'AppProject' && o.metadata.name === 'platform');
    expect(platform?.spec.sourceRepos).toContain('https://charts.example.org');
    expect(applications('dev').length + 1).toBe(
      tree.filter((o) => o.kind === 'Application').length,
    );
  });

  it('is switched off by an environment, by name', () => {
    const chart = chartWith({ 'addons/example.yaml': example });
    const off = join(scratch, 'example-off.yaml');
    writeFileSync(off, 'addons:\n  example: { enabled: false }\n');
    const tree = render(chart, { values: [...values('dev'), off], namespace: 'argocd' });
    const names = tree.filter((o) => o.kind === 'Application').map((o) => o.metadata.name);
    expect(names).not.toContain('example');
    expect(names.length).toBe(applications('dev').length);
  });

  it('is refused without its application, naming the file', () => {
    const chart = chartWith({ 'addons/example.yaml': 'replicas: 3\n' });
    expect(refusal(chart, { values: values('dev'), namespace: 'argocd' })).toContain(
      "argocd-apps: addons/example.yaml has no application (the add-on's wave, namespace and chart)",
    );
    const noVersion = chartWith({
      'addons/example.yaml': example.replace('  version: 1.2.3\n', ''),
    });
    expect(refusal(noVersion, { values: values('dev'), namespace: 'argocd' })).toContain(
      'argocd-apps: addons/example.yaml: application.version is required',
    );
  });

  it('is refused when an environment names an add-on that has no file', () => {
    for (const key of ['addons', 'addonValues']) {
      const typo = join(scratch, `typo-${key}.yaml`);
      writeFileSync(typo, `${key}:\n  kedaa: { enabled: false }\n`);
      expect(
        refusal(root, { values: [...values('dev'), typo], namespace: 'argocd' }),
        key,
      ).toContain(`argocd-apps: ${key}.kedaa names no add-on: there is no addons/kedaa.yaml`);
    }
  });
});

describe('the app of apps refuses', () => {
  it('to render without the cluster facts, naming the file', () => {
    expect(refusal(root, { values: ['envs/dev/values.yaml'], namespace: 'argocd' })).toContain(
      'argocd-apps: envs/dev/cluster.yaml is missing or empty',
    );
  });

  it('a clusterValues template that does not parse, naming the app', () => {
    const broken = join(scratch, 'broken-cluster-values.yaml');
    writeFileSync(broken, 'apps:\n  frontend:\n    clusterValues: "image: ["\n');
    expect(
      refusal(root, {
        values: [...values('dev'), broken],
        namespace: 'argocd',
      }),
    ).toContain('argocd-apps: clusterValues of frontend:');
  });

  it('to deploy an app without its image tag, naming the file', () => {
    expect(
      refusal(root, {
        values: ['envs/dev/values.yaml', clusterValues('dev')],
        namespace: 'argocd',
      }),
    ).toContain(
      'images.backend (envs/dev/images.yaml, written by the release workflow) is required',
    );
  });
});

describe('update-app-configs', () => {
  it('refuses Terraform outputs with a missing or malformed output and writes nothing', () => {
    const outputs = JSON.parse(readFileSync(join(fixtures, 'terraform-outputs-dev.json'), 'utf8'));
    delete outputs.platform.value.karpenter_interruption_queue_name;
    outputs.platform.value.vpc_id = 'not-a-vpc';
    const input = join(scratch, 'broken.json');
    const out = join(scratch, 'never-written.yaml');
    writeFileSync(input, JSON.stringify(outputs));
    const result = spawnSync(
      'node',
      [join(repoRoot, 'scripts/update-app-configs.mjs'), 'dev', input, out],
      { encoding: 'utf8' },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'terraform output platform.karpenter_interruption_queue_name is missing',
    );
    expect(result.stderr).toContain(
      'terraform output platform.vpc_id is not a valid vpc: not-a-vpc',
    );
    expect(existsSync(out)).toBe(false);
  });
});

describe('charts/README.md', () => {
  // Rows of its tables: | [NAME](NAME/) | what | installed by |
  const rows = [
    ...readFileSync(join(chartsDir, 'README.md'), 'utf8').matchAll(
      /^\| \[([a-z-]+)\]\(\1\/\) +\|[^|]+\| (.+?) +\|$/gm,
    ),
  ].map((m) => ({ chart: m[1] ?? '', installedBy: m[2] ?? '' }));

  it('indexes every chart of the repository', () => {
    const charts = readdirSync(chartsDir).filter((name) =>
      existsSync(join(chartsDir, name, 'Chart.yaml')),
    );
    console.log(`charts/README.md: ${rows.length} charts indexed of ${charts.length}`);
    expect(charts.length).toBeGreaterThanOrEqual(10);
    expect(rows.map((r) => r.chart).sort()).toEqual(charts.sort());
  });

  it('names the Application and wave that install each chart, as the dev tree has them', () => {
    const apps = applications('dev').filter((app) => app.spec.source.path);
    const wrong = apps
      .map((app) => ({ app, row: rows.find((r) => `charts/${r.chart}` === app.spec.source.path) }))
      .filter(
        ({ app, row }) =>
          !row?.installedBy.includes(`Application \`${app.metadata.name}\`, wave ${wave(app)}`),
      )
      .map(({ app }) => app.metadata.name);
    expect(apps.length).toBeGreaterThanOrEqual(8);
    expect(wrong).toEqual([]);
  });
});

describe('docs/gitops.md', () => {
  it('draws the waves the manifests hold', () => {
    const doc = readFileSync(join(repoRoot, 'docs/gitops.md'), 'utf8');
    const diagram = /```mermaid\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const drawn: Record<string, number> = {};
    let current = -1;
    for (const line of diagram.split('\n')) {
      const subgraph = /subgraph wave([0-9])/.exec(line);
      if (subgraph) current = Number(subgraph[1]);
      for (const [, node] of line.matchAll(/\b([a-z0-9-]+)\["/g)) if (node) drawn[node] = current;
    }
    expect(drawn).toEqual(expectedWaves);
  });

  it('lists every add-on with the version the tree pins', () => {
    const doc = readFileSync(join(repoRoot, 'docs/gitops.md'), 'utf8');
    for (const [name, addon] of Object.entries(addons)) {
      const row = doc.split('\n').find((line) => new RegExp(`^\\|\\s*${name}\\s*\\|`).test(line));
      expect(row, name).toBeDefined();
      if (addon.version) expect(row, name).toContain(addon.version);
    }
  });
});

describe('set-image-tags', () => {
  const script = join(repoRoot, 'scripts/set-image-tags.mjs');
  const run = (envsDir: string, ...args: string[]) =>
    spawnSync('node', [script, ...args], {
      encoding: 'utf8',
      env: { ...process.env, TBYTE_ENVS_DIR: envsDir },
    });
  const first = '0123456789abcdef0123456789abcdef01234567';
  const second = 'fedcba9876543210fedcba9876543210fedcba98';

  function envsWithDirs(): string {
    const dir = mkdtempSync(join(tmpdir(), 'tbyte-envs-'));
    for (const env of ['dev', 'prod']) mkdirSync(join(dir, env));
    return dir;
  }

  it('writes the tags the root chart deploys, keeping the file’s comments, and promotes them', () => {
    const dir = envsWithDirs();
    expect(run(dir, 'dev', `backend=${first}`, `frontend=${first}`).status).toBe(0);
    writeFileSync(
      join(dir, 'dev/images.yaml'),
      `# kept\n${readFileSync(join(dir, 'dev/images.yaml'), 'utf8')}`,
    );
    const result = run(dir, 'dev', `backend=${second}`);
    expect(result.stdout).toContain(`dev backend: ${first} -> ${second}`);
    const written = readFileSync(join(dir, 'dev/images.yaml'), 'utf8');
    expect(written).toContain('# kept');
    expect(parse(written)).toEqual({ images: { backend: second, frontend: first } });

    expect(run(dir, 'prod', '--from', 'dev').status).toBe(0);
    expect(parse(readFileSync(join(dir, 'prod/images.yaml'), 'utf8'))).toEqual({
      images: { backend: second, frontend: first },
    });

    const tree = render(root, {
      values: ['envs/dev/values.yaml', clusterValues('dev'), join(dir, 'dev/images.yaml')],
      namespace: 'argocd',
    });
    const backend = tree.find((o) => o.kind === 'Application' && o.metadata.name === 'backend');
    expect(backend?.spec.source.helm.valuesObject.image.tag).toBe(second);
  });

  it('refuses a tag that is not a git SHA, or an unknown app, and writes nothing', () => {
    const dir = envsWithDirs();
    const latest = run(dir, 'dev', 'backend=latest');
    expect(latest.status).toBe(1);
    expect(latest.stderr).toContain("backend: 'latest' is not a git SHA");
    expect(run(dir, 'dev', `database=${first}`).stderr).toContain("unknown app 'database'");
    expect(existsSync(join(dir, 'dev/images.yaml'))).toBe(false);
    expect(run(dir, 'prod', '--from', 'dev').stderr).toContain('nothing to promote');
  });
});

describe('commit-gitops-change', () => {
  const script = join(repoRoot, 'scripts/commit-gitops-change.sh');
  const git = (cwd: string, ...args: string[]) => {
    const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
    return result.stdout.trim();
  };
  const sha = 'fedcba9876543210fedcba9876543210fedcba98';

  it('commits only the named file as the bot, rebasing over a merge that landed meanwhile', () => {
    const root = mkdtempSync(join(tmpdir(), 'tbyte-commit-'));
    const remote = join(root, 'remote.git');
    const work = join(root, 'work');
    const other = join(root, 'other');
    git(root, 'init', '--quiet', '--bare', '--initial-branch=main', remote);
    git(root, 'clone', '--quiet', remote, work);
    for (const dir of [work]) {
      git(dir, 'config', 'user.email', 'dev@tbyte.local');
      git(dir, 'config', 'user.name', 'dev');
    }
    mkdirSync(join(work, 'envs/dev'), { recursive: true });
    writeFileSync(join(work, 'envs/dev/images.yaml'), 'images:\n  backend: old\n');
    writeFileSync(join(work, 'README.md'), 'one\n');
    git(work, 'add', '.');
    git(work, 'commit', '--quiet', '-m', 'start');
    git(work, 'push', '--quiet', 'origin', 'main');
    // Someone merges after the workflow checked out.
    git(root, 'clone', '--quiet', remote, other);
    git(other, 'config', 'user.email', 'dev@tbyte.local');
    git(other, 'config', 'user.name', 'dev');
    writeFileSync(join(other, 'README.md'), 'two\n');
    git(other, 'commit', '--quiet', '-am', 'a merge');
    git(other, 'push', '--quiet', 'origin', 'main');

    const result = spawnSync(
      'bash',
      [
        script,
        `deploy ${sha} to dev`,
        'envs/dev/images.yaml',
        '--',
        'sh',
        '-c',
        `printf 'images:\\n  backend: ${sha}\\n' > envs/dev/images.yaml`,
      ],
      { cwd: work, encoding: 'utf8', env: { ...process.env, GITOPS_REMOTE: remote } },
    );
    expect(result.status, result.stderr).toBe(0);
    const log = git(remote, 'log', '--format=%an|%s', 'main', '-3').split('\n');
    expect(log).toEqual([`github-actions[bot]|deploy ${sha} to dev`, 'dev|a merge', 'dev|start']);
    expect(git(remote, 'diff-tree', '--no-commit-id', '--name-only', '-r', 'main')).toBe(
      'envs/dev/images.yaml',
    );

    const again = spawnSync('bash', [script, 'no-op', 'envs/dev/images.yaml', '--', 'true'], {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, GITOPS_REMOTE: remote },
    });
    expect(again.stdout).toContain('nothing changed');
  });
});
