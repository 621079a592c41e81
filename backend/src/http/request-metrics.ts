import type { RequestHandler } from 'express';
import type { Metrics } from '../metrics.js';

/** Turns a path into its route template (never the raw path, so the label stays bounded). */
export function routeMatcher(templates: string[]): (path: string) => string {
  const patterns = templates.map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/:\w+/g, '[^/]+')}/?$`),
  }));
  return (path) => patterns.find(({ pattern }) => pattern.test(path))?.template ?? 'unmatched';
}

/** Observes every request that reaches it into http_request_duration_seconds. */
export function requestMetrics(
  metrics: Metrics,
  routeOf: (path: string) => string,
): RequestHandler {
  return (req, res, next) => {
    const stop = metrics.httpRequestDuration.startTimer();
    res.once('finish', () => {
      // originalUrl: routers rewrite req.url while they route, and may not restore it by now.
      const path = req.originalUrl.split('?')[0] ?? '/';
      stop({ method: req.method, route: routeOf(path), status_code: String(res.statusCode) });
    });
    next();
  };
}
