import { api, unwrap } from '../../../lib/api-client';
import type { NewTask, Task } from '../types';

/** The key travels with the request, so a retry of the same submission replays, not duplicates. */
export function createTask(task: NewTask, idempotencyKey: string): Promise<Task> {
  return unwrap(
    api.POST('/api/tasks', {
      params: { header: { 'Idempotency-Key': idempotencyKey } },
      body: task,
    }),
  );
}
