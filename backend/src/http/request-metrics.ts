import type { RequestHandler, Response } from 'express';
import type { Metrics } from '../metrics.js';

/** The label of a request no route matched: one value, so scanners cannot grow the series. */
export const unmatchedRoute = 'unmatched';

interface RouteLocals {
  /** Where the router that is handling the request is mounted (req.baseUrl inside it). */
  routeBase?: string;
}

/**
 * Mounted in front of a router: remembers its base, because Express restores req.baseUrl on
 * the way out (an error handled by the app's handler sees the outer base).
 */
export const recordRouteBase: RequestHandler = (req, res, next) => {
  (res.locals as RouteLocals).routeBase = req.baseUrl;
  next();
};

/** The matched route's template (never the raw path, so the label stays bounded). */
function routeLabel(route: { path?: unknown } | undefined, res: Response): string {
  const base = (res.locals as RouteLocals).routeBase;
  if (typeof route?.path !== 'string' || base === undefined) return unmatchedRoute;
  return route.path === '/' ? base : `${base}${route.path}`;
}

/** Observes every request that reaches it into http_request_duration_seconds. */
export function requestMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const stop = metrics.httpRequestDuration.startTimer();
    // A response finishes once: a plain listener spares the wrapper of once().
    res.on('finish', () => {
      stop({
        method: req.method,
        route: routeLabel(req.route as { path?: unknown } | undefined, res),
        status_code: String(res.statusCode),
      });
    });
    next();
  };
}
