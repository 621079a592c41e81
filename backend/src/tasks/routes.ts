import { createHash } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { HttpProblem } from '../http/problem.js';
import { parseInput } from '../http/validate.js';
import type { TaskEventStreams } from './event-stream.js';
import { IdempotencyConflict, type TaskRepository } from './repository.js';
import {
  createTaskSchema,
  idempotencyKeySchema,
  listTasksQuerySchema,
  taskIdSchema,
  updateTaskSchema,
  type Task,
} from './schema.js';

/** Cursors are opaque to clients: the position of the last item seen, base64url-encoded. */
export function encodeCursor(seq: string): string {
  return Buffer.from(JSON.stringify({ s: seq })).toString('base64url');
}

const maxBigint = 2n ** 63n - 1n;
const maxInteger = 2 ** 31 - 1;

export function decodeCursor(cursor: string): string {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const seq = (decoded as { s?: unknown } | null)?.s;
    // The column is a bigint: a larger number is not one this API issued.
    if (typeof seq === 'string' && /^[1-9]\d{0,18}$/.test(seq) && BigInt(seq) <= maxBigint) {
      return seq;
    }
  } catch {
    // falls through to the problem below
  }
  throw new HttpProblem(400, 'The cursor is not one this API issued.', {
    errors: [{ field: 'cursor', message: 'is not a valid cursor' }],
  });
}

export const etagOf = (task: Task): string => `"${task.version}"`;

/**
 * The versions an If-Match header accepts: undefined for "*", else the listed strong tags.
 * Weak tags never match (RFC 9110 strong comparison), and anything else is a 400.
 */
export function parseIfMatch(header: string): number[] | undefined {
  if (header.trim() === '*') return undefined;
  const versions: number[] = [];
  for (const part of header.split(',')) {
    const tag = part.trim();
    if (tag.startsWith('W/')) continue;
    const match = /^"([1-9]\d{0,9})"$/.exec(tag);
    if (!match?.[1]) {
      throw new HttpProblem(400, 'If-Match must list entity tags such as "3".', {
        errors: [{ field: 'If-Match', message: 'is not a list of entity tags' }],
      });
    }
    const version = Number(match[1]);
    // The column is an integer: a larger tag was never issued, so, like a weak tag, it never matches.
    if (version <= maxInteger) versions.push(version);
  }
  return versions;
}

function sendTask(res: Response, status: number, task: Task): void {
  res
    .status(status)
    .setHeader('ETag', etagOf(task))
    .setHeader('Cache-Control', 'no-cache')
    .json(task);
}

const notFound = (id: string) => new HttpProblem(404, `No task has the id ${id}.`);

const staleProblem = (current: Task) =>
  new HttpProblem(
    412,
    'The task changed since it was read; fetch it again and reapply the change.',
    {
      headers: { ETag: etagOf(current) },
    },
  );

export function tasksRouter(tasks: TaskRepository, events: TaskEventStreams): Router {
  const router = Router();

  router.get('/events', events.handler);

  router.get('/', async (req: Request, res: Response) => {
    const query = parseInput(listTasksQuerySchema, req.query, 'query');
    const afterSeq = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const page = await tasks.list({
      limit: query.limit,
      ...(query.status ? { status: query.status } : {}),
      ...(afterSeq ? { afterSeq } : {}),
      ...(query.q ? { search: query.q } : {}),
    });
    res.setHeader('Cache-Control', 'no-store').json({
      items: page.items,
      nextCursor: page.after === null ? null : encodeCursor(page.after),
    });
  });

  router.post('/', async (req: Request, res: Response) => {
    const input = parseInput(createTaskSchema, req.body, 'body');
    const keyHeader = req.get('Idempotency-Key');
    if (keyHeader === undefined) {
      const task = await tasks.create(input);
      res.location(`/api/tasks/${task.id}`);
      sendTask(res, 201, task);
      return;
    }
    const key = parseInput(idempotencyKeySchema, keyHeader, 'header');
    const requestHash = createHash('sha256').update(JSON.stringify(input)).digest('hex');
    try {
      const { task, replayed } = await tasks.createIdempotent(key, requestHash, input);
      if (replayed) res.setHeader('Idempotent-Replayed', 'true');
      res.location(`/api/tasks/${task.id}`);
      sendTask(res, 201, task);
    } catch (error) {
      if (error instanceof IdempotencyConflict) {
        throw new HttpProblem(
          422,
          'This Idempotency-Key was already used for a different request.',
          {
            errors: [
              { field: 'Idempotency-Key', message: 'was used with a different request body' },
            ],
          },
        );
      }
      throw error;
    }
  });

  router.get('/:id', async (req: Request, res: Response) => {
    const { id } = parseInput(taskIdSchema, req.params, 'path');
    const task = await tasks.get(id);
    if (!task) throw notFound(id);
    const ifNoneMatch = req.get('If-None-Match');
    if (ifNoneMatch?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etagOf(task))) {
      res.status(304).setHeader('ETag', etagOf(task)).end();
      return;
    }
    sendTask(res, 200, task);
  });

  router.patch('/:id', async (req: Request, res: Response) => {
    const { id } = parseInput(taskIdSchema, req.params, 'path');
    const ifMatch = req.get('If-Match');
    if (ifMatch === undefined) {
      throw new HttpProblem(428, 'Send If-Match with the ETag of the task you read.', {
        errors: [{ field: 'If-Match', message: 'is required' }],
      });
    }
    const expected = parseIfMatch(ifMatch);
    const patch = parseInput(updateTaskSchema, req.body, 'body');
    const outcome = await tasks.update(id, patch, expected);
    if (outcome.kind === 'missing') throw notFound(id);
    if (outcome.kind === 'stale') throw staleProblem(outcome.current);
    sendTask(res, 200, outcome.task);
  });

  router.delete('/:id', async (req: Request, res: Response) => {
    const { id } = parseInput(taskIdSchema, req.params, 'path');
    const ifMatch = req.get('If-Match');
    const outcome = await tasks.delete(
      id,
      ifMatch === undefined ? undefined : parseIfMatch(ifMatch),
    );
    if (outcome.kind === 'missing') throw notFound(id);
    if (outcome.kind === 'stale') throw staleProblem(outcome.current);
    res.status(204).end();
  });

  return router;
}
