import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import express from 'express';
import pino from 'pino';
import { Gauge, Registry } from 'prom-client';
import request from 'supertest';
import { EventStreamReader, type StreamEvent } from '../../test/helpers/event-stream.js';
import { useTestApps, type TestApp } from '../../test/helpers/app.js';
import { admin } from '../../test/helpers/database.js';
import { errorHandler } from '../http/errors.js';
import { LifecycleState } from '../lifecycle/state.js';
import { TaskEventHub } from './event-hub.js';
import { TaskEventStreams } from './event-stream.js';
import { TaskRepository } from './repository.js';
import { taskEventSchema, type TaskEvent } from './schema.js';

const testApps = useTestApps();
const { appWith } = testApps;
const servers: Server[] = [];
const readers: EventStreamReader[] = [];

afterEach(async () => {
  for (const reader of readers.splice(0)) reader.close();
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

async function serve(handler: express.Express): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function openStream(port: number): Promise<EventStreamReader> {
  const reader = await EventStreamReader.open(port);
  readers.push(reader);
  return reader;
}

const taskEvent = (type: TaskEvent['type'], id: string) => (e: StreamEvent) =>
  e.event === 'task' && (JSON.parse(e.data) as TaskEvent).type === type && e.data.includes(id);

function parseTaskEvent(e: StreamEvent): TaskEvent {
  const event = taskEventSchema.parse(JSON.parse(e.data));
  expect(e.id).toBe(event.eventId);
  return event;
}

async function gaugeValue(t: TestApp): Promise<number> {
  const metric = await t.metrics.taskEventStreams.get();
  return metric.values[0]?.value ?? Number.NaN;
}

describe('GET /api/tasks/events across two backend instances on one database', () => {
  it('delivers a create, a move and a delete made through one instance to a stream on the other', async () => {
    const writer = await appWith({ POD_NAME: 'pod-a' });
    const holder = await appWith({ POD_NAME: 'pod-b' });
    const stream = await openStream(await serve(holder.app));

    expect(stream.response.statusCode).toBe(200);
    expect(stream.response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(stream.response.headers['cache-control']).toBe('no-store');
    expect(stream.response.headers['x-accel-buffering']).toBe('no');
    const ready = await stream.next((e) => e.event === 'ready');
    expect(JSON.parse(ready.data)).toEqual({ pod: 'pod-b' });
    expect(stream.retry).toBe(1_000);
    expect(await gaugeValue(holder)).toBe(1);
    expect(await gaugeValue(writer)).toBe(0);

    const started = Date.now();
    const created = await request(writer.app).post('/api/tasks').send({ title: 'Live' });
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    const createdEvent = parseTaskEvent(await stream.next(taskEvent('created', id), 1_000));
    expect(createdEvent).toMatchObject({ type: 'created', id, version: 1 });
    expect(createdEvent).toHaveProperty('task', created.body);

    const moved = await request(writer.app)
      .patch(`/api/tasks/${id}`)
      .set('If-Match', '"1"')
      .send({ status: 'in_progress' });
    expect(moved.status).toBe(200);
    const movedEvent = parseTaskEvent(await stream.next(taskEvent('updated', id), 1_000));
    expect(movedEvent).toMatchObject({ type: 'updated', id, version: 2 });
    expect(movedEvent).toHaveProperty('task', moved.body);

    const deleted = await request(writer.app).delete(`/api/tasks/${id}`).set('If-Match', '"2"');
    expect(deleted.status).toBe(204);
    const deletedEvent = parseTaskEvent(await stream.next(taskEvent('deleted', id), 1_000));
    expect(deletedEvent).toEqual({
      type: 'deleted',
      eventId: deletedEvent.eventId,
      id,
      version: 2,
    });
    expect(Date.now() - started).toBeLessThan(3_000);

    const ids = [createdEvent, movedEvent, deletedEvent].map((e) => BigInt(e.eventId));
    expect(new Set(ids).size).toBe(3);

    // A rejected write (a stale If-Match) commits nothing, so it announces nothing.
    const other = await request(writer.app).post('/api/tasks').send({ title: 'Other' });
    const otherId = (other.body as { id: string }).id;
    await stream.next(taskEvent('created', otherId), 1_000);
    const before = stream.events.length;
    const stale = await request(writer.app)
      .patch(`/api/tasks/${otherId}`)
      .set('If-Match', '"7"')
      .send({ status: 'done' });
    expect(stale.status).toBe(412);
    await new Promise((r) => setTimeout(r, 300));
    expect(stream.events.slice(before)).toEqual([]);

    stream.close();
    await stream.body;
    await expect(
      (async () => {
        for (let i = 0; i < 50 && (await gaugeValue(holder)) !== 0; i++) {
          await new Promise((r) => setTimeout(r, 20));
        }
        return gaugeValue(holder);
      })(),
    ).resolves.toBe(0);
    const metrics = await holder.metrics.registry.metrics();
    expect(metrics).toContain('# TYPE task_event_streams gauge');
  });

  it('resyncs a dropped stream: the reconnect opens with ready, the list has what was missed, events flow again', async () => {
    const writer = await appWith();
    const holder = await appWith();
    const port = await serve(holder.app);
    const first = await openStream(port);
    await first.next((e) => e.event === 'ready');
    first.close();

    const missed = await request(writer.app).post('/api/tasks').send({ title: 'While away' });
    expect(missed.status).toBe(201);
    const missedId = (missed.body as { id: string }).id;

    const again = await openStream(port);
    await again.next((e) => e.event === 'ready');
    expect(again.events.some((e) => e.event === 'task')).toBe(false);
    const list = await request(holder.app).get('/api/tasks');
    expect((list.body as { items: { id: string }[] }).items.map((task) => task.id)).toContain(
      missedId,
    );

    const after = await request(writer.app).post('/api/tasks').send({ title: 'After' });
    await again.next(taskEvent('created', (after.body as { id: string }).id), 1_000);
  });

  it('tells open streams to resync when the LISTEN connection was lost, and listens again', async () => {
    const writer = await appWith();
    const holder = await appWith();
    const stream = await openStream(await serve(holder.app));
    await stream.next((e) => e.event === 'ready');

    const terminated = await admin(async (client) => {
      const { rowCount } = await client.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = $1 AND query = 'LISTEN task_events'`,
        [testApps.database.name],
      );
      return rowCount;
    });
    expect(terminated).toBe(1);

    const resync = await stream.next((e) => e.event === 'resync', 5_000);
    expect(JSON.parse(resync.data)).toMatchObject({
      reason: 'the event connection was re-established',
    });
    const created = await request(writer.app).post('/api/tasks').send({ title: 'Heard again' });
    await stream.next(taskEvent('created', (created.body as { id: string }).id), 1_000);
  });
});

describe('TaskEventStreams', () => {
  // Before the apps close (a child's afterEach runs first): a listening hub holds a pool client.
  const hubs: TaskEventHub[] = [];
  afterEach(() => {
    for (const hub of hubs.splice(0)) hub.stop();
  });

  async function streamsOn(t: TestApp, options: { maxPerClient?: number } = {}) {
    const registry = new Registry();
    const gauge = new Gauge({ name: 'task_event_streams', help: 'test', registers: [registry] });
    const state = new LifecycleState();
    const hub = new TaskEventHub({
      db: t.db,
      tasks: new TaskRepository(t.db),
      logger: pino({ enabled: false }),
    });
    hubs.push(hub);
    const streams = new TaskEventStreams({
      hub,
      state,
      gauge,
      pod: 'test',
      heartbeatMs: 50,
      ...options,
    });
    const app = express();
    app.get('/api/tasks/events', streams.handler);
    app.use(errorHandler());
    const port = await serve(app);
    return { streams, state, gauge, port };
  }

  it('sends heartbeats while nothing happens', async () => {
    const t = await appWith();
    const { port } = await streamsOn(t);
    const stream = await openStream(port);
    await stream.next((e) => e.event === 'ready');
    await new Promise((r) => setTimeout(r, 400));
    expect(stream.heartbeats).toBeGreaterThanOrEqual(4);
  });

  it('caps the streams of one client address with a 429 problem, and frees the slot on close', async () => {
    const t = await appWith();
    const { port, gauge } = await streamsOn(t, { maxPerClient: 2 });
    const held = [await openStream(port), await openStream(port)];
    await Promise.all(held.map((s) => s.next((e) => e.event === 'ready')));

    const refused = await openStream(port);
    expect(refused.response.statusCode).toBe(429);
    expect(refused.response.headers['content-type']).toContain('application/problem+json');
    expect(refused.response.headers['retry-after']).toBe('30');
    expect(JSON.parse(await refused.body)).toMatchObject({
      status: 429,
      detail: 'This client already holds 2 event streams, the most one may open.',
    });
    expect((await gauge.get()).values[0]?.value).toBe(2);

    held[0]?.close();
    await held[0]?.body;
    const admitted = await openStream(port);
    expect(admitted.response.statusCode).toBe(200);
    await admitted.next((e) => e.event === 'ready');
    expect((await gauge.get()).values[0]?.value).toBe(2);
  });

  it('ends every stream on shutdown and refuses new ones while draining', async () => {
    const t = await appWith();
    const { port, gauge, streams, state } = await streamsOn(t);
    const open = [await openStream(port), await openStream(port)];
    await Promise.all(open.map((s) => s.next((e) => e.event === 'ready')));

    state.draining = true;
    expect(streams.closeAll()).toBe(2);
    await Promise.all(open.map((s) => s.body));
    expect(open.every((s) => s.ended)).toBe(true);
    expect((await gauge.get()).values[0]?.value).toBe(0);

    const refused = await openStream(port);
    expect(refused.response.statusCode).toBe(503);
    expect(refused.response.headers['retry-after']).toBe('1');
    expect(JSON.parse(await refused.body)).toMatchObject({ status: 503 });
  });
});
