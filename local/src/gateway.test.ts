import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnBackend, type BackendProcess } from './backend-process.js';
import { startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres.js';
import { createGateway, defaultHosts, securityHeaders } from './gateway.js';

const nginxDir = fileURLToPath(new URL('../../frontend/nginx/', import.meta.url));

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request on its own connection, with exactly the headers given (Host included). */
function send(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method, headers: { host: 'localhost', ...headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

/** The template as the image's envsubst step renders it, with the names of 16-edge.envsh. */
function renderedTemplate(): { conf: string; serverNames: string[] } {
  const edge = readFileSync(join(nginxDir, '16-edge.envsh'), 'utf8');
  const names = /NGINX_SERVER_NAMES="\$\{NGINX_SERVER_NAMES:-([^}]+)\}"/.exec(edge)?.[1];
  if (!names) throw new Error('16-edge.envsh no longer sets a default NGINX_SERVER_NAMES');
  const values: Record<string, string> = {
    BACKEND_URL: 'http://backend:8080',
    NGINX_RESOLVER: '127.0.0.11',
    NGINX_SERVER_NAMES: names,
  };
  const conf = readFileSync(join(nginxDir, 'default.conf.template'), 'utf8').replaceAll(
    /\$\{(\w+)\}/g,
    (_match, name: string) => values[name] ?? `\${${name}}`,
  );
  return { conf, serverNames: names.split(/\s+/) };
}

/** The server block answering the app's names, and the headers it adds to every answer. */
function nginxApp(conf: string, serverNames: string[]) {
  const start = conf.indexOf(`server_name ${serverNames.join(' ')};`);
  if (start < 0) throw new Error('no server block for the app names in the template');
  const block = conf.slice(start);
  const headers: Record<string, string> = {};
  for (const [, name = '', quoted, variable = ''] of block.matchAll(
    /^\s*add_header ([\w-]+) (?:"([^"]*)"|(\$\w+)) always;/gm,
  )) {
    headers[name] = quoted ?? variable;
  }
  const probe =
    /location ~ \^\/\(health\|ready\|startup\)\$ \{\s*default_type ([^;]+);\s*return 200 '([^']*)';/.exec(
      block,
    );
  const cache: Record<string, string> = {};
  const map = /map \$uri \$tbyte_cache_control \{([^}]*)\}/.exec(conf)?.[1] ?? '';
  for (const line of map.split('\n')) {
    const [, key, value] = /^\s*(\S+)\s+"([^"]+)";/.exec(line) ?? [];
    if (key && value) cache[key] = value;
  }
  return { headers, probe: probe && { type: probe[1], body: probe[2] }, cache };
}

describe('the gateway of pnpm start', () => {
  let dir: string;
  let backend: Server;
  let gateway: Server;
  let port: number;
  const seen: Record<string, string | string[] | undefined>[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tbyte-gateway-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>TByte</title>');
    writeFileSync(join(dir, 'assets', 'app-1a2b.js'), 'console.log(1);');
    backend = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, {
        'content-type': 'application/json',
        'keep-alive': 'timeout=5',
        'x-backend': 'yes',
      });
      res.end(JSON.stringify({ path: req.url }));
    });
    const backendPort = await listen(backend);
    gateway = createGateway({
      staticDir: dir,
      backendUrl: new URL(`http://127.0.0.1:${backendPort}`),
      runtimeConfig: { environment: 'test', version: '1.0.0', features: {} },
      apiKey: () => 'the-service-key',
    });
    port = await listen(gateway);
  });

  afterAll(() => {
    gateway.close();
    backend.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the security headers, probe answers and cache policy of the nginx template', async () => {
    const { conf, serverNames } = renderedTemplate();
    const nginx = nginxApp(conf, serverNames);
    const { 'Cache-Control': cacheVariable, ...nginxSecurity } = nginx.headers;
    expect(cacheVariable).toBe('$tbyte_cache_control');
    expect(Object.keys(nginxSecurity).length).toBeGreaterThanOrEqual(5);
    expect(nginxSecurity).toEqual(securityHeaders);

    const checked = { '/': 'default', '/tasks/42': 'default', '/assets/app-1a2b.js': '~^/assets/' };
    for (const [path, entry] of Object.entries(checked)) {
      const answer = await send(port, path);
      expect(answer.status, path).toBe(200);
      for (const [name, value] of Object.entries(nginxSecurity)) {
        expect(answer.headers[name.toLowerCase()], `${path} ${name}`).toBe(value);
      }
      expect(answer.headers['cache-control'], path).toBe(nginx.cache[entry]);
    }
    expect(nginx.probe).not.toBeNull();
    for (const probe of ['/health', '/ready', '/startup']) {
      const answer = await send(port, probe);
      expect(answer.status).toBe(200);
      expect(answer.body).toBe(nginx.probe?.body);
      expect(answer.headers['content-type']).toBe(nginx.probe?.type);
      expect(answer.headers['cache-control']).toBe(nginx.cache['~^/(health|ready|startup)$']);
    }
    expect((await send(port, '/config.json')).headers['cache-control']).toBe(
      nginx.cache['/config.json'],
    );
    // Every name nginx answers to, the gateway answers to.
    expect(defaultHosts).toEqual(expect.arrayContaining(serverNames));
  });

  it('refuses a Host that is not one of its names (DNS rebinding), but for the probes', async () => {
    for (const host of [
      'attacker.example',
      'attacker.example:8080',
      'localhost.attacker.example',
    ]) {
      const answer = await send(port, '/api/tasks', { host });
      expect(answer.status, host).toBe(421);
      expect((await send(port, '/', { host })).status).toBe(421);
      expect((await send(port, '/health', { host })).status).toBe(200);
    }
    for (const host of ['localhost:8080', 'TBYTE.local', '127.0.0.1:1', '[::1]:8080']) {
      expect((await send(port, '/', { host })).status, host).toBe(200);
    }
  });

  it('serves the SPA: its routes fall back to index.html, a missing asset is a 404', async () => {
    expect((await send(port, '/tasks/42')).body).toContain('<title>TByte</title>');
    expect((await send(port, '/assets/missing-3c4d.js')).status).toBe(404);
    expect((await send(port, '/missing.png')).status).toBe(404);
    expect((await send(port, '/', {}, 'POST')).status).toBe(405);
  });

  it('proxies /api with the peer as X-Forwarded-For and its own key, request id and trace', async () => {
    seen.length = 0;
    const answer = await send(port, '/api/tasks?limit=1', {
      'x-forwarded-for': '203.0.113.7',
      'x-api-key': 'chosen-by-the-client',
      'x-request-id': 'chosen-by-the-client',
      traceparent: '00-0123456789abcdef0123456789abcdef-0123456789abcdef-01',
      connection: 'keep-alive, x-private',
      'x-private': 'hop',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toBe(JSON.stringify({ path: '/api/tasks?limit=1' }));
    expect(answer.headers['x-backend']).toBe('yes');
    expect(answer.headers['keep-alive']).toBeUndefined();
    expect(seen).toHaveLength(1);
    const upstream = seen[0] ?? {};
    expect(upstream['x-forwarded-for']).toBe('127.0.0.1');
    expect(upstream['x-api-key']).toBe('the-service-key');
    expect(upstream['x-request-id']).toBeUndefined();
    expect(upstream.traceparent).toBeUndefined();
    expect(upstream['x-forwarded-host']).toBe('localhost');
  });

  it('answers 502 problem+json when the backend is down', async () => {
    const down = createGateway({
      staticDir: dir,
      backendUrl: new URL('http://127.0.0.1:1'),
      runtimeConfig: {},
    });
    const downPort = await listen(down);
    const answer = await send(downPort, '/api/tasks');
    down.close();
    expect(answer.status).toBe(502);
    expect(answer.headers['content-type']).toBe('application/problem+json');
  });
});

describe('the backend rate limit behind the gateway', () => {
  let postgres: RunningPostgres | undefined;
  let backend: BackendProcess | undefined;
  let gateway: Server | undefined;
  let port = 0;

  beforeAll(async () => {
    postgres = await startEmbeddedPostgres({
      dataDir: join(mkdtempSync(join(tmpdir(), 'tbyte-gateway-pg-')), 'data'),
      persistent: false,
    });
    backend = await spawnBackend({
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: postgres.adminUrl,
        RATE_LIMIT_MAX: '5',
        RATE_LIMIT_WINDOW_SECONDS: '60',
        LOG_LEVEL: 'warn',
        SHUTDOWN_GRACE_SECONDS: '0',
      },
    });
    await backend.untilStarted();
    gateway = createGateway({
      staticDir: mkdtempSync(join(tmpdir(), 'tbyte-gateway-empty-')),
      backendUrl: new URL(backend.base),
      runtimeConfig: {},
    });
    port = await listen(gateway);
  }, 60_000);

  afterAll(async () => {
    gateway?.close();
    await backend?.stop();
    await postgres?.stop();
  });

  it('is not escaped by rotating X-Forwarded-For', async () => {
    const statuses: number[] = [];
    for (let i = 1; i <= 10; i += 1) {
      const answer = await send(port, '/api/tasks?limit=1', {
        'x-forwarded-for': `198.51.100.${i}`,
      });
      statuses.push(answer.status);
    }
    expect(statuses).toHaveLength(10);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429, 429, 429, 429]);
  });
});
