import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import {
  httpRequest,
  spawnBackend,
  waitForStartup,
  type BackendProcess,
} from './helpers/backend-process.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { EventStreamReader } from './helpers/event-stream.js';

let database: TestDatabase;
let backend: BackendProcess;
const spawned: BackendProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await Promise.all(spawned.map((p) => p.stop('SIGKILL')));
  await database.drop();
});

describe('SIGTERM', () => {
  it('turns unready at once, serves through the grace period, finishes in-flight work, then exits 0', async () => {
    backend = await spawnBackend({ DATABASE_URL: database.url, SHUTDOWN_GRACE_SECONDS: '2' });
    spawned.push(backend);
    await waitForStartup(backend);
    const created = await httpRequest(backend.port, '/api/tasks', {
      method: 'POST',
      body: { title: 'Locked' },
    });
    expect(created.status).toBe(201);
    const { id } = JSON.parse(created.body) as { id: string };

    // Hold the row so that the PATCH below stays in flight.
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('SELECT * FROM tasks WHERE id = $1 FOR UPDATE', [id]);
    const inFlight = httpRequest(backend.port, `/api/tasks/${id}`, {
      method: 'PATCH',
      body: { status: 'done' },
      headers: { 'If-Match': '"1"' },
    });
    await new Promise((r) => setTimeout(r, 300));

    const signalledAt = Date.now();
    backend.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    const ready = await httpRequest(backend.port, '/ready');
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body).reasons).toContain('draining: shutting down');
    // Still serving inside the grace period.
    expect((await httpRequest(backend.port, '/api/tasks')).status).toBe(200);

    // After the grace period, new connections are refused while the PATCH is still held.
    await new Promise((r) => setTimeout(r, 2_000 - (Date.now() - signalledAt) + 500));
    await expect(httpRequest(backend.port, '/health')).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    expect(backend.child.exitCode).toBeNull();

    await locker.query('COMMIT');
    await locker.end();
    const finished = await inFlight;
    expect(finished.status).toBe(200);
    expect(JSON.parse(finished.body)).toMatchObject({ status: 'done', version: 2 });
    expect(await backend.exited).toBe(0);
    expect(backend.output.some((l) => l.includes('shutdown complete'))).toBe(true);
  });
});

describe('SIGTERM with open event streams', () => {
  it('ends every stream at once, refuses new ones while serving the grace period, then exits 0', async () => {
    const backend = await spawnBackend({ DATABASE_URL: database.url, SHUTDOWN_GRACE_SECONDS: '3' });
    spawned.push(backend);
    await waitForStartup(backend);
    const streams = await Promise.all([
      EventStreamReader.open(backend.port),
      EventStreamReader.open(backend.port),
    ]);
    await Promise.all(streams.map((s) => s.next((e) => e.event === 'ready')));

    const signalledAt = Date.now();
    backend.child.kill('SIGTERM');
    await Promise.all(streams.map((s) => s.body));
    // Ended well inside the grace period, so clients reconnect elsewhere while this pod serves.
    expect(Date.now() - signalledAt).toBeLessThan(1_000);
    expect(streams.every((s) => s.ended && s.retry === 1_000)).toBe(true);

    const refused = await httpRequest(backend.port, '/api/tasks/events');
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect((await httpRequest(backend.port, '/api/tasks')).status).toBe(200);

    expect(await backend.exited).toBe(0);
    expect(backend.output.some((l) => l.includes('event streams ended'))).toBe(true);
  });
});
