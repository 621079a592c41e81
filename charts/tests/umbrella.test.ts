// The tbyte umbrella: the whole app in one release; on a plain cluster, only built-in objects.
import { describe, expect, it } from 'vitest';
import { kinds, render } from './helm.js';

describe('tbyte umbrella chart', () => {
  it('installs database, backend and frontend together', () => {
    const components = render('tbyte', { values: ['examples/values-dev.yaml'] })
      .filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind))
      .map((o) => o.metadata.labels?.['app.kubernetes.io/component']);
    expect(components.sort()).toEqual(['backend', 'database', 'frontend']);
  });

  it('renders nothing but built-in kinds for a plain cluster (no add-on CRDs needed)', () => {
    const objects = render('tbyte', { values: ['examples/values-plain.yaml'] });
    expect(
      objects.filter((o) => !/^(v1|[a-z]+\/v[0-9]+|[a-z.]+\.k8s\.io\/v[0-9]+)$/.test(o.apiVersion)),
    ).toEqual([]);
    expect(kinds(objects)).not.toContain('SecretProviderClass');
  });

  it('leaves the database out when told to (the backend then uses RDS)', () => {
    const objects = render('tbyte', {
      values: ['examples/values-plain.yaml'],
      set: { 'postgresql.enabled': false },
    });
    expect(kinds(objects)).not.toContain('StatefulSet');
  });
});
