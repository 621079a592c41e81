// Each component's NetworkPolicy holds exactly the design's rules, and nothing wider.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { chartsDir, only, refusal, render } from './helm.js';

const dns = {
  to: [
    {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    },
  ],
  ports: [
    { port: 53, protocol: 'UDP' },
    { port: 53, protocol: 'TCP' },
  ],
};
const namespace = (name: string) => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } },
});
const pods = (name: string) => ({
  podSelector: { matchLabels: { 'app.kubernetes.io/name': name } },
});
const tcp = (...ports: (number | string)[]) => ports.map((port) => ({ port, protocol: 'TCP' }));

function policy(chart: string, values: string[] = [], setJson: Record<string, unknown> = {}) {
  const object = only(render(chart, { values, setJson }), 'NetworkPolicy');
  expect(object.spec.policyTypes).toEqual(['Ingress', 'Egress']);
  expect(object.spec.podSelector).toEqual({
    matchLabels: { 'app.kubernetes.io/name': chart, 'app.kubernetes.io/instance': chart },
  });
  return object.spec as { ingress: unknown[]; egress: unknown[] };
}

describe('NetworkPolicies', () => {
  it('frontend: in from the ingress controller on 8080; out to the backend on 8080 and DNS', () => {
    const spec = policy('frontend');
    expect(spec.ingress).toEqual([{ from: [namespace('nginx-ingress')], ports: tcp('http') }]);
    expect(spec.egress).toEqual([dns, { to: [pods('backend')], ports: tcp(8080) }]);
  });

  it('frontend behind an ALB in IP mode: in from the load balancer CIDRs instead', () => {
    const spec = policy('frontend', ['examples/values-prod.yaml']);
    expect(spec.ingress).toEqual([
      { from: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: tcp('http') },
    ]);
  });

  it('backend: in from frontend pods on 8080 and monitoring on 9090; out to the database, the collector and DNS, and no HTTPS', () => {
    const spec = policy('backend');
    expect(spec.ingress).toEqual([
      { from: [pods('frontend')], ports: tcp('http') },
      { from: [namespace('monitoring')], ports: tcp('metrics') },
    ]);
    expect(spec.egress).toEqual([
      dns,
      { to: [pods('postgresql')], ports: tcp(5432) },
      {
        to: [
          {
            ...namespace('monitoring'),
            podSelector: { matchLabels: { 'app.kubernetes.io/name': 'opentelemetry-collector' } },
          },
        ],
        ports: tcp(4317, 4318),
      },
    ]);
  });

  it('backend: HTTPS out only to the VPC endpoint CIDRs it is given', () => {
    const spec = policy('backend', [], {
      'networkPolicy.httpsEgressCidrs': ['10.20.96.0/24', '10.20.97.0/24'],
    });
    const https = spec.egress.filter((rule) => JSON.stringify(rule).includes('443'));
    expect(https).toEqual([
      {
        to: [{ ipBlock: { cidr: '10.20.96.0/24' } }, { ipBlock: { cidr: '10.20.97.0/24' } }],
        ports: tcp(443),
      },
    ]);
  });

  it('backend on RDS: the database rule names the database subnets Terraform outputs', () => {
    const outputs = JSON.parse(
      readFileSync(join(chartsDir, 'tests/fixtures/terraform-outputs-prod.json'), 'utf8'),
    );
    const subnets: string[] = outputs.platform.value.database_subnet_cidrs;
    expect(subnets.length).toBeGreaterThan(0);
    const spec = policy('backend', ['examples/values-prod.yaml']);
    expect(spec.egress[1]).toEqual({
      to: subnets.map((cidr) => ({
        ipBlock: { cidr },
      })),
      ports: tcp(5432),
    });
  });

  it('database: in from backend pods on 5432; out to DNS only', () => {
    const spec = policy('postgresql');
    expect(spec.ingress).toEqual([{ from: [pods('backend')], ports: tcp('postgresql') }]);
    expect(spec.egress).toEqual([dns]);
  });
});

// The platform chart's rules for the add-ons: who may reach the applications that hold data or
// secrets, and how far the monitoring namespace reaches.
describe('platform NetworkPolicies', () => {
  const platform = render('platform', { values: ['examples/values-dev.yaml'] });
  const policies = platform.filter((o) => o.kind === 'NetworkPolicy');
  const find = (namespace: string, name: string) =>
    only(
      policies.filter((p) => p.metadata.namespace === namespace),
      'NetworkPolicy',
      name,
    ).spec as {
      podSelector: unknown;
      ingress?: { from?: unknown[]; ports?: unknown[] }[];
      egress?: { to?: unknown[]; ports?: unknown[] }[];
    };
  const prometheus = {
    ...namespace('monitoring'),
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
  };
  const excluded = (name: string) => ({
    matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'NotIn', values: [name] }],
  });

  it('OpenSearch: in from Jaeger on 9200 and its own nodes only; left out of the monitoring baseline', () => {
    const spec = find('monitoring', 'platform-protect-opensearch');
    expect(spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'opensearch' } });
    expect(spec.ingress).toEqual([
      { from: [pods('jaeger')], ports: tcp(9200) },
      { from: [pods('opensearch')], ports: tcp(9200, 9300) },
    ]);
    expect(find('monitoring', 'platform-baseline').podSelector).toEqual(excluded('opensearch'));
  });

  it('Vault: in from its peers, vault-config, the CSI provider and Prometheus only', () => {
    const spec = find('vault', 'platform-protect-vault');
    expect(spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'vault' } });
    expect(spec.ingress).toEqual([
      { from: [pods('vault')], ports: tcp(8200, 8201) },
      { from: [pods('vault-config')], ports: tcp(8200) },
      {
        from: [{ ...namespace('kube-system'), ...pods('vault-csi-provider') }],
        ports: tcp(8200),
      },
      { from: [prometheus], ports: tcp(8200) },
    ]);
    expect(find('vault', 'platform-baseline').podSelector).toEqual(excluded('vault'));
  });

  it("argocd-repo-server: in from Argo CD's controller and server only, and Prometheus on its metrics port", () => {
    const spec = find('argocd', 'platform-protect-argocd-repo-server');
    expect(spec.ingress).toEqual([
      { from: [pods('argocd-application-controller')], ports: tcp(8081) },
      { from: [pods('argocd-server')], ports: tcp(8081) },
      { from: [prometheus], ports: tcp(8084) },
    ]);
    expect(find('argocd', 'platform-baseline').podSelector).toEqual(excluded('argocd-repo-server'));
  });

  it('monitoring reaches other namespaces only on named ports: Prometheus the metrics ports, the rest nothing blanket', () => {
    let checked = 0;
    for (const policy of policies) {
      for (const rule of policy.spec.ingress ?? []) {
        const fromMonitoring = (rule.from ?? []).some(
          (peer: { namespaceSelector?: { matchLabels?: Record<string, string> } }) =>
            peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'monitoring',
        );
        if (!fromMonitoring || policy.metadata.namespace === 'monitoring') continue;
        checked += 1;
        expect(rule.ports, `${policy.metadata.namespace}/${policy.metadata.name}`).toBeDefined();
      }
      if (policy.metadata.namespace !== 'monitoring') continue;
      for (const rule of policy.spec.egress ?? []) {
        const ownNamespace = JSON.stringify(rule.to) === JSON.stringify([{ podSelector: {} }]);
        if (ownNamespace) continue;
        checked += 1;
        expect(rule.ports, `monitoring/${policy.metadata.name} egress`).toBeDefined();
      }
    }
    expect(checked).toBeGreaterThan(10);

    const scraper = find('monitoring', 'platform-scraper');
    expect(scraper.podSelector).toEqual(prometheus.podSelector);
    expect(scraper.egress).toContainEqual({ to: [namespace('tbyte')], ports: tcp(9090) });
    expect(scraper.egress).toContainEqual({ to: [namespace('vault')], ports: tcp(8200) });
    // One rule per namespace that declares metrics ports, each on exactly those ports.
    const metricsPorts = (
      parse(readFileSync(join(chartsDir, 'platform/values.yaml'), 'utf8')) as {
        networkPolicies: { metricsPorts: Record<string, number[]> };
      }
    ).networkPolicies.metricsPorts;
    expect(Object.keys(metricsPorts).length).toBeGreaterThan(5);
    expect(scraper.egress).toEqual(
      Object.keys(metricsPorts)
        .sort()
        .map((name) => ({ to: [namespace(name)], ports: tcp(...(metricsPorts[name] ?? [])) })),
    );
    expect(find('monitoring', 'platform-flow-monitoring-to-vpc').egress).toEqual([
      { to: [{ ipBlock: { cidr: '10.10.0.0/16' } }], ports: tcp(9100, 10250, 12345) },
    ]);
    expect(policies.filter((p) => p.metadata.name === 'platform-flow-monitoring-to-any')).toEqual(
      [],
    );
  });

  it('refuses a protected application selected by more than one label', () => {
    expect(
      refusal('platform', {
        setJson: {
          'networkPolicies.protectedApps[0].podLabels': { a: '1', b: '2' },
        },
      }),
    ).toMatch(/podLabels/);
  });
});

describe("the frontend's nginx trusts what may reach it", () => {
  const env = (values: string[]) => {
    const pods = render('frontend', { values }).filter((o) =>
      ['Deployment', 'Rollout'].includes(o.kind),
    );
    expect(pods).toHaveLength(1);
    const [container] = pods[0]?.spec.template.spec.containers ?? [];
    return Object.fromEntries(
      (container.env as { name: string; value?: string }[]).map((e) => [e.name, e.value]),
    );
  };

  it('answers the ingress host, and trusts no proxy unless told', () => {
    const defaults = env([]);
    expect(defaults.NGINX_SERVER_NAMES).toBe('tbyte.local');
    expect(defaults.NGINX_TRUSTED_PROXIES).toBe('');
    expect(defaults.NGINX_TRACE_HOPS).toBe('');
  });

  it('behind the ALB or the ingress controller, trusts the VPC the NetworkPolicy admits from', () => {
    const prod = env(['examples/values-prod.yaml']);
    const admitted = only(
      render('frontend', { values: ['examples/values-prod.yaml'] }),
      'NetworkPolicy',
    )
      .spec.ingress.flatMap((rule: { from: { ipBlock?: { cidr: string } }[] }) => rule.from)
      .map((peer: { ipBlock?: { cidr: string } }) => peer.ipBlock?.cidr);
    expect(admitted).toEqual(['10.20.0.0/16']);
    expect(prod.NGINX_TRUSTED_PROXIES?.split(',')).toEqual(admitted);
    expect(env(['examples/values-dev.yaml']).NGINX_TRUSTED_PROXIES).toBe('10.10.0.0/16');
    // The ingress controller and the ALB pass their client's trace headers on: no trace hop.
    expect(prod.NGINX_TRACE_HOPS).toBe('');
  });
});
