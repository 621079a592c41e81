// The image signature policy: what Kyverno is told to admit in the app namespace, the identity it
// requires (the one the release workflow signs with), and the platform's path from the API server
// to Kyverno's webhook.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { chartsDir, only, refusal, render, type K8sObject } from './helm.js';
import { matchesImage } from './image-references.js';

const repoRoot = join(chartsDir, '..');
const ecr = '111122223333.dkr.ecr.eu-west-1.amazonaws.com/tbyte';

const policy = (values = 'examples/values-dev.yaml') =>
  only(render('image-policy', { values: [values], namespace: 'kyverno' }), 'ClusterPolicy');
const rule = (p: K8sObject, name: string): K8sObject['spec'] =>
  (p.spec.rules as { name: string }[]).find((r) => r.name === name);
const admitted = (p: K8sObject): string[] =>
  rule(p, 'only-signed-or-excepted-images').validate.foreach[0].deny.conditions.all[0]
    .value as string[];

describe('the image-policy chart', () => {
  it('verifies the keyless signature of the release workflow on main, for every image of the project', () => {
    const verify = rule(policy(), 'signed-by-release-workflow');
    expect(verify.match.any[0].resources).toEqual({ kinds: ['Pod'], namespaces: ['tbyte'] });
    const [images] = verify.verifyImages;
    expect(images.imageReferences).toEqual([
      `${ecr}/backend:*`,
      `${ecr}/backend@*`,
      `${ecr}/frontend:*`,
      `${ecr}/frontend@*`,
    ]);
    expect(images).toMatchObject({ failureAction: 'Enforce', required: true, mutateDigest: false });
    expect(images.attestors[0].entries[0].keyless).toEqual({
      issuer: 'https://token.actions.githubusercontent.com',
      subject: 'https://github.com/tbyte/tbyte/.github/workflows/release.yml@refs/heads/main',
      rekor: { url: 'https://rekor.sigstore.dev' },
    });
  });

  it('names the identity the release workflow signs with: this repository, its file, main', () => {
    const workflowPath = '.github/workflows/release.yml';
    const workflow = readFileSync(join(repoRoot, workflowPath), 'utf8');
    const on = (parse(workflow) as { on: { push: { branches: string[] } } }).on;
    // Keyless signing: no key argument, the job's OIDC token is the identity.
    const signs = workflow.split('\n').filter((line) => /\bcosign sign\b/.test(line));
    expect(signs.length).toBeGreaterThan(0);
    for (const line of signs) expect(line).not.toMatch(/--key\b/);
    expect(on.push.branches).toEqual(['main']);
    const repoURL = (
      parse(readFileSync(join(repoRoot, 'argocd-apps/values.yaml'), 'utf8')) as { repoURL: string }
    ).repoURL;
    const repository = repoURL.replace(/^https:\/\/github\.com\//, '').replace(/\.git$/, '');
    const { subject } = rule(policy(), 'signed-by-release-workflow').verifyImages[0].attestors[0]
      .entries[0].keyless;
    expect(subject).toBe(`https://github.com/${repository}/${workflowPath}@refs/heads/main`);
  });

  it('fails closed: the webhook refuses when Kyverno cannot answer, at admission only', () => {
    expect(policy().spec).toMatchObject({ failurePolicy: 'Fail', background: false });
    expect(rule(policy(), 'only-signed-or-excepted-images').validate.failureAction).toBe('Enforce');
  });

  it("admits the project's images and the named exceptions, and refuses any other image", () => {
    const dev = admitted(policy());
    const prod = admitted(policy('examples/values-prod.yaml'));
    const cases: [string[], string, boolean][] = [
      [prod, `${ecr}/backend:0123abc`, true],
      [prod, `${ecr}/frontend@sha256:${'a'.repeat(64)}`, true],
      [prod, `${ecr}/backend-other:1`, false],
      [prod, 'docker.io/library/nginx:1.29', false],
      [prod, '999999999999.dkr.ecr.eu-west-1.amazonaws.com/tbyte/backend:1', false],
      [prod, 'postgres:17.6-bookworm', false],
      [dev, 'postgres:17.6-bookworm', true],
      [dev, 'postgres:18-bookworm', false],
    ];
    const wrong = cases.filter(
      ([patterns, image, admit]) => patterns.some((p) => matchesImage(p, image)) !== admit,
    );
    console.log(`${cases.length} image references checked against the policy's patterns`);
    expect(wrong).toEqual([]);
  });

  it('refuses to render without the repositories of the project', () => {
    expect(refusal('image-policy', { namespace: 'kyverno' })).toContain(
      'signedImages.repositories is empty',
    );
    expect(
      refusal('image-policy', {
        values: ['examples/values-prod.yaml'],
        set: {
          'signedImages.subject': 'https://github.com/tbyte/tbyte/.github/workflows/release.yml',
        },
      }),
    ).toContain('/signedImages/subject');
  });
});

describe("the platform's path to Kyverno's webhook", () => {
  const objects = render('platform', {
    values: ['examples/values-dev.yaml'],
    set: { 'networkPolicies.vpcCidr': '10.10.0.0/16' },
  });

  it('creates the kyverno namespace at baseline, denied by default', () => {
    const namespace = only(objects, 'Namespace', 'kyverno');
    expect(namespace.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('baseline');
    const policies = objects.filter(
      (o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'kyverno',
    );
    expect(policies.length).toBeGreaterThan(1);
  });

  it('admits the API server (the VPC) to the webhook port 9443 of the kyverno namespace', () => {
    const ingress = objects
      .filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'kyverno')
      .flatMap(
        (o) =>
          (o.spec.ingress ?? []) as { from?: { ipBlock?: { cidr: string } }[]; ports?: unknown }[],
      )
      .filter((r) => (r.from ?? []).some((peer) => peer.ipBlock?.cidr === '10.10.0.0/16'));
    expect(ingress).toHaveLength(1);
    expect(ingress[0]?.ports).toEqual([{ protocol: 'TCP', port: 9443 }]);
  });
});
