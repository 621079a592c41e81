import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { eventually } from './helpers/backend-process.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { admin, createTestDatabase, type TestDatabase } from './helpers/database.js';
import { TcpProxy } from './helpers/tcp-proxy.js';

let database: TestDatabase;
let proxy: TcpProxy;
let t: TestApp;

beforeAll(async () => {
  database = await createTestDatabase();
  const target = new URL(database.url);
  proxy = new TcpProxy(Number(target.port || 5432), target.hostname);
  const url = new URL(database.url);
  url.hostname = '127.0.0.1';
  url.port = String(await proxy.start());
  t = await startTestApp({ DATABASE_URL: url.toString() });
  t.healthCheck.start();
});

afterAll(async () => {
  await t.close();
  await proxy.cut();
  await database.drop();
});

describe('the database going away', () => {
  it('makes /ready 503 and the API answer 503 quickly; it recovers alone and loses no acknowledged write', async () => {
    const acknowledged: string[] = [];
    const statuses: number[] = [];
    const control = { writing: true };
    const writer = (async () => {
      // Bounded: at most 2000 writes or 60 s, whichever comes first.
      const until = Date.now() + 60_000;
      for (let i = 0; control.writing && i < 2000 && Date.now() < until; i++) {
        const res = await request(t.app)
          .post('/api/tasks')
          .send({ title: `write ${i}` });
        statuses.push(res.status);
        if (res.status === 201) acknowledged.push(res.body.id as string);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    await eventually(() => {
      if (acknowledged.length < 5) throw new Error('waiting for writes');
    });
    await proxy.cut();
    const cutAt = Date.now();

    await eventually(async () => {
      await request(t.app).get('/ready').expect(503);
    }, 5_000);
    expect(Date.now() - cutAt).toBeLessThan(5_000);

    const started = Date.now();
    const res = await request(t.app).get('/api/tasks');
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBe('5');
    expect(JSON.stringify(res.body)).not.toMatch(/ECONNREFUSED|at .+\.(js|ts):\d+/);
    await request(t.app).get('/health').expect(200);
    const info = await request(t.app).get('/api/info').expect(200);
    expect(info.body.database.status).toBe('down');

    await proxy.restore();
    await eventually(async () => {
      await request(t.app).get('/ready').expect(200);
    }, 10_000);
    const before = acknowledged.length;
    await eventually(() => {
      if (acknowledged.length < before + 5) throw new Error('waiting for writes after recovery');
    });
    control.writing = false;
    await writer;

    expect(statuses.filter((s) => s !== 201 && s !== 503)).toEqual([]);
    expect(statuses).toContain(503);
    const { rows } = await admin(
      (c) =>
        c.query<{ id: string }>('SELECT id FROM tasks WHERE id = ANY($1::uuid[])', [acknowledged]),
      database.name,
    );
    expect(rows.map((r) => r.id).sort()).toEqual([...acknowledged].sort());
  });
});
