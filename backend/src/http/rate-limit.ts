import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { RequestHandler } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { HttpProblem, sendProblem } from './problem.js';

const ipv4Mapped = /^::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i;

/**
 * The client's key: its IPv4 address, or the /56 network of its IPv6 address, as
 * express-rate-limit's ipKeyGenerator keys it (a subscriber often holds a whole /56). A
 * listener on `::` sees IPv4 clients as IPv4-mapped IPv6 addresses: those count as the IPv4
 * address, without parsing an IPv6 address per request.
 */
export function clientKey(ip: string | undefined): string {
  // A socket already destroyed has no address: such requests share one key.
  if (ip === undefined) return 'unknown';
  const mapped = ipv4Mapped.exec(ip);
  if (mapped?.[1]) return mapped[1];
  return isIPv6(ip) ? ipKeyGenerator(ip, 56) : ip;
}

/** The policy's name in the draft-8 headers: "100-in-1min", as express-rate-limit names it. */
function policyName(limit: number, windowSeconds: number): string {
  const units: [number, string][] = [
    [86_400, 'day'],
    [3_600, 'hr'],
    [60, 'min'],
  ];
  for (const [seconds, unit] of units) {
    if (windowSeconds >= seconds) {
      const count = windowSeconds / seconds;
      return `${limit}-in-${count}${unit}${unit !== 'min' && count > 1 ? 's' : ''}`;
    }
  }
  return `${limit}-in-${windowSeconds}sec`;
}

interface Window {
  hits: number;
  resetAt: number;
  /** The draft-8 partition key: from a digest of the client key, computed once per client. */
  partition: string;
}

/**
 * A fixed window per client address (the address the trusted proxies report), counted in
 * memory: a client's window starts at its first request and lasts `windowSeconds`. Every answer
 * carries the draft-8 `RateLimit` and `RateLimit-Policy` headers; beyond the limit the answer
 * is a 429 problem with Retry-After. Clients idle for a whole window are forgotten.
 */
export function apiRateLimit(options: { max: number; windowSeconds: number }): RequestHandler {
  const windowMs = options.windowSeconds * 1000;
  const name = policyName(options.max, options.windowSeconds);
  let current = new Map<string, Window>();
  let previous = new Map<string, Window>();
  // Every window, the clients not seen since the last sweep are dropped.
  setInterval(() => {
    previous = current;
    current = new Map();
  }, windowMs).unref();

  const windowOf = (key: string, now: number): Window => {
    let window = current.get(key);
    if (!window) {
      window = previous.get(key) ?? {
        hits: 0,
        resetAt: now + windowMs,
        partition: Buffer.from(
          createHash('sha256').update(key).digest('hex').slice(0, 12),
        ).toString('base64'),
      };
      previous.delete(key);
      current.set(key, window);
    }
    if (window.resetAt <= now) {
      window.hits = 0;
      window.resetAt = now + windowMs;
    }
    return window;
  };

  return (req, res, next) => {
    const now = Date.now();
    const window = windowOf(clientKey(req.ip), now);
    window.hits += 1;
    const remaining = Math.max(options.max - window.hits, 0);
    const resetSeconds = Math.max(0, Math.ceil((window.resetAt - now) / 1000));
    res.setHeader('RateLimit', `"${name}"; r=${remaining}; t=${resetSeconds}`);
    res.setHeader(
      'RateLimit-Policy',
      `"${name}"; q=${options.max}; w=${options.windowSeconds}; pk=:${window.partition}:`,
    );
    if (window.hits <= options.max) {
      next();
      return;
    }
    const retryAfter = Math.max(1, resetSeconds);
    sendProblem(
      req,
      res,
      new HttpProblem(429, `Too many requests; retry in ${retryAfter} s.`, {
        headers: { 'Retry-After': String(retryAfter) },
      }),
    );
  };
}
