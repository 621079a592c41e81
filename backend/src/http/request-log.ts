import type { IncomingHttpHeaders } from 'node:http';
import type { Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { censoredByCaller } from '../logger.js';
import { requestId } from './request-id.js';

declare module 'http' {
  interface IncomingMessage {
    /** The request id (X-Request-Id), set by requestLog before any route runs. */
    id: string;
  }
}

/** Where requestLog leaves its logger on the request, for requestLogger. */
const loggerOf = Symbol('requestLog.logger');
type LoggedRequest = Request & { [loggerOf]?: Logger };

/** Header values that never reach a log line, whatever the logger's redact paths say. */
const secretHeaders = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key']);
export const redactedValue = '[redacted]';

function loggedHeaders(headers: IncomingHttpHeaders): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const name in headers) {
    copy[name] = secretHeaders.has(name) ? redactedValue : headers[name];
  }
  return copy;
}

function requestFields(req: Request) {
  return {
    id: req.id,
    method: req.method,
    url: req.originalUrl,
    headers: loggedHeaders(req.headers),
    remoteAddress: req.socket.remoteAddress,
    remotePort: req.socket.remotePort,
  };
}

/**
 * A logger whose lines carry the request (requestId, method, URL, headers): made when
 * something logs about a request (the error handler), so a request that logs nothing else
 * costs no child logger.
 */
export function requestLogger(req: Request): Logger {
  const logger = (req as LoggedRequest)[loggerOf];
  if (!logger) throw new Error('requestLog must run in front of requestLogger');
  return logger.child({ requestId: req.id, req: requestFields(req) });
}

/**
 * One JSON line per request when its response is finished (or the client went away first):
 * the requestId, method, URL, headers (secrets censored here), status and duration, at info
 * below 400, warn below 500, error from 500.
 */
export function requestLog(logger: Logger): RequestHandler {
  const lines = censoredByCaller(logger);
  return (req, res, next) => {
    const started = performance.now();
    req.id = requestId(req, res);
    (req as LoggedRequest)[loggerOf] = logger;
    // 'close' follows 'finish' on every response, and comes alone when the client went away
    // first: one listener tells both.
    res.on('close', () => {
      const status = res.statusCode;
      const fields = {
        requestId: req.id,
        req: requestFields(req),
        res: { statusCode: status },
        responseTime: Math.round(performance.now() - started),
      };
      if (!res.writableFinished) lines.warn(fields, 'request aborted');
      else if (status >= 500) lines.error(fields, 'request completed');
      else if (status >= 400) lines.warn(fields, 'request completed');
      else lines.info(fields, 'request completed');
    });
    next();
  };
}
