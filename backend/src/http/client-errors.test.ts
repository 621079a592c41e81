import { describe, expect, it } from '@jest/globals';
import express from 'express';
import { pino } from 'pino';
import request from 'supertest';
import { useTestApp } from '../../test/helpers/app.js';
import { errorHandler } from './errors.js';
import { requestLog } from './request-log.js';

const stack = useTestApp();

const api = () => request(stack.t.app);
const cursorWith = (seq: string) =>
  Buffer.from(JSON.stringify({ s: seq }), 'utf8').toString('base64url');

function expectClientProblem(res: request.Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect((res.body as { status: number }).status).toBe(status);
  expect(JSON.stringify(res.body)).not.toMatch(/stack|SELECT|at \//);
}

/** Inputs that once made the API answer 500: each is the client's mistake, answered as one. */
describe('inputs the API refuses with a 4xx problem', () => {
  it.each(['gzip', 'br', 'deflate'])('a %s body that does not inflate', async (encoding) => {
    const res = await api()
      .post('/api/tasks')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', encoding)
      .send(Buffer.from('this is not compressed at all'));
    expectClientProblem(res, 400);
  });

  it('a cursor whose position is beyond bigint', async () => {
    for (const seq of ['9999999999999999999', '9223372036854775808']) {
      expectClientProblem(await api().get(`/api/tasks?cursor=${cursorWith(seq)}`), 400);
    }
    // The largest bigint is a cursor this API could have issued.
    const largest = await api().get(`/api/tasks?cursor=${cursorWith('9223372036854775807')}`);
    expect(largest.status).toBe(200);
  });

  it('If-Match beyond integer on PATCH and DELETE: a tag never issued, so it never matches', async () => {
    const created = await api().post('/api/tasks').send({ title: 'Versioned' }).expect(201);
    const path = `/api/tasks/${(created.body as { id: string }).id}`;
    for (const tag of ['"9999999999"', '"2147483648"']) {
      const patched = await api().patch(path).set('If-Match', tag).send({ title: 'Never' });
      expectClientProblem(patched, 412);
      expectClientProblem(await api().delete(path).set('If-Match', tag), 412);
    }
    await api().get(path).expect(200);
  });

  it('a path with malformed percent-encoding', async () => {
    for (const path of ['/api/tasks/%E0%A4%A', '/api/tasks/%', '/api/tasks/%zz']) {
      expectClientProblem(await api().get(path), 400);
    }
  });
});

describe('the error handler', () => {
  /** A real Express app whose one route fails with `error`, behind the API's error handler. */
  const answerTo = (error: unknown) => {
    const app = express();
    app.use(requestLog(pino({ level: 'silent' })));
    app.get('/', () => {
      throw error;
    });
    app.use(errorHandler());
    return request(app).get('/');
  };

  it.each([
    ['22003', 400],
    ['22P02', 400],
    ['42P01', 500],
  ])('answers a PostgreSQL %s with %i', async (code, status) => {
    const res = await answerTo(Object.assign(new Error('from PostgreSQL'), { code }));
    expect(res.status).toBe(status);
    expect(res.text).not.toContain('from PostgreSQL');
  });

  it('keeps the status of a client error and hides a server-side one', async () => {
    expect((await answerTo(Object.assign(new Error('x'), { status: 415 }))).status).toBe(415);
    expect((await answerTo(Object.assign(new Error('x'), { status: 503 }))).status).toBe(500);
  });
});
