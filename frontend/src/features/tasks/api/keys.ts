import type { Task, TaskStatus } from '../types';

export const pageSize = 20;

export const taskKeys = {
  all: ['tasks'] as const,
  list: (status: TaskStatus) => ['tasks', 'list', status] as const,
};

export const ifMatch = (task: Pick<Task, 'version'>) => ({ 'If-Match': `"${task.version}"` });

export const taskPath = (id: string) => `/api/tasks/${encodeURIComponent(id)}`;
