import { describe, expect, it } from '@jest/globals';
import express from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import request from 'supertest';
import { apiRateLimit, clientKey } from './rate-limit.js';

describe('clientKey', () => {
  it('keys an IPv4 client by its address, written plainly or IPv4-mapped', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('::FFFF:127.0.0.1')).toBe('127.0.0.1');
  });

  it('keys an IPv6 client by its /56, as express-rate-limit does', () => {
    const addresses = [
      '2001:db8:1234:5600::1',
      '2001:db8:1234:56ff:ffff::2',
      '2001:db8:1234:5700::1',
      '::ffff:7f00:1',
      '::1',
    ];
    for (const address of addresses) expect(clientKey(address)).toBe(ipKeyGenerator(address, 56));
    expect(clientKey(addresses[0])).toBe(clientKey(addresses[1]));
    expect(clientKey(addresses[0])).not.toBe(clientKey(addresses[2]));
  });
});

describe('apiRateLimit', () => {
  const app = (max: number, windowSeconds: number) =>
    express()
      .set('trust proxy', true)
      .use(apiRateLimit({ max, windowSeconds }))
      .get('/', (_req, res) => {
        res.json({ ok: true });
      });

  it('counts each client in its own window, with the draft-8 headers on every answer', async () => {
    const limited = app(2, 60);
    const first = await request(limited).get('/').set('X-Forwarded-For', '203.0.113.1').expect(200);
    expect(first.headers.ratelimit).toBe('"2-in-1min"; r=1; t=60');
    expect(first.headers['ratelimit-policy']).toMatch(/^"2-in-1min"; q=2; w=60; pk=:[\w+/=]+:$/);
    await request(limited).get('/').set('X-Forwarded-For', '203.0.113.1').expect(200);
    const refused = await request(limited)
      .get('/')
      .set('X-Forwarded-For', '203.0.113.1')
      .expect(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.headers.ratelimit).toMatch(/^"2-in-1min"; r=0; t=(59|60)$/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(59);
    const other = await request(limited).get('/').set('X-Forwarded-For', '203.0.113.2').expect(200);
    expect(other.headers['ratelimit-policy']).not.toBe(first.headers['ratelimit-policy']);
  });

  it('starts a new window when the last one is over', async () => {
    const limited = app(1, 1);
    await request(limited).get('/').expect(200);
    await request(limited).get('/').expect(429);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const next = await request(limited).get('/').expect(200);
    expect(next.headers.ratelimit).toBe('"1-in-1sec"; r=0; t=1');
  });
});
