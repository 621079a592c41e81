// The one Kubernetes version pin (hack/k8s/kubernetes-version.json) is what every part reads:
// the charts' kubeVersion floor, the platform chart's Pod Security version, the renders of
// test:infra and the e2e clusters' builds. A second copy of the version anywhere would drift.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { chartsDir, kubeMinor, kubeVersion } from './helm.js';

const repoRoot = join(chartsDir, '..');
const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');
const charts = readdirSync(chartsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .filter((name) => readdirSync(join(chartsDir, name)).includes('Chart.yaml'));
const pinRead = /node -[pe] 'require\("\.\/(?:hack\/k8s\/)?kubernetes-version\.json"\)\.version'/;

describe('the Kubernetes version pin', () => {
  it('is a full release version', () => {
    expect(kubeVersion).toMatch(/^1\.[0-9]+\.[0-9]+$/);
  });

  it("is every chart's kubeVersion floor", () => {
    expect(charts.length).toBeGreaterThanOrEqual(9);
    for (const chart of charts) {
      const { kubeVersion: floor } = parse(read(`charts/${chart}/Chart.yaml`)) as {
        kubeVersion?: string;
      };
      expect(floor, chart).toBe(`>=${kubeMinor}.0-0`);
    }
  });

  it("is the platform chart's Pod Security policy version", () => {
    const values = parse(read('charts/platform/values.yaml')) as {
      podSecurity: { version: string };
    };
    expect(values.podSecurity.version).toBe(`v${kubeMinor}`);
  });

  it('is what test:infra renders for and the e2e clusters build, read from the pin file', () => {
    const readers = {
      'scripts/test-infra.sh': /^KUBE_VERSION=\$\((.*)\)/m,
      'hack/k8s/gomod.sh': /^KUBERNETES_VERSION=v\$\((.*)\)/m,
      'scripts/lib/go-tools.sh': /^kubernetes_version\(\) \{ echo "v\$\((.*)\)"; \}/m,
    };
    for (const [file, line] of Object.entries(readers)) {
      const source = read(file);
      expect(source, file).toMatch(line);
      expect(line.exec(source)?.[1], file).toMatch(pinRead);
    }
    expect(Object.keys(readers)).toHaveLength(3);
  });

  it('is the version the cluster tests start, with none of their own', () => {
    const scripts = ['scripts/k8s-e2e.sh'];
    for (const script of scripts) {
      const source = read(script);
      expect(source, script).toMatch(/^KUBERNETES_VERSION=\$\(kubernetes_version\)$/m);
      expect(source, script).not.toMatch(/\bv?1\.3[0-9]\.[0-9]+\b/);
    }
    expect(scripts.length).toBeGreaterThan(0);
  });

  it('is the release the control-plane module requires', () => {
    expect(read('hack/k8s/go.mod')).toMatch(
      new RegExp(`^\\s*k8s\\.io/kubernetes v${kubeVersion.replaceAll('.', '\\.')}$`, 'm'),
    );
  });
});
