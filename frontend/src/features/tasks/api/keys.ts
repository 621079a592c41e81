import type { Task, TaskStatus } from '../types';

export const pageSize = 20;

export const taskKeys = {
  all: ['tasks'] as const,
  list: (status: TaskStatus) => ['tasks', 'list', status] as const,
};

/** A change is sent against the version it was made on; a newer one on the server gives 412. */
export const ifMatch = (task: Pick<Task, 'version'>) => ({ 'If-Match': `"${task.version}"` });
