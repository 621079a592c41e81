import { beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { useTestApp } from '../../test/helpers/app.js';
import { admin } from '../../test/helpers/database.js';
import { decodeCursor, encodeCursor, parseIfMatch } from './routes.js';

const stack = useTestApp();

beforeEach(async () => {
  await admin((c) => c.query('TRUNCATE tasks, idempotency_keys'), stack.database.name);
});

const api = () => request(stack.t.app);

async function createTask(body: Record<string, unknown> = { title: 'Write the runbook' }) {
  const res = await api().post('/api/tasks').send(body).expect(201);
  return res.body as { id: string; version: number; title: string; status: string };
}

function expectProblem(res: request.Response, status: number, field?: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.body as {
    status: number;
    title: string;
    detail: string;
    requestId: string;
    errors?: { field: string }[];
  };
  expect(body.status).toBe(status);
  expect(body.requestId).toBe(res.headers['x-request-id']);
  expect(JSON.stringify(body)).not.toMatch(/at .+\.(ts|js):\d+|SELECT|INSERT|UPDATE tasks/);
  if (field !== undefined) expect(body.errors?.map((e) => e.field)).toContain(field);
}

describe('POST /api/tasks', () => {
  it('creates a task with defaults, a Location and an ETag', async () => {
    const res = await api().post('/api/tasks').send({ title: '  Ship it  ' }).expect(201);
    expect(res.body).toMatchObject({
      title: 'Ship it',
      description: '',
      status: 'todo',
      version: 1,
    });
    expect(res.headers.location).toBe(`/api/tasks/${res.body.id}`);
    expect(res.headers.etag).toBe('"1"');
    expect(new Date(res.body.createdAt).toISOString()).toBe(res.body.createdAt);
  });

  it.each([
    ['no title', {}, 'title'],
    ['an empty title', { title: '' }, 'title'],
    ['a blank title', { title: '   ' }, 'title'],
    ['a 201-character title', { title: 'x'.repeat(201) }, 'title'],
    ['a number as title', { title: 7 }, 'title'],
    // PostgreSQL cannot store NUL; found by the schemathesis run of scripts/resilience.sh.
    ['a NUL character in the title', { title: 'up\u0000date' }, 'title'],
    ['a NUL character in the description', { title: 'ok', description: 'a\u0000b' }, 'description'],
    ['a 2001-character description', { title: 'ok', description: 'd'.repeat(2001) }, 'description'],
    ['an unknown status', { title: 'ok', status: 'blocked' }, 'status'],
    ['an unknown field', { title: 'ok', owner: 'me' }, 'owner'],
    ['an array body', [{ title: 'ok' }], 'body'],
  ])('rejects %s, naming %s', async (_label, body, field) => {
    expectProblem(await api().post('/api/tasks').send(body), 400, field);
  });

  it('accepts the limits exactly', async () => {
    await api()
      .post('/api/tasks')
      .send({ title: 'x'.repeat(200), description: 'd'.repeat(2000), status: 'done' })
      .expect(201);
  });

  it('answers 415 for a body that is not JSON', async () => {
    const res = await api().post('/api/tasks').set('Content-Type', 'text/plain').send('title=x');
    expectProblem(res, 415);
  });

  it('answers 400 for malformed JSON', async () => {
    const res = await api()
      .post('/api/tasks')
      .set('Content-Type', 'application/json')
      .send('{"title":');
    expectProblem(res, 400, 'body');
  });

  it('answers 413 beyond the body limit', async () => {
    const res = await api()
      .post('/api/tasks')
      .send({ title: 'x', description: 'd'.repeat(70_000) });
    expectProblem(res, 413);
  });

  it('makes one task for a retried Idempotency-Key and replays the first response', async () => {
    const send = () =>
      api().post('/api/tasks').set('Idempotency-Key', 'create-42').send({ title: 'Only once' });
    const first = await send().expect(201);
    const second = await send().expect(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.location).toBe(first.headers.location);
    expect(second.headers['idempotent-replayed']).toBe('true');
    const { rows } = await admin(
      (c) => c.query("SELECT count(*)::int AS n FROM tasks WHERE title = 'Only once'"),
      stack.database.name,
    );
    expect(rows[0].n).toBe(1);
  });

  it('makes one task when the same key arrives concurrently', async () => {
    const responses = await Promise.all(
      Array.from({ length: 5 }, () =>
        api()
          .post('/api/tasks')
          .set('Idempotency-Key', 'double-click')
          .send({ title: 'Clicked twice' }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(responses.map((r) => (r.body as { id: string }).id)).size).toBe(1);
    const { rows } = await admin(
      (c) => c.query('SELECT count(*)::int AS n FROM tasks'),
      stack.database.name,
    );
    expect(rows[0].n).toBe(1);
  });

  it('refuses a key reused with a different body', async () => {
    await api().post('/api/tasks').set('Idempotency-Key', 'k-1').send({ title: 'A' }).expect(201);
    const res = await api().post('/api/tasks').set('Idempotency-Key', 'k-1').send({ title: 'B' });
    expectProblem(res, 422, 'Idempotency-Key');
  });

  it('rejects an Idempotency-Key that is not visible ASCII', async () => {
    const res = await api()
      .post('/api/tasks')
      .set('Idempotency-Key', 'with space')
      .send({ title: 'A' });
    expectProblem(res, 400);
  });
});

describe('GET /api/tasks', () => {
  it('lists newest first and pages with an opaque cursor until the end', async () => {
    for (let i = 1; i <= 5; i++) await createTask({ title: `task ${i}` });
    const first = await api().get('/api/tasks?limit=2').expect(200);
    expect(first.body.items.map((t: { title: string }) => t.title)).toEqual(['task 5', 'task 4']);
    const second = await api()
      .get(`/api/tasks?limit=2&cursor=${first.body.nextCursor}`)
      .expect(200);
    expect(second.body.items.map((t: { title: string }) => t.title)).toEqual(['task 3', 'task 2']);
    const last = await api().get(`/api/tasks?limit=2&cursor=${second.body.nextCursor}`).expect(200);
    expect(last.body.items.map((t: { title: string }) => t.title)).toEqual(['task 1']);
    expect(last.body.nextCursor).toBeNull();
  });

  it('filters by status', async () => {
    await createTask({ title: 'a', status: 'todo' });
    await createTask({ title: 'b', status: 'done' });
    await createTask({ title: 'c', status: 'done' });
    const res = await api().get('/api/tasks?status=done').expect(200);
    expect(res.body.items.map((t: { title: string }) => t.title)).toEqual(['c', 'b']);
    expect(res.body.nextCursor).toBeNull();
  });

  it('uses 20 as the default page size', async () => {
    await admin(
      (c) => c.query("INSERT INTO tasks (title) SELECT 'bulk ' || g FROM generate_series(1, 25) g"),
      stack.database.name,
    );
    const res = await api().get('/api/tasks').expect(200);
    expect(res.body.items).toHaveLength(20);
    expect(res.body.nextCursor).toEqual(expect.any(String));
  });

  it.each([
    ['status=blocked', 'status'],
    ['status=todo&status=done', 'status'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['cursor=not-a-cursor', 'cursor'],
    [`cursor=${Buffer.from('{"s":"0"}').toString('base64url')}`, 'cursor'],
    ['sort=title', 'sort'],
  ])('rejects ?%s naming %s', async (query, field) => {
    expectProblem(await api().get(`/api/tasks?${query}`), 400, field);
  });
});

describe('GET /api/tasks/:id', () => {
  it('returns the task with its version as ETag, and 304 for a matching If-None-Match', async () => {
    const task = await createTask();
    const res = await api().get(`/api/tasks/${task.id}`).expect(200);
    expect(res.body).toMatchObject({ id: task.id, version: 1 });
    expect(res.headers.etag).toBe('"1"');
    await api().get(`/api/tasks/${task.id}`).set('If-None-Match', '"1"').expect(304);
  });

  it('answers 400 for an id that is not a UUID and 404 for a missing one', async () => {
    expectProblem(await api().get('/api/tasks/42'), 400, 'id');
    expectProblem(await api().get('/api/tasks/6f1c1f2e-35a4-4c1e-9a55-3f8f2a7e9b10'), 404);
  });
});

describe('PATCH /api/tasks/:id', () => {
  it('changes the fields sent when If-Match holds the current version', async () => {
    const task = await createTask({ title: 'Draft', description: 'keep me' });
    const res = await api()
      .patch(`/api/tasks/${task.id}`)
      .set('If-Match', '"1"')
      .send({ title: 'Final', status: 'in_progress' })
      .expect(200);
    expect(res.body).toMatchObject({
      title: 'Final',
      description: 'keep me',
      status: 'in_progress',
      version: 2,
    });
    expect(res.headers.etag).toBe('"2"');
    expect(Date.parse(res.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(res.body.createdAt));
  });

  it('answers 412 with the current ETag when the version is stale, and changes nothing', async () => {
    const task = await createTask();
    await api()
      .patch(`/api/tasks/${task.id}`)
      .set('If-Match', '"1"')
      .send({ status: 'done' })
      .expect(200);
    const res = await api()
      .patch(`/api/tasks/${task.id}`)
      .set('If-Match', '"1"')
      .send({ title: 'Lost update' });
    expectProblem(res, 412);
    expect(res.headers.etag).toBe('"2"');
    const current = await api().get(`/api/tasks/${task.id}`).expect(200);
    expect(current.body).toMatchObject({ title: task.title, status: 'done', version: 2 });
  });

  it('requires If-Match (428) and rejects a malformed one (400)', async () => {
    const task = await createTask();
    expectProblem(await api().patch(`/api/tasks/${task.id}`).send({ title: 'x' }), 428, 'If-Match');
    expectProblem(
      await api().patch(`/api/tasks/${task.id}`).set('If-Match', 'version-1').send({ title: 'x' }),
      400,
      'If-Match',
    );
  });

  it('accepts application/merge-patch+json', async () => {
    const task = await createTask();
    await api()
      .patch(`/api/tasks/${task.id}`)
      .set('If-Match', '*')
      .set('Content-Type', 'application/merge-patch+json')
      .send(JSON.stringify({ status: 'done' }))
      .expect(200);
  });

  it.each([
    [{}, 'body'],
    [{ title: '' }, 'title'],
    [{ status: 'archived' }, 'status'],
    [{ version: 9 }, 'version'],
    [{ description: null }, 'description'],
  ])('rejects %j naming %s', async (body, field) => {
    const task = await createTask();
    expectProblem(
      await api().patch(`/api/tasks/${task.id}`).set('If-Match', '"1"').send(body),
      400,
      field,
    );
  });

  it('answers 404 for a missing task', async () => {
    const res = await api()
      .patch('/api/tasks/6f1c1f2e-35a4-4c1e-9a55-3f8f2a7e9b10')
      .set('If-Match', '"1"')
      .send({ title: 'x' });
    expectProblem(res, 404);
  });
});

describe('DELETE /api/tasks/:id', () => {
  it('deletes (204), then the task is gone (404)', async () => {
    const task = await createTask();
    await api().delete(`/api/tasks/${task.id}`).expect(204);
    expectProblem(await api().get(`/api/tasks/${task.id}`), 404);
    expectProblem(await api().delete(`/api/tasks/${task.id}`), 404);
  });

  it('honours If-Match when sent', async () => {
    const task = await createTask();
    expectProblem(await api().delete(`/api/tasks/${task.id}`).set('If-Match', '"7"'), 412);
    await api().delete(`/api/tasks/${task.id}`).set('If-Match', '"1"').expect(204);
  });
});

describe('unknown paths', () => {
  it('answers 404 problem+json', async () => {
    expectProblem(await api().get('/api/nothing-here'), 404);
  });
});

describe('cursor and If-Match parsing', () => {
  it('round-trips a cursor', () => {
    expect(decodeCursor(encodeCursor('12345'))).toBe('12345');
    expect(decodeCursor(encodeCursor('9223372036854775807'))).toBe('9223372036854775807');
    expect(() => decodeCursor(encodeCursor('9223372036854775808'))).toThrow('cursor');
  });

  it('reads strong tags, * and lists; ignores weak tags', () => {
    expect(parseIfMatch('*')).toBeUndefined();
    expect(parseIfMatch('"3"')).toEqual([3]);
    expect(parseIfMatch('"3", "4"')).toEqual([3, 4]);
    expect(parseIfMatch('W/"3"')).toEqual([]);
    expect(parseIfMatch('"9999999999"')).toEqual([]);
    expect(parseIfMatch('"2147483647"')).toEqual([2147483647]);
    expect(() => parseIfMatch('3')).toThrow('If-Match');
  });
});
