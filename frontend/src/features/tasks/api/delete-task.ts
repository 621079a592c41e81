import { apiRequest } from '../../../lib/api-client';
import type { Task } from '../types';
import { ifMatch, taskPath } from './keys';

export async function deleteTask(task: Task): Promise<void> {
  await apiRequest<undefined>(taskPath(task.id), { method: 'DELETE', headers: ifMatch(task) });
}
