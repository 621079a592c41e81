import { readFileSync } from 'node:fs';
import { expect, test, uniqueTitle } from './fixtures';

/** The frontend container's nginx configuration, served by a real nginx in front of the real backend. */
test.describe('nginx (the frontend container configuration)', () => {
  test('serves the SPA with its security headers and cache rules', async ({ request }) => {
    const index = await request.get('/');
    expect(index.status()).toBe(200);
    expect(index.headers()['content-type']).toContain('text/html');
    expect(index.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(index.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(index.headers()['x-content-type-options']).toBe('nosniff');
    expect(index.headers()['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(index.headers()['cache-control']).toBe('no-cache');
    expect(index.headers().server).toBe('nginx');

    const script = /src="(\/assets\/[^"]+\.js)"/.exec(await index.text())?.[1];
    expect(script).toBeDefined();
    const asset = await request.get(script ?? '', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(asset.status()).toBe(200);
    expect(asset.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers()['content-encoding']).toBe('gzip');

    const deepLink = await request.get('/board/some-view');
    expect(deepLink.status()).toBe(200);
    expect(await deepLink.text()).toContain('<div id="root">');
    expect((await request.get('/assets/missing.js')).status()).toBe(404);
  });

  test('answers the probes and /config.json itself', async ({ request }) => {
    for (const probe of ['/health', '/ready', '/startup']) {
      const res = await request.get(probe);
      expect(res.status()).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok' });
    }
    const config = await request.get('/config.json');
    expect(config.headers()['cache-control']).toBe('no-store');
    expect(await config.json()).toEqual({
      environment: 'e2e-nginx',
      version: '1.2.3',
      features: { 'rollout-banner': true },
    });
  });

  test('proxies /api with the service key from API_KEY_FILE, whatever the client sends', async ({
    request,
  }) => {
    const key = readFileSync(process.env.E2E_API_KEY_FILE ?? '', 'utf8').trim();
    const backend = `http://127.0.0.1:${process.env.E2E_BACKEND_PORT}`;
    expect((await request.get(`${backend}/api/tasks`)).status()).toBe(401);
    expect(
      (await request.get(`${backend}/api/tasks`, { headers: { 'X-Api-Key': key } })).status(),
    ).toBe(200);

    const viaNginx = await request.get('/api/tasks', {
      headers: { 'X-Api-Key': 'forged', 'X-Request-Id': 'nginx-e2e-1' },
    });
    expect(viaNginx.status()).toBe(200);
    expect(viaNginx.headers()['x-request-id']).toBe('nginx-e2e-1');
    const created = await request.post('/api/tasks', {
      data: { title: uniqueTitle('Through nginx') },
    });
    expect(created.status()).toBe(201);

    const log = readFileSync(`${process.env.E2E_NGINX_DIR}/access.log`, 'utf8').trim().split('\n');
    const line = log
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.request_id === 'nginx-e2e-1');
    expect(line).toMatchObject({ method: 'GET', uri: '/api/tasks', status: 200 });
    expect(JSON.stringify(log)).not.toContain(key);
  });

  test('runs the board in a browser with no CSP violation', async ({ page, problems: _ }) => {
    await page.goto('/');
    await expect(
      page.getByRole('complementary', { name: 'Platform' }).getByText('e2e-nginx'),
    ).toBeVisible();
    const title = uniqueTitle('Under the real CSP');
    const form = page.getByRole('form', { name: 'New task' });
    await form.getByLabel('Title').fill(title);
    await form.getByRole('button', { name: 'Add task' }).click();
    await expect(page.getByRole('heading', { name: title })).toBeVisible();
    await expect(page.getByTestId('database-status')).toContainText('up');
  });
});
