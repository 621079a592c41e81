import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isDatabaseUnavailable } from '../db/database.js';
import { HttpProblem, sendProblem } from './problem.js';

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
    const parserProblem = fromBodyParser(error as { type?: unknown });
    if (parserProblem) {
      sendProblem(req, res, parserProblem);
      return;
    }
    if (isDatabaseUnavailable(error)) {
      req.log.warn({ err: error }, 'database unavailable');
      sendProblem(
        req,
        res,
        new HttpProblem(503, 'The database is unavailable; try again shortly.', {
          headers: { 'Retry-After': '5' },
        }),
      );
      return;
    }
    req.log.error({ err: error }, 'unhandled error');
    sendProblem(req, res, new HttpProblem(500, 'An unexpected error occurred.'));
  };
}
