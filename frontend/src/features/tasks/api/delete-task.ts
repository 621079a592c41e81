import { api, unwrap } from '../../../lib/api-client';
import type { Task } from '../types';
import { ifMatch } from './keys';

export async function deleteTask(task: Task): Promise<void> {
  await unwrap(
    api.DELETE('/api/tasks/{id}', { params: { path: { id: task.id }, header: ifMatch(task) } }),
  );
}
