import type { Request, RequestHandler } from 'express';
import { rateLimit, type RateLimitInfo } from 'express-rate-limit';
import { HttpProblem, sendProblem } from './problem.js';

/** A fixed window per client address (the address the trusted proxies report). */
export function apiRateLimit(options: { max: number; windowSeconds: number }): RequestHandler {
  return rateLimit({
    windowMs: options.windowSeconds * 1000,
    limit: options.max,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, res, _next, limiter) => {
      const info = (req as Request & { rateLimit?: RateLimitInfo }).rateLimit;
      const resetTime = info?.resetTime?.getTime() ?? Date.now() + limiter.windowMs;
      const retryAfter = Math.max(1, Math.ceil((resetTime - Date.now()) / 1000));
      sendProblem(
        req,
        res,
        new HttpProblem(429, `Too many requests; retry in ${retryAfter} s.`, {
          headers: { 'Retry-After': String(retryAfter) },
        }),
      );
    },
  });
}
