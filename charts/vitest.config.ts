import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Every test runs real `helm template`; a cold helm takes a moment to start.
    testTimeout: 60_000,
    reporters: ['default', ['json', { outputFile: '../reports/charts.vitest.json' }]],
  },
});
