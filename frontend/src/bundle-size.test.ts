// @vitest-environment node
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

/** The initial load: index.html and every script and stylesheet it references, gzipped as nginx serves them. */
const initialLoadBudgetBytes = 100 * 1024;
const dist = join(import.meta.dirname, '..', 'dist');

function initialLoad(): { file: string; gzipped: number }[] {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const referenced = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map(
    (m) => m[1] ?? '',
  );
  return ['/index.html', ...referenced].map((file) => ({
    file,
    gzipped: gzipSync(readFileSync(join(dist, file)), { level: 6 }).length,
  }));
}

describe('the production bundle', () => {
  it('is built', () => {
    expect(existsSync(join(dist, 'index.html')), 'frontend/dist is missing: run `pnpm build`').toBe(
      true,
    );
  });

  it(`loads in at most ${initialLoadBudgetBytes / 1024} kB gzipped (HTML, JS, CSS)`, () => {
    const files = initialLoad();
    expect(files.some((f) => f.file.endsWith('.js'))).toBe(true);
    expect(files.some((f) => f.file.endsWith('.css'))).toBe(true);
    const total = files.reduce((sum, f) => sum + f.gzipped, 0);
    console.info(`initial load: ${(total / 1024).toFixed(1)} kB gzipped`, files);
    expect(total).toBeLessThanOrEqual(initialLoadBudgetBytes);
  });

  it('has no inline script or style for the CSP to refuse', () => {
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style="/);
  });
});
