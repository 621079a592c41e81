import { apiRequest } from '../../../lib/api-client';
import type { Task, TaskChanges } from '../types';
import { ifMatch, taskPath } from './keys';

export async function updateTask(task: Task, changes: TaskChanges): Promise<Task> {
  return (
    await apiRequest<Task>(taskPath(task.id), {
      method: 'PATCH',
      body: changes,
      headers: ifMatch(task),
    })
  ).data;
}
