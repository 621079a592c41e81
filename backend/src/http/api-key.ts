import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { WatchedFiles } from '../secrets/watched-files.js';
import { HttpProblem } from './problem.js';

/** The files of the accepted service keys: the current one, then the next one when set. */
export function apiKeyFiles(config: {
  apiKeyFile: string | undefined;
  apiNextKeyFile: string | undefined;
}): string[] {
  return [config.apiKeyFile, config.apiNextKeyFile].filter((p): p is string => p !== undefined);
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The digests of the accepted keys, computed again only when a key file's content changes. */
function keyDigests(): (keys: readonly string[]) => Buffer[] {
  let last: { keys: readonly string[]; digests: Buffer[] } | undefined;
  return (keys) => {
    if (last?.keys.length !== keys.length || last.keys.some((key, i) => key !== keys[i])) {
      last = { keys, digests: keys.map(digest) };
    }
    return last.digests;
  };
}

/** Requests that never need the key: what the platform panel and API clients read first. */
const openRoutes = new Set([
  'GET /api/info',
  'GET /api/openapi.json',
  'HEAD /api/info',
  'HEAD /api/openapi.json',
]);

/**
 * The service keys of API_KEY_FILE and API_NEXT_KEY_FILE: every other /api request must carry
 * one of them in X-Api-Key. Two are accepted so that a rotation never has a moment when the
 * frontends' nginx sends a key some backend pod does not know yet (each pod's CSI mount is
 * refreshed on its own schedule). Compared in constant time (digests of equal length), every
 * key each time; the files are re-read when they change.
 */
export function apiKeyGuard(file: WatchedFiles, paths: readonly string[]): RequestHandler {
  const digestsOf = keyDigests();
  return (req, _res, next) => {
    if (openRoutes.has(`${req.method} ${req.baseUrl}${req.path}`)) {
      next();
      return;
    }
    const presented = req.get('X-Api-Key');
    const keys = paths.map((p) => file.get(p)).filter((k): k is string => !!k);
    if (presented === undefined || !matchesAny(presented, digestsOf(keys))) {
      throw new HttpProblem(401, 'A valid X-Api-Key header is required.', {
        headers: { 'WWW-Authenticate': 'ApiKey header="X-Api-Key"' },
      });
    }
    next();
  };
}

function matchesAny(presented: string, keyDigests: readonly Buffer[]): boolean {
  const given = digest(presented);
  let match = false;
  for (const key of keyDigests) match = timingSafeEqual(given, key) || match;
  return match;
}
