import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { eventually } from '../test/helpers/backend-process.js';
import { useTestApps } from '../test/helpers/app.js';

const stack = useTestApps();
const appWith = stack.appWith;

describe('probes', () => {
  it('answer JSON, never cached', async () => {
    const t = await appWith();
    for (const path of ['/health', '/ready', '/startup']) {
      const res = await request(t.app).get(path).expect(200);
      expect(res.body.status).toBe('ok');
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('/startup is 503 until migrations are applied and the database was reached', async () => {
    const t = await appWith();
    t.state.migrated = false;
    expect((await request(t.app).get('/startup').expect(503)).body).toMatchObject({
      migrated: false,
    });
    expect((await request(t.app).get('/ready').expect(503)).body.reasons[0]).toMatch(/starting/);
    await request(t.app).get('/health').expect(200);
  });

  it('/ready turns 503 while draining; /health stays 200', async () => {
    const t = await appWith();
    t.state.draining = true;
    expect((await request(t.app).get('/ready').expect(503)).body.reasons).toEqual([
      'draining: shutting down',
    ]);
    await request(t.app).get('/health').expect(200);
  });
});

describe('metrics', () => {
  it('records the design metric names with route templates; probes are not counted', async () => {
    const t = await appWith();
    const created = await request(t.app)
      .post('/api/tasks')
      .send({ title: 'Measure me' })
      .expect(201);
    await request(t.app).get(`/api/tasks/${created.body.id}`).expect(200);
    await request(t.app).get('/api/tasks/not-a-uuid').expect(400);
    await request(t.app).get('/api/info').expect(200);
    await request(t.app).get('/api/nothing/here').expect(404);
    await request(t.app).get('/wp-admin/setup.php').expect(404);
    await request(t.app).get('/health').expect(200);
    await request(t.app).get('/ready').expect(200);
    const text = await t.metrics.registry.metrics();

    expect(text).toMatch(
      /^http_request_duration_seconds_count\{method="POST",route="\/api\/tasks",status_code="201"\} 1$/m,
    );
    expect(text).toMatch(
      /^http_request_duration_seconds_count\{method="GET",route="\/api\/tasks\/:id",status_code="200"\} 1$/m,
    );
    expect(text).toMatch(
      /^http_request_duration_seconds_count\{method="GET",route="\/api\/tasks\/:id",status_code="400"\} 1$/m,
    );
    expect(text).toMatch(
      /^http_request_duration_seconds_count\{method="GET",route="\/api\/info",status_code="200"\} 1$/m,
    );
    // Unmatched paths share one label, whatever a scanner sends.
    expect(text).toMatch(
      /^http_request_duration_seconds_count\{method="GET",route="unmatched",status_code="404"\} 2$/m,
    );
    expect(text).not.toContain('wp-admin');
    expect(text).not.toContain(created.body.id);
    expect(text).not.toMatch(/route="\/(health|ready|startup)"/);
    expect(text).toMatch(/^db_query_duration_seconds_count\{operation="tasks.create"\} 1$/m);
    expect(text).toMatch(/^db_query_duration_seconds_count\{operation="tasks.get"\} 1$/m);
    for (const state of ['total', 'idle', 'waiting']) {
      expect(text).toMatch(new RegExp(`^db_pool_clients\\{state="${state}"\\} \\d+$`, 'm'));
    }
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });
});

describe('security headers, CORS and proxies', () => {
  it('sets helmet headers and no X-Powered-By', async () => {
    const t = await appWith();
    const res = await request(t.app).get('/api/info').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('sends no CORS headers unless CORS_ORIGINS lists the origin', async () => {
    const closed = await appWith();
    const res = await request(closed.app).get('/api/info').set('Origin', 'https://evil.example');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();

    const open = await appWith({ CORS_ORIGINS: 'https://tbyte.local' });
    const allowed = await request(open.app)
      .options('/api/tasks')
      .set('Origin', 'https://tbyte.local')
      .set('Access-Control-Request-Method', 'POST');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://tbyte.local');
    const other = await request(open.app).get('/api/info').set('Origin', 'https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('keeps a sane X-Request-Id and replaces anything else', async () => {
    const t = await appWith();
    const kept = await request(t.app).get('/api/info').set('X-Request-Id', 'abc-123');
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const replaced = await request(t.app).get('/api/info').set('X-Request-Id', 'bad id <script>');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('rate limit', () => {
  it('answers 429 problem+json with Retry-After beyond the limit', async () => {
    const t = await appWith({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_SECONDS: '60' });
    for (let i = 0; i < 3; i++) await request(t.app).get('/api/tasks').expect(200);
    const res = await request(t.app).get('/api/tasks').expect(429);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    await request(t.app).get('/health').expect(200);
  });

  it('counts clients by the address the trusted proxy reports', async () => {
    const t = await appWith({ RATE_LIMIT_MAX: '1' });
    await request(t.app).get('/api/tasks').set('X-Forwarded-For', '203.0.113.1').expect(200);
    await request(t.app).get('/api/tasks').set('X-Forwarded-For', '203.0.113.2').expect(200);
    await request(t.app).get('/api/tasks').set('X-Forwarded-For', '203.0.113.1').expect(429);
  });
});

describe('service key', () => {
  function keyFile(value: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'tbyte-key-'));
    const path = join(dir, 'api-key');
    writeFileSync(path, `${value}\n`);
    return path;
  }

  it('requires X-Api-Key on /api/tasks when API_KEY_FILE is set; info and openapi stay open', async () => {
    const t = await appWith({ API_KEY_FILE: keyFile('s3cret-key') });
    const missing = await request(t.app).get('/api/tasks').expect(401);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.headers['www-authenticate']).toContain('X-Api-Key');
    await request(t.app).get('/api/tasks').set('X-Api-Key', 's3cret-keY').expect(401);
    await request(t.app).get('/api/tasks').set('X-Api-Key', 's3cret').expect(401);
    await request(t.app).post('/api/tasks').send({ title: 'x' }).expect(401);
    await request(t.app).get('/api/tasks').set('X-Api-Key', 's3cret-key').expect(200);
    await request(t.app).get('/api/info').expect(200);
    await request(t.app).get('/api/openapi.json').expect(200);
  });

  it('takes a rotated key without a restart', async () => {
    const path = keyFile('first-key');
    const t = await appWith({ API_KEY_FILE: path });
    await request(t.app).get('/api/tasks').set('X-Api-Key', 'first-key').expect(200);
    // The CSI driver and the kubelet swap files atomically: write beside, then rename over.
    writeFileSync(`${path}.new`, 'second-key');
    renameSync(`${path}.new`, path);
    await eventually(async () => {
      await request(t.app).get('/api/tasks').set('X-Api-Key', 'second-key').expect(200);
    }, 5_000);
    await request(t.app).get('/api/tasks').set('X-Api-Key', 'first-key').expect(401);
  });

  it('is open without API_KEY_FILE', async () => {
    const t = await appWith();
    await request(t.app).get('/api/tasks').expect(200);
  });
});

describe('logs', () => {
  it('write one JSON line per request with its id, and never the secrets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tbyte-key-'));
    writeFileSync(join(dir, 'k'), 'never-log-this-key');
    const app = await appWith({ API_KEY_FILE: join(dir, 'k') });
    await request(app.app)
      .get('/api/tasks')
      .set('X-Api-Key', 'never-log-this-key')
      .set('Authorization', 'Bearer never-log-this-token')
      .set('Cookie', 'session=never-log-this-cookie')
      .set('X-Request-Id', 'req-redaction-1')
      .expect(200);
    const line = app.logs.find(
      (l) => (l.req as { id?: string } | undefined)?.id === 'req-redaction-1',
    );
    expect(line).toMatchObject({
      level: 'info',
      msg: 'request completed',
      res: { statusCode: 200 },
    });
    const all = JSON.stringify(app.logs);
    expect(all).not.toContain('never-log-this');
    expect(all).toContain('[redacted]');
    expect(all).not.toContain(stack.database.url);
  });
});
