import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Every test runs real `helm template`; a cold helm takes a moment to start.
    testTimeout: 60_000,
    // The JSON report's file is an option the command line can override: the GitOps tests run
    // with this configuration and write a report of their own.
    reporters: ['default', 'json'],
    outputFile: { json: '../reports/charts.vitest.json' },
  },
});
