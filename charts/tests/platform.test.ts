// The cluster base: Pod Security labels, default deny, app-reader, quota, the gp3 StorageClass.
import { describe, expect, it } from 'vitest';
import { kubeMinor, only, render, type K8sObject } from './helm.js';

const objects = render('platform');
const namespaces = objects.filter((o) => o.kind === 'Namespace');
const level = (ns: K8sObject) => ns.metadata.labels?.['pod-security.kubernetes.io/enforce'];

describe('platform chart', () => {
  it('enforces restricted in tbyte, baseline for the platform servers, privileged only for host agents', () => {
    const byName = Object.fromEntries(namespaces.map((ns) => [ns.metadata.name, level(ns)]));
    expect(byName).toMatchObject({
      tbyte: 'restricted',
      argocd: 'baseline',
      monitoring: 'baseline',
      logging: 'baseline',
      vault: 'baseline',
    });
    const privileged = namespaces
      .filter((ns) => level(ns) === 'privileged')
      .map((ns) => ns.metadata.name);
    expect(privileged.sort()).toEqual(['amazon-cloudwatch', 'node-agents']);
    for (const ns of namespaces) {
      expect(ns.metadata.labels).toMatchObject({
        'pod-security.kubernetes.io/enforce-version': `v${kubeMinor}`,
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
      });
      expect(ns.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
    }
  });

  it('denies all traffic by default in every namespace it creates', () => {
    const denied = objects
      .filter((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'default-deny-all')
      .map((p) => {
        expect(p.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
        return p.metadata.namespace;
      });
    expect(denied.sort()).toEqual(namespaces.map((ns) => ns.metadata.name).sort());
  });

  it('lets tbyte:developers read pods, services and configmaps in tbyte, and nothing else', () => {
    const role = only(objects, 'Role', 'app-reader');
    expect(role.metadata.namespace).toBe('tbyte');
    expect(role.rules).toEqual([
      {
        apiGroups: [''],
        resources: ['pods', 'services', 'configmaps'],
        verbs: ['get', 'list', 'watch'],
      },
    ]);
    const binding = only(objects, 'RoleBinding', 'app-reader');
    expect(binding.subjects).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'tbyte:developers' },
    ]);
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'app-reader',
    });
  });

  it('bounds the tbyte namespace with a quota and container defaults', () => {
    const quota = only(objects, 'ResourceQuota');
    expect(quota.metadata.namespace).toBe('tbyte');
    expect(quota.spec.hard).toMatchObject({
      'limits.cpu': '16',
      pods: '60',
      'services.loadbalancers': '0',
    });
    const limits = only(objects, 'LimitRange').spec.limits[0];
    expect(limits.default).toEqual({ cpu: '500m', memory: '512Mi', 'ephemeral-storage': '2Gi' });
    expect(limits.defaultRequest).toEqual({
      cpu: '100m',
      memory: '128Mi',
      'ephemeral-storage': '1Gi',
    });
  });

  it('makes encrypted EBS gp3 the default StorageClass', () => {
    const storageClass = only(objects, 'StorageClass', 'gp3');
    expect(storageClass.metadata.annotations).toEqual({
      'storageclass.kubernetes.io/is-default-class': 'true',
    });
    expect(storageClass).toMatchObject({
      provisioner: 'ebs.csi.aws.com',
      parameters: { type: 'gp3', encrypted: 'true' },
      volumeBindingMode: 'WaitForFirstConsumer',
    });
  });

  it('holds no Karpenter objects (the Argo CD add-on owns them)', () => {
    expect(objects.filter((o) => o.apiVersion.startsWith('karpenter'))).toEqual([]);
  });

  it('opens nothing in the app namespace: its charts carry exact rules', () => {
    const policies = objects.filter(
      (o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'tbyte',
    );
    expect(policies.map((p) => p.metadata.name)).toEqual(['default-deny-all']);
  });

  it('gives each platform namespace its baseline: own pods, DNS, HTTPS out, the scraper on metrics ports only', () => {
    const baseline = objects.filter(
      (o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'platform-baseline',
    );
    expect(baseline.map((p) => p.metadata.namespace).sort()).toEqual(
      namespaces
        .map((ns) => ns.metadata.name)
        .filter((name) => name !== 'tbyte')
        .sort(),
    );
    const [loki] = baseline.filter((p) => p.metadata.namespace === 'logging');
    expect(loki?.spec.egress).toContainEqual({ ports: [{ port: 443, protocol: 'TCP' }] });
    expect(loki?.spec.ingress).toEqual([
      { from: [{ podSelector: {} }] },
      {
        from: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
            podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
          },
        ],
        ports: [{ port: 3100, protocol: 'TCP' }],
      },
    ]);
    // A namespace without metrics ports admits nothing from monitoring at all.
    const [cloudwatch] = baseline.filter((p) => p.metadata.namespace === 'amazon-cloudwatch');
    expect(cloudwatch?.spec.ingress).toEqual([{ from: [{ podSelector: {} }] }]);
  });

  it('renders both sides of a flow between platform namespaces, and only the VPC flows it has a CIDR for', () => {
    const flow = (namespace: string) =>
      objects.find(
        (o) =>
          o.kind === 'NetworkPolicy' &&
          o.metadata.name === 'platform-flow-node-agents-to-logging' &&
          o.metadata.namespace === namespace,
      );
    expect(flow('node-agents')?.spec.egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'logging' } } }],
        ports: [
          { port: 3100, protocol: 'TCP' },
          { port: 8080, protocol: 'TCP' },
        ],
      },
    ]);
    expect(flow('logging')?.spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'node-agents' } } },
    ]);
    expect(objects.filter((o) => o.metadata.name.startsWith('platform-flow-vpc-'))).toEqual([]);
    const withVpc = render('platform', { values: ['examples/values-dev.yaml'] });
    const alb = withVpc.find((o) => o.metadata.name === 'platform-flow-vpc-to-nginx-ingress');
    expect(alb?.spec.ingress).toEqual([
      { from: [{ ipBlock: { cidr: '10.10.0.0/16' } }], ports: [{ port: 80, protocol: 'TCP' }] },
    ]);
  });
});
