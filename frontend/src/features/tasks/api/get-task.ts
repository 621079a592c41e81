import { api, unwrap } from '../../../lib/api-client';
import type { Task } from '../types';

export function getTask(id: string): Promise<Task> {
  return unwrap(api.GET('/api/tasks/{id}', { params: { path: { id } } }));
}
