// The pod defaults of the design (shared/design.md, "Pods"), for every app chart and environment.
import { describe, expect, it } from 'vitest';
import { kinds, only, podSpec, render, type K8sObject } from './helm.js';

const apps = ['backend', 'frontend'] as const;
const environments = [[], ['examples/values-dev.yaml'], ['examples/values-prod.yaml']];

describe.each(apps)('%s pod', (chart) => {
  it.each(environments)(
    'has the design resources, probes and security with values %j',
    (...values) => {
      const objects = render(chart, { values });
      const pod = podSpec(objects);
      const [container] = pod.containers;

      expect(pod.securityContext).toEqual({
        runAsNonRoot: true,
        runAsUser: 1000,
        runAsGroup: 1000,
        fsGroup: 1000,
        fsGroupChangePolicy: 'OnRootMismatch',
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.serviceAccountName).toBe(chart);
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        runAsUser: 1000,
        runAsGroup: 1000,
        privileged: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(container.resources).toEqual({
        requests: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '1Gi' },
        limits: { cpu: '500m', memory: '512Mi', 'ephemeral-storage': '2Gi' },
      });
      expect(container.livenessProbe).toMatchObject({
        httpGet: { path: '/health', port: 'http' },
        initialDelaySeconds: 30,
      });
      expect(container.readinessProbe).toMatchObject({
        httpGet: { path: '/ready', port: 'http' },
        initialDelaySeconds: 5,
      });
      expect(container.startupProbe).toMatchObject({
        httpGet: { path: '/startup', port: 'http' },
        failureThreshold: 30,
      });
      expect(container.ports[0]).toEqual({ name: 'http', containerPort: 8080, protocol: 'TCP' });
      expect(container.lifecycle.preStop).toEqual({ sleep: { seconds: 10 } });
      // The read-only root filesystem leaves /tmp as the one writable path.
      expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
      expect(pod.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } });
      expect(
        pod.topologySpreadConstraints.map((c: { topologyKey: string }) => c.topologyKey),
      ).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    },
  );

  it('labels every object with the six app.kubernetes.io labels', () => {
    for (const object of render(chart, { values: ['examples/values-prod.yaml'] })) {
      expect(object.metadata.labels, `${object.kind} ${object.metadata.name}`).toMatchObject({
        'app.kubernetes.io/name': chart,
        'app.kubernetes.io/instance': chart,
        'app.kubernetes.io/version': '0.1.0',
        'app.kubernetes.io/component': chart,
        'app.kubernetes.io/part-of': 'tbyte',
        'app.kubernetes.io/managed-by': 'Helm',
      });
      expect(object.metadata.namespace).toBe('tbyte');
    }
  });

  it('mounts the service key from Vault through the CSI driver', () => {
    const objects = render(chart);
    const pod = podSpec(objects);
    const spc = only(objects, 'SecretProviderClass', `${chart}-api-key`);
    expect(spc.spec.provider).toBe('vault');
    expect(spc.spec.parameters.roleName).toBe(chart);
    expect(pod.volumes).toContainEqual({
      name: 'api-key',
      csi: {
        driver: 'secrets-store.csi.k8s.io',
        readOnly: true,
        volumeAttributes: { secretProviderClass: `${chart}-api-key` },
      },
    });
    expect(pod.containers[0].env).toContainEqual({
      name: 'API_KEY_FILE',
      value: '/mnt/secrets/api/key',
    });
  });
});

describe('backend pod', () => {
  it('gets the design environment, the downward API and the IRSA role', () => {
    const objects = render('backend', { values: ['examples/values-prod.yaml'] });
    const env = Object.fromEntries(
      podSpec(objects).containers[0].env.map(
        (e: { name: string; value?: string; valueFrom?: unknown }) => [
          e.name,
          e.value ?? e.valueFrom,
        ],
      ),
    );
    expect(env).toMatchObject({
      PORT: '8080',
      METRICS_PORT: '9090',
      DB_AUTH: 'rds-iam',
      AWS_REGION: 'eu-west-1',
      DB_MIGRATION_CREDENTIALS_DIR: '/mnt/secrets/db-migration',
      PGSSLMODE: 'verify-full',
      NODE_EXTRA_CA_CERTS: '/etc/ssl/database/global-bundle.pem',
      POD_NAME: { fieldRef: { fieldPath: 'metadata.name' } },
      POD_NAMESPACE: { fieldRef: { fieldPath: 'metadata.namespace' } },
      NODE_NAME: { fieldRef: { fieldPath: 'spec.nodeName' } },
    });
    expect(only(objects, 'ServiceAccount').metadata.annotations).toEqual({
      'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/tbyte-prod-backend',
    });
  });

  it('mounts the current and the next service key; the frontend sends only the current one', () => {
    const objects = render('backend', { values: ['examples/values-prod.yaml'] });
    const env = podSpec(objects).containers[0].env;
    expect(env).toContainEqual({ name: 'API_KEY_FILE', value: '/mnt/secrets/api/key' });
    expect(env).toContainEqual({ name: 'API_NEXT_KEY_FILE', value: '/mnt/secrets/api/next' });
    const fields = (spc: K8sObject) =>
      [...String(spc.spec.parameters.objects).matchAll(/secretKey: "([^"]+)"/g)].map((m) => m[1]);
    expect(fields(only(objects, 'SecretProviderClass', 'backend-api-key'))).toEqual([
      'key',
      'next',
    ]);
    const frontend = render('frontend', { values: ['examples/values-prod.yaml'] });
    expect(fields(only(frontend, 'SecretProviderClass', 'frontend-api-key'))).toEqual(['key']);
    expect(JSON.stringify(podSpec(frontend))).not.toContain('API_NEXT_KEY_FILE');
  });

  it('reads the RDS-managed secret through the AWS provider in prod, for the migrations', () => {
    const spc = only(
      render('backend', { values: ['examples/values-prod.yaml'] }),
      'SecretProviderClass',
      'backend-db-migration',
    );
    expect(spc.spec.provider).toBe('aws');
    expect(spc.spec.parameters.objects).toContain('objectType: secretsmanager');
    expect(spc.spec.parameters.objects).toContain('objectAlias: password');
  });

  it('takes credentials from an existing Secret when told to', () => {
    const pod = podSpec(
      render('backend', {
        set: {
          'database.credentials.source': 'secret',
          'database.credentials.existingSecret': 'db',
        },
      }),
    );
    expect(pod.volumes).toContainEqual(
      expect.objectContaining({
        name: 'db-credentials',
        secret: expect.objectContaining({ secretName: 'db' }),
      }),
    );
  });

  it('exposes metrics on 9090 with a ServiceMonitor, its alert rules and its dashboard', () => {
    const objects = render('backend');
    const service = only(objects, 'Service', 'backend');
    expect(service.spec.ports).toContainEqual({
      name: 'metrics',
      port: 9090,
      targetPort: 'metrics',
      protocol: 'TCP',
    });
    const monitor = only(objects, 'ServiceMonitor');
    expect(monitor.spec.endpoints).toEqual([
      { port: 'metrics', path: '/metrics', interval: '30s', scheme: 'http' },
    ]);
    const rules = only(objects, 'PrometheusRule').spec.groups.flatMap(
      (g: { rules: { alert: string }[] }) => g.rules.map((r) => r.alert),
    );
    expect(rules).toEqual(
      expect.arrayContaining([
        'BackendAvailabilityBudgetBurn',
        'BackendLatencyBudgetBurn',
        'TbytePodCrashLooping',
      ]),
    );
    const dashboards = only(objects, 'ConfigMap', 'backend-dashboards');
    expect(dashboards.metadata.labels?.grafana_dashboard).toBe('1');
    expect(JSON.parse(dashboards.data['application.json']).title).toBeTruthy();
  });

  it('runs no migration Job: migrations run at start under an advisory lock', () => {
    expect(kinds(render('backend'))).not.toContain('Job');
  });
});

describe('postgresql pod', () => {
  it('runs as UID 1000 on a read-only root filesystem with volumes for data, run and tmp', () => {
    const objects = render('postgresql', { values: ['examples/values-dev.yaml'] });
    const statefulSet = only(objects, 'StatefulSet');
    const pod = podSpec(objects);
    const [container] = pod.containers;
    expect(statefulSet.spec.replicas).toBe(1);
    expect(container.securityContext).toMatchObject({
      runAsUser: 1000,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    expect(container.volumeMounts.map((m: { mountPath: string }) => m.mountPath)).toEqual(
      expect.arrayContaining([
        '/var/lib/postgresql/data',
        '/var/run/postgresql',
        '/tmp',
        '/mnt/secrets/db',
      ]),
    );
    expect(statefulSet.spec.volumeClaimTemplates[0].spec).toMatchObject({
      storageClassName: 'gp3',
      resources: { requests: { storage: '10Gi' } },
    });
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      expect(container[probe].exec.command[0]).toBe('pg_isready');
      // runAsUser 1000 has no passwd entry in the image: without a user name libpq cannot
      // look one up and pg_isready answers "no attempt" (seen on the real node).
      expect(container[probe].exec.command).toContain('--username=postgres');
    }
    expect(only(objects, 'Service', 'postgresql-headless').spec.clusterIP).toBe('None');
    expect(kinds(objects)).not.toContain('HorizontalPodAutoscaler');
  });
});
