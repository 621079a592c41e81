import type { InfiniteData } from '@tanstack/react-query';
import type { Task, TaskPage, TaskStatus } from '../types';
import type { TaskEvent } from './task-events';

type Pages = InfiniteData<TaskPage>;

const withItems = (data: Pages, items: (page: TaskPage, index: number) => Task[]): Pages => ({
  ...data,
  pages: data.pages.map((page, index) => ({ ...page, items: items(page, index) })),
});

/** Newest first, as the API lists them. */
const newerThan = (a: Task, b: Task) => a.createdAt > b.createdAt;

/**
 * One column's cached pages after a task event, without a request: a task leaves the column
 * it is no longer in, enters the one it now is in (where the loaded pages place it; a task
 * that belongs to a page not loaded yet is left for that page), and an event older than the
 * cached copy (a lower version) changes nothing.
 */
export function applyTaskEvent(
  data: Pages | undefined,
  status: TaskStatus,
  event: TaskEvent,
): Pages | undefined {
  if (!data) return data;
  const cached = data.pages.flatMap((page) => page.items).find((task) => task.id === event.id);
  const without = () => withItems(data, (page) => page.items.filter((t) => t.id !== event.id));

  if (event.type === 'deleted') return cached ? without() : data;
  if (cached && cached.version >= event.version) return data;
  const { task } = event;
  if (task.status !== status) return cached ? without() : data;
  if (cached) {
    return withItems(data, (page) => page.items.map((t) => (t.id === task.id ? task : t)));
  }

  const lastPage = data.pages.length - 1;
  const target = data.pages.findIndex((page, index) => {
    const older = page.items.findIndex((t) => newerThan(task, t));
    return older >= 0 || (index === lastPage && page.nextCursor === null);
  });
  if (target < 0) return data;
  return withItems(data, (page, index) => {
    if (index !== target) return page.items;
    const at = page.items.findIndex((t) => newerThan(task, t));
    const items = [...page.items];
    items.splice(at < 0 ? items.length : at, 0, task);
    return items;
  });
}
