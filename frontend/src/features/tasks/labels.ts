import type { TaskStatus } from './types';

export const statusLabels = {
  todo: 'To do',
  in_progress: 'In progress',
  done: 'Done',
} as const satisfies Record<TaskStatus, string>;

/** The board's columns, in order: every status the API knows (a new one fails the typecheck). */
export const taskStatuses = Object.keys(statusLabels) as TaskStatus[];
