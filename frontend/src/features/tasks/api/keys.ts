import type { Task, TaskStatus } from '../types';

export const pageSize = 20;

export const taskKeys = {
  all: ['tasks'] as const,
  list: (status: TaskStatus) => ['tasks', 'list', status] as const,
  /** A column while a search is on: a snapshot the event stream refreshes, not edits. */
  search: (status: TaskStatus, q: string) => ['tasks', 'list', status, { q }] as const,
};

/** A change is sent against the version it was made on; a newer one on the server gives 412. */
export const ifMatch = (task: Pick<Task, 'version'>) => ({ 'If-Match': `"${task.version}"` });
