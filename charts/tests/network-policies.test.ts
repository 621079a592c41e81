// Each component's NetworkPolicy holds exactly the design's rules, and nothing wider.
import { describe, expect, it } from 'vitest';
import { only, render } from './helm.js';

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

function policy(chart: string, values: string[] = []) {
  const object = only(render(chart, { values }), 'NetworkPolicy');
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

  it('backend: in from frontend pods on 8080 and monitoring on 9090; out to the database, HTTPS, the collector and DNS', () => {
    const spec = policy('backend');
    expect(spec.ingress).toEqual([
      { from: [pods('frontend')], ports: tcp('http') },
      { from: [namespace('monitoring')], ports: tcp('metrics') },
    ]);
    expect(spec.egress).toEqual([
      dns,
      { to: [pods('postgresql')], ports: tcp(5432) },
      { ports: tcp(443) },
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

  it('backend on RDS: the database rule names the database subnets', () => {
    const spec = policy('backend', ['examples/values-prod.yaml']);
    expect(spec.egress[1]).toEqual({
      to: ['10.20.32.0/20', '10.20.48.0/20', '10.20.64.0/20'].map((cidr) => ({
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
