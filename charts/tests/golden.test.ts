// The dev and prod renders of every chart are kept under version control (tests/golden/), so a
// template change shows up in review. A difference fails; `pnpm --filter @tbyte/charts
// golden:update` rewrites them on purpose.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartsDir, renderText } from './helm.js';

const goldenDir = join(chartsDir, 'tests/golden');
const update = process.env.UPDATE_GOLDEN === '1';

describe.each(['platform', 'postgresql', 'backend', 'frontend'])('%s golden render', (chart) => {
  it.each(['dev', 'prod'])('%s', (environment) => {
    const rendered = renderText(chart, { values: [`examples/values-${environment}.yaml`] });
    const path = join(goldenDir, `${chart}-${environment}.yaml`);
    if (update) {
      mkdirSync(goldenDir, { recursive: true });
      writeFileSync(path, rendered);
    }
    let golden: string;
    try {
      golden = readFileSync(path, 'utf8');
    } catch {
      throw new Error(`${path} is missing: run pnpm --filter @tbyte/charts golden:update`);
    }
    expect(
      rendered,
      `${chart} ${environment} differs from ${path}; if intended, run pnpm --filter @tbyte/charts golden:update`,
    ).toBe(golden);
  });
});
