import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import type { Request, Response } from 'express';

export interface FieldError {
  /** Where the bad value was: a body field, a query parameter, a path parameter or a header. */
  field: string;
  message: string;
}

/** An RFC 9457 problem the API answers with; thrown anywhere, rendered by the error handler. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly extras: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}

export const problemContentType = 'application/problem+json';

export function sendProblem(req: Request, res: Response, problem: HttpProblem): void {
  for (const [name, value] of Object.entries(problem.extras.headers ?? {}))
    res.setHeader(name, value);
  res
    .status(problem.status)
    .type(problemContentType)
    .setHeader('Cache-Control', 'no-store')
    .send(
      JSON.stringify({
        type: 'about:blank',
        title: STATUS_CODES[problem.status] ?? 'Error',
        status: problem.status,
        detail: problem.detail,
        instance: req.originalUrl,
        requestId: req.id,
        ...(problem.extras.errors ? { errors: problem.extras.errors } : {}),
      }),
    );
}

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    instance: z.string(),
    requestId: z.string(),
    errors: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .meta({ description: 'The fields, parameters or headers that were not valid.' }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details.' });
