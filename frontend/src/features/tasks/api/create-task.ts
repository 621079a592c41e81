import { apiRequest } from '../../../lib/api-client';
import type { NewTask, Task } from '../types';

/** The key travels with the request, so a retry of the same submission replays, not duplicates. */
export async function createTask(task: NewTask, idempotencyKey: string): Promise<Task> {
  return (
    await apiRequest<Task>('/api/tasks', {
      method: 'POST',
      body: task,
      headers: { 'Idempotency-Key': idempotencyKey },
    })
  ).data;
}
