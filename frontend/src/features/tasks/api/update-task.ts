import { api, unwrap } from '../../../lib/api-client';
import type { Task, TaskChanges } from '../types';
import { ifMatch } from './keys';

export function updateTask(task: Task, changes: TaskChanges): Promise<Task> {
  return unwrap(
    api.PATCH('/api/tasks/{id}', {
      params: { path: { id: task.id }, header: ifMatch(task) },
      body: changes,
    }),
  );
}
