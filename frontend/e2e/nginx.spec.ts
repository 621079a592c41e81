import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type RequestListener,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@tbyte/local';
import { expect, test, uniqueTitle } from './fixtures';

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** node:http, because fetch and Playwright's client will not send a Host of the caller's choosing. */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The `r` (remaining) and `t` (seconds to reset) of the backend's draft-8 RateLimit header. */
function rateLimit(headers: IncomingHttpHeaders): { remaining: number; reset: number } {
  const header = String(headers.ratelimit ?? '');
  const remaining = /;\s*r=(\d+)/.exec(header)?.[1];
  const reset = /;\s*t=(\d+)/.exec(header)?.[1];
  if (remaining === undefined || reset === undefined) {
    throw new Error(`no RateLimit header with r and t: '${header}'`);
  }
  return { remaining: Number(remaining), reset: Number(reset) };
}

const echoHeaders: RequestListener = (req, res) => {
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify(req.headers));
};

/**
 * Another nginx with the container's configuration, in front of an upstream that (unless
 * told otherwise) answers with the headers it received: what nginx forwards is then visible.
 */
async function nginxBeforeEcho(env: Record<string, string>, upstream = echoHeaders) {
  const echo = createServer(upstream);
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  const port = await freePort();
  const nginx: ChildProcess = spawn(
    process.execPath,
    [fileURLToPath(new URL('nginx-server.mjs', import.meta.url))],
    {
      env: {
        ...process.env,
        ...env,
        NGINX_PORT: String(port),
        NGINX_DIR: join(process.env.E2E_DATA_DIR ?? '', `nginx-echo-${port}`),
        BACKEND_URL: `http://127.0.0.1:${(echo.address() as AddressInfo).port}`,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt += 1) {
    const up = await rawGet(`${url}/health`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (up) break;
    if (attempt > 100) throw new Error('the second nginx did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    /** The headers the upstream received for one request through nginx. */
    forwarded: async (path: string, headers: Record<string, string>) =>
      JSON.parse((await rawGet(`${url}${path}`, headers)).body) as Record<string, string>,
    stop: async () => {
      nginx.kill('SIGTERM');
      echo.closeAllConnections();
      await new Promise<void>((resolve) => echo.close(() => resolve()));
    },
  };
}

const nginxBase = `http://127.0.0.1:${process.env.E2E_NGINX_PORT}`;
const clientTraceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

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
    // A client's request id is replaced by nginx's own, which the backend answers with.
    const requestId = viaNginx.headers()['x-request-id'];
    expect(requestId).toMatch(/^[0-9a-f]{32}$/);
    const created = await request.post('/api/tasks', {
      data: { title: uniqueTitle('Through nginx') },
    });
    expect(created.status()).toBe(201);

    const log = readFileSync(`${process.env.E2E_NGINX_DIR}/access.log`, 'utf8').trim().split('\n');
    const line = log
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.request_id === requestId);
    expect(line).toMatchObject({ method: 'GET', uri: '/api/tasks', status: 200 });
    expect(JSON.stringify(log)).not.toContain(key);
  });

  test("keys the backend's rate limit on the peer, whatever X-Forwarded-For says", async () => {
    const url = `${nginxBase}/api/openapi.json`;
    let first = rateLimit((await rawGet(url)).headers);
    // A window about to end would refill the budget mid-test.
    if (first.reset < 5) {
      await new Promise((resolve) => setTimeout(resolve, (first.reset + 1) * 1000));
      first = rateLimit((await rawGet(url)).headers);
    }
    const remaining = [first.remaining];
    for (let i = 1; i <= 20; i += 1) {
      const res = await rawGet(url, { 'X-Forwarded-For': `203.0.113.${i}` });
      expect(res.status).toBe(200);
      remaining.push(rateLimit(res.headers).remaining);
    }
    // One budget for every request: each spends one. A client that chose its key would get a
    // fresh budget per address, and `r` would not move.
    expect(remaining).toEqual(remaining.map((_, i) => first.remaining - i));
  });

  test("passes each event of the task stream on at once, with the API location's headers", async () => {
    const sent: string[] = [];
    let received: IncomingHttpHeaders = {};
    // An upstream whose stream never ends: the event must come through before its end.
    const streaming = await nginxBeforeEcho({}, (req, res) => {
      received = req.headers;
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'X-Accel-Buffering': 'no' });
      const frame = `event: task\ndata: {"n":${sent.length}}\n\n`;
      sent.push(frame);
      res.write(frame);
    });
    try {
      const first = await new Promise<{
        status: number;
        headers: IncomingHttpHeaders;
        chunk: string;
        elapsedMs: number;
      }>((resolve, reject) => {
        const started = Date.now();
        const req = httpRequest(`${streaming.url}/api/tasks/events`, (res) => {
          res.setEncoding('utf8');
          res.once('data', (chunk: string) => {
            const elapsedMs = Date.now() - started;
            resolve({ status: res.statusCode ?? 0, headers: res.headers, chunk, elapsedMs });
            res.destroy();
          });
        });
        req.setTimeout(5_000, () => req.destroy(new Error('no event within 5 s')));
        req.on('error', reject);
        req.end();
      });
      expect(sent).toHaveLength(1);
      expect(first.status).toBe(200);
      expect(first.chunk).toBe(sent[0]);
      expect(first.elapsedMs).toBeLessThan(1_000);
      // Passed on for the ingress controller's nginx, which would otherwise buffer the stream.
      expect(first.headers['x-accel-buffering']).toBe('no');
      // The headers of the /api/ location reach the stream's upstream too.
      expect(received['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
      expect(received['x-forwarded-for']).toBe('127.0.0.1');
    } finally {
      await streaming.stop();
    }
  });

  test('answers only its own host names: a rebound name gets 421, the probes any', async () => {
    const base = nginxBase;
    for (const path of ['/', '/api/tasks', '/config.json', '/assets/missing.js']) {
      expect((await rawGet(`${base}${path}`, { Host: 'attacker.example' })).status, path).toBe(421);
      expect((await rawGet(`${base}${path}`, { Host: 'tbyte.local' })).status, path).not.toBe(421);
    }
    expect((await rawGet(`${base}/api/tasks`, { Host: 'tbyte.local:8080' })).status).toBe(200);
    for (const probe of ['/health', '/ready', '/startup']) {
      const res = await rawGet(`${base}${probe}`, { Host: '10.1.2.3:8080' });
      expect(res.status, probe).toBe(200);
      expect(JSON.parse(res.body)).toEqual({ status: 'ok' });
    }
  });

  test('starts the trace and request ids itself and names the peer, unless from a trusted hop or trace hop', async () => {
    const sent = {
      'X-Forwarded-For': '198.51.100.7, 203.0.113.9',
      'X-Request-Id': 'chosen-by-client',
      traceparent: clientTraceparent,
      tracestate: 'vendor=value',
    };
    const direct = await nginxBeforeEcho({});
    try {
      const got = await direct.forwarded('/api/x', sent);
      expect(got['x-forwarded-for']).toBe('127.0.0.1');
      expect(got['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
      expect(got.traceparent).toBe(
        `00-${got['x-request-id']}-${got['x-request-id']?.slice(16)}-01`,
      );
      expect(got.tracestate).toBeUndefined();
      const other = await direct.forwarded('/api/x', sent);
      expect(other.traceparent).not.toBe(got.traceparent);
      expect((await direct.forwarded('/api/x', {})).traceparent).toMatch(
        /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/,
      );
    } finally {
      await direct.stop();
    }

    // An ingress controller that passes its client's headers on: it names the client, but the
    // ids stay nginx's own.
    const behindIngress = await nginxBeforeEcho({ NGINX_TRUSTED_PROXIES: '127.0.0.1/32' });
    try {
      const got = await behindIngress.forwarded('/api/x', sent);
      // The right-most address the trusted hop did not add is the client.
      expect(got['x-forwarded-for']).toBe('203.0.113.9');
      expect(got['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
      expect(got.traceparent).toBe(
        `00-${got['x-request-id']}-${got['x-request-id']?.slice(16)}-01`,
      );
      expect(got.tracestate).toBeUndefined();
    } finally {
      await behindIngress.stop();
    }

    const behindProxy = await nginxBeforeEcho({
      NGINX_TRUSTED_PROXIES: '127.0.0.1/32',
      NGINX_TRACE_HOPS: '127.0.0.1',
    });
    try {
      const got = await behindProxy.forwarded('/api/x', sent);
      expect(got['x-forwarded-for']).toBe('203.0.113.9');
      expect(got['x-request-id']).toBe('chosen-by-client');
      expect(got.traceparent).toBe(clientTraceparent);
      expect(got.tracestate).toBe('vendor=value');
      // A malformed traceparent is not continued, even from a trusted hop.
      const malformed = await behindProxy.forwarded('/api/x', { traceparent: '00-xyz' });
      expect(malformed.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    } finally {
      await behindProxy.stop();
    }
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
