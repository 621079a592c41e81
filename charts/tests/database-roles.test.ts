// The database roles in the charts (docs/architecture.md, Database roles): the postgresql chart
// makes tbyte_migrator and tbyte_app login roles at its first start, the backend mounts the two
// credential sets, or on RDS serves with IAM tokens and mounts only the master secret.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartsDir, only, podSpec, refusal, render, type K8sObject } from './helm.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary parsed YAML
type Container = Record<string, any>;

const envOf = (container: Container): Record<string, string> =>
  Object.fromEntries(
    (container.env as { name: string; value?: string }[]).map((e) => [e.name, e.value ?? '']),
  );
const mountsOf = (container: Container): Record<string, string> =>
  Object.fromEntries(
    (container.volumeMounts as { name: string; mountPath: string }[]).map((m) => [
      m.mountPath,
      m.name,
    ]),
  );
const secretPaths = (objects: K8sObject[]): Record<string, string[]> =>
  Object.fromEntries(
    objects
      .filter((o) => o.kind === 'SecretProviderClass')
      .map((o) => [
        o.metadata.name,
        [...String(o.spec.parameters.objects).matchAll(/secretPath: "([^"]+)"/g)].map(
          (m) => m[1] ?? '',
        ),
      ]),
  );

/** The Secret a pod's volume of that name mounts, if it is a Secret volume. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary parsed YAML
function secretOf(pod: Record<string, any>, volume: string): string | undefined {
  return (pod.volumes as { name: string; secret?: { secretName: string } }[]).find(
    (v) => v.name === volume,
  )?.secret?.secretName;
}

describe('postgresql: the two login roles at the first start', () => {
  const enabled = { set: { 'roles.enabled': true } };

  it('runs files/tbyte-roles.sh from a ConfigMap with both credential sets mounted', () => {
    const objects = render('postgresql', enabled);
    const initdb = only(objects, 'ConfigMap', 'postgresql-initdb');
    expect(initdb.data['10-tbyte-roles.sh']).toBe(
      readFileSync(join(chartsDir, 'postgresql/files/tbyte-roles.sh'), 'utf8').trimEnd(),
    );
    const pod = podSpec(objects);
    const container = pod.containers[0] as Container;
    expect(mountsOf(container)).toMatchObject({
      '/docker-entrypoint-initdb.d': 'initdb',
      '/mnt/secrets/db-migrator': 'migrator-credentials',
      '/mnt/secrets/db-app': 'app-credentials',
      '/mnt/secrets/db': 'credentials',
    });
    expect(envOf(container)).toMatchObject({
      DB_MIGRATION_CREDENTIALS_DIR: '/mnt/secrets/db-migrator',
      DB_CREDENTIALS_DIR: '/mnt/secrets/db-app',
    });
    // Executable, so the image runs it rather than sourcing it: helm writes 0555, which
    // Kubernetes reads as octal (YAML 1.1) and this parser (YAML 1.2) as the digits 555.
    expect(pod.volumes).toContainEqual({
      name: 'initdb',
      configMap: { name: 'postgresql-initdb', defaultMode: 555 },
    });
    expect(secretPaths(objects)).toEqual({
      'postgresql-credentials': ['secret/data/tbyte/database', 'secret/data/tbyte/database'],
      'postgresql-migrator-credentials': [
        'secret/data/tbyte/database-migrator',
        'secret/data/tbyte/database-migrator',
      ],
      'postgresql-app-credentials': [
        'secret/data/tbyte/database-app',
        'secret/data/tbyte/database-app',
      ],
    });
  });

  it('takes them from existing Secrets, and names the one missing', () => {
    const secrets = {
      'roles.enabled': true,
      'credentials.source': 'secret',
      'credentials.existingSecret': 'admin',
    };
    const pod = podSpec(
      render('postgresql', {
        set: {
          ...secrets,
          'roles.migrator.existingSecret': 'mig',
          'roles.app.existingSecret': 'app',
        },
      }),
    );
    expect([secretOf(pod, 'migrator-credentials'), secretOf(pod, 'app-credentials')]).toEqual([
      'mig',
      'app',
    ]);
    expect(
      refusal('postgresql', { set: { ...secrets, 'roles.app.existingSecret': 'app' } }),
    ).toContain('roles.migrator.existingSecret is required when credentials.source is secret');
  });

  it('disabled (the default), mounts nothing of it', () => {
    const objects = render('postgresql');
    expect(objects.filter((o) => o.metadata.name === 'postgresql-initdb')).toEqual([]);
    const text = JSON.stringify(podSpec(objects));
    for (const absent of ['docker-entrypoint-initdb.d', 'db-migrator', 'DB_CREDENTIALS_DIR']) {
      expect(text).not.toContain(absent);
    }
  });
});

describe('backend: migration and serving credentials', () => {
  it('mounts the migrator credentials from their own secret beside the serving ones', () => {
    const objects = render('backend', { set: { 'database.migration.enabled': true } });
    const container = podSpec(objects).containers[0] as Container;
    expect(envOf(container)).toMatchObject({
      DB_CREDENTIALS_DIR: '/mnt/secrets/db',
      DB_MIGRATION_CREDENTIALS_DIR: '/mnt/secrets/db-migration',
    });
    expect(mountsOf(container)).toMatchObject({
      '/mnt/secrets/db': 'db-credentials',
      '/mnt/secrets/db-migration': 'db-migration-credentials',
    });
    expect(secretPaths(objects)).toMatchObject({
      'backend-db': ['secret/data/tbyte/database', 'secret/data/tbyte/database'],
      'backend-db-migration': [
        'secret/data/tbyte/database-migrator',
        'secret/data/tbyte/database-migrator',
      ],
    });
    const set = {
      'database.migration.enabled': true,
      'database.migration.credentials.source': 'secret',
      'database.migration.credentials.existingSecret': 'migrator',
    };
    expect(secretOf(podSpec(render('backend', { set })), 'db-migration-credentials')).toBe(
      'migrator',
    );
  });

  it('without it, one credential set: no migration mount (the backend makes both roles)', () => {
    const text = JSON.stringify(render('backend'));
    expect(text).not.toContain('DB_MIGRATION_CREDENTIALS_DIR');
    expect(text).not.toContain('db-migration');
  });

  it('with IAM tokens (prod), mounts no serving password at all', () => {
    const objects = render('backend', { values: ['examples/values-prod.yaml'] });
    const container = podSpec(objects).containers[0] as Container;
    expect(envOf(container)).not.toHaveProperty('DB_CREDENTIALS_DIR');
    expect(Object.values(mountsOf(container))).not.toContain('db-credentials');
    expect(Object.keys(secretPaths(objects))).not.toContain('backend-db');
  });

  it.each([
    ['database.migration.enabled', false, 'needs database.migration.enabled'],
    ['database.awsRegion', '', 'database.awsRegion is required'],
    ['database.sslMode', 'disable', 'database.sslMode must be require, verify-ca or verify-full'],
  ])('refuses IAM tokens with %s=%j', (key, value, message) => {
    expect(
      refusal('backend', { values: ['examples/values-prod.yaml'], set: { [key]: value } }),
    ).toContain(message);
  });

  it('refuses IAM tokens when the network policy leaves no way to STS', () => {
    expect(
      refusal('backend', {
        values: ['examples/values-prod.yaml'],
        setJson: { 'networkPolicy.httpsEgressCidrs': [] },
      }),
    ).toContain('networkPolicy.httpsEgressCidrs must name the subnets');
  });
});
