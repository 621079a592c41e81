import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

/** In development, Vite proxies /api and /config.json to a running `pnpm start` gateway. */
const gateway = process.env.TBYTE_GATEWAY_URL ?? 'http://localhost:8080';

export default defineConfig({
  plugins: [react()],
  build: {
    target: 'es2022',
    sourcemap: true,
    // Nothing inline: the nginx CSP allows scripts and styles from 'self' only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: { '/api': gateway, '/config.json': gateway },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    restoreMocks: true,
    reporters: ['default', ['json', { outputFile: '../reports/frontend-unit.vitest.json' }]],
  },
});
