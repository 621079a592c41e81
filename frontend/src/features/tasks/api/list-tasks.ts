import { api, unwrap } from '../../../lib/api-client';
import type { TaskPage, TaskStatus } from '../types';
import { pageSize } from './keys';

export function listTasks(
  status: TaskStatus,
  cursor: string | undefined,
  signal?: AbortSignal,
  q?: string,
): Promise<TaskPage> {
  return unwrap(
    api.GET('/api/tasks', {
      params: {
        query: { status, limit: pageSize, ...(cursor ? { cursor } : {}), ...(q ? { q } : {}) },
      },
      signal: signal ?? null,
    }),
  );
}
