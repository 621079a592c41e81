import { z } from 'zod';
import { hasSearchWord } from './search.js';

/** The schemas that validate requests are the ones the OpenAPI document is generated from. */

export const taskStatusSchema = z
  .enum(['todo', 'in_progress', 'done'])
  .meta({ id: 'TaskStatus', description: 'Where the task stands.' });

// PostgreSQL text cannot hold a NUL character; it is refused here, as a field error, not there.
// eslint-disable-next-line no-control-regex -- matching the NUL character is the point
const noNul = /^[^\u0000]*$/;
const title = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .regex(noNul, 'must not contain NUL characters');
const description = z
  .string()
  .max(2000, 'must be at most 2000 characters')
  .regex(noNul, 'must not contain NUL characters');

export const taskSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    description: z.string(),
    status: taskStatusSchema,
    createdAt: z.iso.datetime({ offset: true }),
    updatedAt: z.iso.datetime({ offset: true }),
    version: z
      .int()
      .min(1)
      .meta({ description: 'Increments on every change; the ETag carries it.' }),
  })
  .meta({ id: 'Task' });

export const createTaskSchema = z
  .strictObject({
    title,
    description: description.default(''),
    status: taskStatusSchema.default('todo'),
  })
  .meta({ id: 'CreateTask' });

export const updateTaskSchema = z
  .strictObject({
    title: title.optional(),
    description: description.optional(),
    status: taskStatusSchema.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { error: 'must change at least one field' })
  .meta({ id: 'UpdateTask', description: 'A JSON merge patch: the fields to change.' });

export const listTasksQuerySchema = z.strictObject({
  status: taskStatusSchema.optional(),
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(100, 'must be at most 100')
    .default(20),
  cursor: z.string().min(1).max(200).optional(),
  q: z
    .string()
    .trim()
    .max(200, 'must be at most 200 characters')
    .refine(hasSearchWord, 'must contain a letter or digit')
    .optional()
    .meta({
      description:
        'Search: tasks whose title or description has every word of this text as a word prefix.',
    }),
});

export const taskListSchema = z
  .object({
    items: z.array(taskSchema),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as cursor for the next page; null on the last.' }),
  })
  .meta({ id: 'TaskList' });

export const taskIdSchema = z.strictObject({ id: z.uuid({ error: 'must be a UUID' }) });

export const idempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, 'must be 1 to 255 visible ASCII characters');

/**
 * What GET /api/tasks/events sends in an event named `task`: one committed change, with the
 * task's id and the version it reached (for a delete, the version it had). eventId is unique
 * across every backend pod; it orders nothing, so a client keeps the highest version it saw.
 */
const taskEventBase = {
  eventId: z.string().regex(/^\d+$/),
  id: z.uuid(),
  version: z.int().min(1),
};
export const taskEventSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.enum(['created', 'updated']), ...taskEventBase, task: taskSchema }),
    z.object({ type: z.literal('deleted'), ...taskEventBase }),
  ])
  .meta({ id: 'TaskEvent', description: 'A committed change to one task.' });

/**
 * The data of the control events `ready` (the stream is live: refetch the list once, which
 * covers whatever happened before) and `resync` (changes may have been missed: refetch).
 */
export const taskStreamControlSchema = z
  .object({
    pod: z.string().meta({ description: 'The backend pod that holds the stream.' }),
    reason: z.string().optional(),
  })
  .meta({ id: 'TaskStreamControl' });

export type Task = z.infer<typeof taskSchema>;
export type TaskEvent = z.infer<typeof taskEventSchema>;
export type TaskStatus = z.infer<typeof taskStatusSchema>;
export type CreateTask = z.infer<typeof createTaskSchema>;
export type UpdateTask = z.infer<typeof updateTaskSchema>;
