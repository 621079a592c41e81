// The EKS version check as Terraform itself evaluates it: the platform module's version file
// and the repository's pin, planned by the installed terraform in a scratch tree (no provider,
// so no registry), with versions inside and outside EKS standard support.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, terraformDir } from './hcl.js';

const pinFile = join(repoRoot, 'hack/k8s/kubernetes-version.json');
const pin = JSON.parse(readFileSync(pinFile, 'utf8')) as {
  version: string;
  eksStandardSupport: {
    source: string;
    versions: Record<string, { released: string; end: string }>;
  };
};
let moduleDir: string;

function terraform(...args: string[]) {
  return spawnSync('terraform', [`-chdir=${moduleDir}`, ...args], {
    encoding: 'utf8',
    env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1', NO_COLOR: '1' },
  });
}

function plan(version?: string) {
  const result = terraform(
    'plan',
    '-input=false',
    '-no-color',
    ...(version ? ['-var', `kubernetes_version=${version}`] : []),
  );
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

beforeAll(() => {
  const root = mkdtempSync(join(tmpdir(), 'tbyte-k8s-version-'));
  moduleDir = join(root, 'terraform/modules/platform');
  mkdirSync(moduleDir, { recursive: true });
  mkdirSync(join(root, 'hack/k8s'), { recursive: true });
  copyFileSync(
    join(terraformDir, 'modules/platform/kubernetes-version.tf'),
    join(moduleDir, 'version.tf'),
  );
  // The variable as variables.tf declares it (that file's other variables have no defaults).
  const variables = readFileSync(join(terraformDir, 'modules/platform/variables.tf'), 'utf8');
  const declaration = /^variable "kubernetes_version" \{\n[^]*?\n\}\n/m.exec(variables)?.[0];
  if (!declaration) throw new Error('variables.tf declares no kubernetes_version');
  writeFileSync(join(moduleDir, 'variables.tf'), declaration);
  copyFileSync(pinFile, join(root, 'hack/k8s/kubernetes-version.json'));
  // The effective version, so a plan shows what the EKS module would get.
  writeFileSync(
    join(moduleDir, 'output.tf'),
    'output "kubernetes_version" {\n  value = local.kubernetes_version\n}\n',
  );
  const init = terraform('init', '-input=false', '-no-color');
  if (init.status !== 0) throw new Error(init.stdout + init.stderr);
});

describe('kubernetes_version', () => {
  const versions = Object.entries(pin.eksStandardSupport.versions);
  const today = new Date().toISOString().slice(0, 10);

  it('keeps dated EKS support data, with its source, for the pinned minor', () => {
    expect(pin.eksStandardSupport.source).toMatch(
      /^Amazon EKS Kubernetes release calendar, https:\/\/docs\.aws\.amazon\.com\//,
    );
    expect(versions.length).toBeGreaterThan(0);
    for (const [version, { released, end }] of versions) {
      expect(version).toMatch(/^1\.[0-9]+$/);
      expect(released < end, version).toBe(true);
    }
    expect(Object.keys(pin.eksStandardSupport.versions)).toContain(
      pin.version.split('.').slice(0, 2).join('.'),
    );
  });

  it('defaults to the minor of the repository pin, which is in standard support today', () => {
    const { ok, output } = plan();
    expect(ok, output).toBe(true);
    expect(output).toContain(
      `kubernetes_version = "${pin.version.split('.').slice(0, 2).join('.')}"`,
    );
  });

  it('accepts every listed version still in standard support and refuses the others', () => {
    let checked = 0;
    for (const [version, { end }] of versions) {
      const { ok, output } = plan(version);
      expect(ok, `${version} (standard support ends ${end}): ${output}`).toBe(today < end);
      checked += 1;
    }
    expect(checked).toBe(versions.length);
  });

  it('refuses versions out of standard support or not listed', () => {
    for (const version of ['1.33', '1.30', '1.99', '2.0', 'latest']) {
      const { ok, output } = plan(version);
      expect(ok, version).toBe(false);
      expect(output).toContain('kubernetes_version must be a version listed');
    }
  });
});
