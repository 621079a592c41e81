import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { WatchedFiles } from '../secrets/watched-files.js';
import { HttpProblem } from './problem.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Requests that never need the key: what the platform panel and API clients read first. */
const openRoutes = new Set([
  'GET /api/info',
  'GET /api/openapi.json',
  'HEAD /api/info',
  'HEAD /api/openapi.json',
]);

/**
 * The service key of API_KEY_FILE: every other /api request must carry it in X-Api-Key.
 * Compared in constant time (digests of equal length); the file is re-read when it changes.
 */
export function apiKeyGuard(file: WatchedFiles, path: string): RequestHandler {
  return (req, _res, next) => {
    if (openRoutes.has(`${req.method} ${req.baseUrl}${req.path}`)) {
      next();
      return;
    }
    const expected = file.get(path);
    const presented = req.get('X-Api-Key');
    if (
      !expected ||
      presented === undefined ||
      !timingSafeEqual(digest(presented), digest(expected))
    ) {
      throw new HttpProblem(401, 'A valid X-Api-Key header is required.', {
        headers: { 'WWW-Authenticate': 'ApiKey header="X-Api-Key"' },
      });
    }
    next();
  };
}
