import { apiRequest } from '../../../lib/api-client';
import type { TaskPage, TaskStatus } from '../types';
import { pageSize } from './keys';

export async function listTasks(status: TaskStatus, cursor: string | undefined): Promise<TaskPage> {
  const query = new URLSearchParams({ status, limit: String(pageSize) });
  if (cursor) query.set('cursor', cursor);
  return (await apiRequest<TaskPage>(`/api/tasks?${query.toString()}`)).data;
}
