import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isDatabaseUnavailable } from '../db/database.js';
import { HttpProblem, sendProblem } from './problem.js';
import { requestLogger } from './request-log.js';

/** body-parser's error types, as problems the client can act on. */
function fromBodyParser(error: { type?: unknown; status?: unknown }): HttpProblem | undefined {
  switch (error.type) {
    case 'entity.too.large':
      return new HttpProblem(413, 'The body is larger than the API accepts.');
    case 'entity.parse.failed':
      return new HttpProblem(400, 'The body is not valid JSON.', {
        errors: [{ field: 'body', message: 'is not valid JSON' }],
      });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpProblem(415, 'The body encoding or charset is not supported.');
    default:
      return undefined;
  }
}

/**
 * Other client errors raised by Express and its parsers (a 4xx status: a body that does not
 * inflate, a path that does not decode) keep their status, with a generic detail.
 */
function fromClientError(error: { status?: unknown }): HttpProblem | undefined {
  const { status } = error;
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  return new HttpProblem(status, 'The request cannot be processed as sent.');
}

/**
 * PostgreSQL refusing a value (22003 numeric_value_out_of_range, 22P02
 * invalid_text_representation) means an input slipped past validation: the client's to fix.
 */
function fromRefusedValue(error: { code?: unknown }): HttpProblem | undefined {
  if (error.code !== '22003' && error.code !== '22P02') return undefined;
  return new HttpProblem(400, 'A value in the request is out of range or malformed.');
}

export const notFound: RequestHandler = (req) => {
  throw new HttpProblem(404, `Nothing is served at ${req.method} ${req.path}.`);
};

/** The one place errors become responses: never a stack trace or SQL text to the client. */
export function errorHandler(): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (error instanceof HttpProblem) {
      sendProblem(req, res, error);
      return;
    }
    const clientProblem =
      fromBodyParser(error as { type?: unknown }) ?? fromClientError(error as { status?: unknown });
    if (clientProblem) {
      sendProblem(req, res, clientProblem);
      return;
    }
    const refused = fromRefusedValue(error as { code?: unknown });
    if (refused) {
      requestLogger(req).warn(
        { err: error },
        'the database refused a value that passed validation',
      );
      sendProblem(req, res, refused);
      return;
    }
    if (isDatabaseUnavailable(error)) {
      requestLogger(req).warn({ err: error }, 'database unavailable');
      sendProblem(
        req,
        res,
        new HttpProblem(503, 'The database is unavailable; try again shortly.', {
          headers: { 'Retry-After': '5' },
        }),
      );
      return;
    }
    requestLogger(req).error({ err: error }, 'unhandled error');
    sendProblem(req, res, new HttpProblem(500, 'An unexpected error occurred.'));
  };
}
