import type { RequestHandler } from 'express';
import { HttpProblem } from './problem.js';

const jsonTypes = ['application/json', 'application/merge-patch+json'];

/** A request that sends a body must send JSON: anything else is a 415 before parsing. */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  if (!['POST', 'PUT', 'PATCH'].includes(req.method)) {
    next();
    return;
  }
  if (!req.is(jsonTypes)) {
    throw new HttpProblem(415, 'The body must be JSON (Content-Type: application/json).', {
      headers: { 'Accept-Post': 'application/json', 'Accept-Patch': jsonTypes.join(', ') },
    });
  }
  next();
};
