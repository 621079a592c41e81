import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import { createLogger } from '../logger.js';
import { errorHandler } from './errors.js';
import { requestLog } from './request-log.js';

/** An app behind requestLog and the error handler, logging through createLogger into `lines`. */
function logged() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger({ level: 'info', service: 's', version: 'v' }, sink);
  const app = express()
    .use(requestLog(logger))
    .get('/ok', (_req, res) => {
      res.json({ ok: true });
    })
    .get('/missing', (_req, res) => {
      res.status(404).end();
    })
    .get('/fails', () => {
      throw new Error('broken on purpose');
    })
    .use(errorHandler());
  return { app, lines };
}

describe('requestLog', () => {
  it('writes one line per request with its id, status and duration, secrets censored', async () => {
    const { app, lines } = logged();
    await request(app)
      .get('/ok?x=1')
      .set('X-Request-Id', 'req-log-1')
      .set('X-Api-Key', 'never-log-this-key')
      .set('Authorization', 'Bearer never-log-this-token')
      .set('Cookie', 'session=never-log-this-cookie')
      .expect(200)
      .expect('X-Request-Id', 'req-log-1');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      msg: 'request completed',
      service: 's',
      requestId: 'req-log-1',
      req: { id: 'req-log-1', method: 'GET', url: '/ok?x=1' },
      res: { statusCode: 200 },
    });
    expect(typeof lines[0]?.responseTime).toBe('number');
    const headers = (lines[0]?.req as { headers: Record<string, string> }).headers;
    expect(headers['x-api-key']).toBe('[redacted]');
    expect(headers.authorization).toBe('[redacted]');
    expect(headers.cookie).toBe('[redacted]');
    expect(JSON.stringify(lines)).not.toContain('never-log-this');
  });

  it('logs client errors at warn, and server errors at error with the error line carrying the request', async () => {
    const { app, lines } = logged();
    await request(app).get('/missing').expect(404);
    await request(app).get('/fails').set('X-Request-Id', 'req-log-2').expect(500);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'request completed'],
      ['error', 'unhandled error'],
      ['error', 'request completed'],
    ]);
    expect(lines[1]).toMatchObject({ requestId: 'req-log-2', req: { url: '/fails' } });
    expect(JSON.stringify(lines[1])).toContain('broken on purpose');
  });
});
