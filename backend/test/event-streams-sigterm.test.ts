import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  httpRequest,
  spawnBackend,
  waitForStartup,
  type BackendProcess,
} from './helpers/backend-process.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { EventStreamReader } from './helpers/event-stream.js';

let database: TestDatabase;
const spawned: BackendProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await Promise.all(spawned.map((p) => p.stop('SIGKILL')));
  await database.drop();
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
