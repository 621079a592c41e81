// The outputs-to-values step on sample outputs: what Terraform outputs becomes the cluster file
// the app of apps renders with.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from './hcl.js';

describe('update-app-configs on sample outputs', () => {
  it.each(['dev', 'prod'])('writes the %s cluster file', (environment) => {
    const out = join(mkdtempSync(join(tmpdir(), 'tbyte-outputs-')), 'cluster.yaml');
    const result = spawnSync(
      'node',
      [
        join(repoRoot, 'scripts/update-app-configs.mjs'),
        environment,
        join(repoRoot, `charts/tests/fixtures/terraform-outputs-${environment}.json`),
        out,
      ],
      { encoding: 'utf8' },
    );
    expect(result.status, result.stderr).toBe(0);
    const { cluster } = parse(readFileSync(out, 'utf8'));
    expect(cluster.name).toBe(`tbyte-${environment}`);
    expect(cluster.roles.backend).toBe(
      `arn:aws:iam::111122223333:role/tbyte-${environment}-backend`,
    );
    expect(cluster.database.port).toBe(5432);
    expect(readFileSync(out, 'utf8')).toMatch(/^# Written by scripts\/update-app-configs.mjs/);
  });
});
