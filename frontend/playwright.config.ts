import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions, freePort } from '@tbyte/local';

/**
 * End-to-end tests against the real stack of `pnpm start` (gateway, backend, PostgreSQL),
 * on ports and a data directory of their own. The runner evaluates this file first and its
 * workers inherit the environment, so the ports are chosen once.
 */
process.env.E2E_PORT ??= String(await freePort());
process.env.E2E_BACKEND_PORT ??= String(await freePort());
process.env.E2E_METRICS_PORT ??= String(await freePort());
process.env.E2E_NGINX_PORT ??= String(await freePort());
process.env.E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'tbyte-e2e-'));
process.env.E2E_NGINX_DIR ??= join(process.env.E2E_DATA_DIR, 'nginx');
// The service key is on: the gateway and nginx must add it, or the API answers 401.
process.env.E2E_API_KEY_FILE ??= join(process.env.E2E_DATA_DIR, 'api-key');
if (!existsSync(process.env.E2E_API_KEY_FILE)) {
  writeFileSync(process.env.E2E_API_KEY_FILE, `${randomBytes(24).toString('base64url')}\n`);
}
/** Set by scripts/compose-e2e.sh: run the journey against an already running stack instead. */
const externalURL = process.env.E2E_EXTERNAL_URL;
const baseURL = externalURL ?? `http://127.0.0.1:${process.env.E2E_PORT}`;
const nginxURL = `http://127.0.0.1:${process.env.E2E_NGINX_PORT}`;
/**
 * Set by scripts/cluster-e2e.sh: the ingress controller as the HTTP proxy of the browser and of
 * the API requests, so both ask for the real host name that no DNS here knows; and a folder
 * that keeps every test's screenshot.
 */
const proxy = process.env.E2E_PROXY;
const artifactsDir = process.env.E2E_ARTIFACTS_DIR;
const nginx = ['/usr/sbin/nginx', '/usr/local/sbin/nginx'].find((path) => existsSync(path));
if (!nginx && process.env.CI) throw new Error('nginx is required in CI (.ci/run installs it)');

export default defineConfig({
  testDir: 'e2e',
  outputDir: artifactsDir ?? 'test-results/artifacts',
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 7_500 },
  // Against an external stack the caller reports the outcome as one check of its own.
  reporter: externalURL
    ? [['list']]
    : [['list'], ['json', { outputFile: '../reports/frontend-e2e.playwright.json' }]],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: artifactsDir ? 'on' : 'only-on-failure',
    launchOptions: chromiumLaunchOptions(),
    ...(proxy ? { proxy: { server: proxy } } : {}),
  },
  projects: process.env.E2E_ROLLOUT_VERSIONS
    ? [
        // Set by scripts/cluster-e2e.sh during a rolling update, and only then.
        {
          name: 'rollout',
          testMatch: /rollout\.spec\.ts/,
          use: { browserName: 'chromium', viewport: { width: 1280, height: 860 } },
        },
      ]
    : externalURL
      ? [
          {
            name: 'compose',
            testIgnore: /(nginx|rollout)\.spec\.ts/,
            use: { browserName: 'chromium', viewport: { width: 1280, height: 860 } },
          },
        ]
      : [
          {
            name: 'desktop',
            testIgnore: /(nginx|rollout)\.spec\.ts/,
            use: { browserName: 'chromium', viewport: { width: 1280, height: 860 } },
          },
          {
            name: 'phone',
            grep: /@phone/,
            testIgnore: /(nginx|rollout)\.spec\.ts/,
            use: {
              browserName: 'chromium',
              viewport: { width: 390, height: 844 },
              isMobile: true,
              hasTouch: true,
            },
          },
          ...(nginx
            ? [
                {
                  name: 'nginx',
                  testMatch: /nginx\.spec\.ts/,
                  use: { browserName: 'chromium' as const, baseURL: nginxURL },
                },
              ]
            : []),
        ],
  webServer: externalURL
    ? []
    : [
        {
          command: 'node ../local/dist/start.js',
          url: `${baseURL}/api/tasks`,
          reuseExistingServer: false,
          timeout: 60_000,
          stdout: 'ignore',
          stderr: 'pipe',
          env: {
            PORT: process.env.E2E_PORT,
            BACKEND_PORT: process.env.E2E_BACKEND_PORT,
            METRICS_PORT: process.env.E2E_METRICS_PORT,
            TBYTE_DATA_DIR: process.env.E2E_DATA_DIR,
            LOG_LEVEL: 'warn',
            RATE_LIMIT_MAX: '100000',
            API_KEY_FILE: process.env.E2E_API_KEY_FILE,
          },
        },
        ...(nginx
          ? [
              {
                command: 'node e2e/nginx-server.mjs',
                url: `${nginxURL}/health`,
                reuseExistingServer: false,
                timeout: 30_000,
                stdout: 'ignore' as const,
                stderr: 'pipe' as const,
                env: {
                  NGINX_PORT: process.env.E2E_NGINX_PORT,
                  NGINX_DIR: process.env.E2E_NGINX_DIR,
                  BACKEND_URL: `http://127.0.0.1:${process.env.E2E_BACKEND_PORT}`,
                  API_KEY_FILE: process.env.E2E_API_KEY_FILE,
                  APP_ENVIRONMENT: 'e2e-nginx',
                  APP_VERSION: '1.2.3',
                  FEATURE_FLAGS: 'rollout-banner',
                },
              },
            ]
          : []),
      ],
});
