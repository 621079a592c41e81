import type { InfiniteData } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { Task, TaskPage } from '../types';
import { applyTaskEvent } from './apply-task-event';
import type { TaskEvent } from './task-events';

let counter = 0;
function task(overrides: Partial<Task> & { createdAt: string }): Task {
  counter += 1;
  return {
    id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    title: `Task ${counter}`,
    description: '',
    status: 'todo',
    version: 1,
    updatedAt: overrides.createdAt,
    ...overrides,
  };
}

const pages = (...lists: [Task[], string | null][]): InfiniteData<TaskPage> => ({
  pages: lists.map(([items, nextCursor]) => ({ items, nextCursor })),
  pageParams: lists.map((_, i) => (i === 0 ? undefined : `c${i}`)),
});
const ids = (data: InfiniteData<TaskPage> | undefined) =>
  data?.pages.map((page) => page.items.map((t) => t.title));
const changed = (t: Task, type: 'created' | 'updated' = 'updated'): TaskEvent => ({
  type,
  eventId: String(++counter),
  id: t.id,
  version: t.version,
  task: t,
});

const newest = task({ createdAt: '2026-12-03T12:00:03.000Z' });
const middle = task({ createdAt: '2026-12-03T12:00:02.000Z' });
const oldest = task({ createdAt: '2026-12-03T12:00:01.000Z' });

describe('applyTaskEvent', () => {
  it('puts a created task where the list orders it, newest first', () => {
    const created = task({ createdAt: '2026-12-03T12:00:04.000Z', title: 'Created' });
    const between = task({ createdAt: '2026-12-03T12:00:02.500Z', title: 'Between' });
    const data = pages([[newest, middle, oldest], null]);
    expect(ids(applyTaskEvent(data, 'todo', changed(created, 'created')))).toEqual([
      ['Created', newest.title, middle.title, oldest.title],
    ]);
    expect(ids(applyTaskEvent(data, 'todo', changed(between, 'created')))).toEqual([
      [newest.title, 'Between', middle.title, oldest.title],
    ]);
  });

  it('leaves a task that belongs to a page not loaded yet for that page', () => {
    const older = task({ createdAt: '2026-12-03T11:00:00.000Z', title: 'Older' });
    const data = pages([[newest, middle], 'c1']);
    expect(applyTaskEvent(data, 'todo', changed(older, 'created'))).toBe(data);
    const complete = pages([[newest, middle], null]);
    expect(ids(applyTaskEvent(complete, 'todo', changed(older, 'created')))).toEqual([
      [newest.title, middle.title, 'Older'],
    ]);
  });

  it('moves a task: it leaves the column it left and enters the one it moved to', () => {
    const moved = { ...middle, status: 'done' as const, version: 2 };
    const todo = pages([[newest, middle, oldest], null]);
    const done = pages([[], null]);
    expect(ids(applyTaskEvent(todo, 'todo', changed(moved)))).toEqual([
      [newest.title, oldest.title],
    ]);
    expect(applyTaskEvent(done, 'done', changed(moved))?.pages[0]?.items).toEqual([moved]);
  });

  it('replaces a task in place with a newer version and ignores an older or equal one', () => {
    const renamed = { ...middle, title: 'Renamed', version: 3 };
    const data = pages([[newest, renamed, oldest], null]);
    expect(applyTaskEvent(data, 'todo', changed({ ...middle, title: 'Stale', version: 2 }))).toBe(
      data,
    );
    expect(applyTaskEvent(data, 'todo', changed(renamed))).toBe(data);
    const newer = { ...renamed, title: 'Newer', version: 4 };
    expect(ids(applyTaskEvent(data, 'todo', changed(newer)))).toEqual([
      [newest.title, 'Newer', oldest.title],
    ]);
  });

  it('removes a deleted task from whichever page holds it, and leaves other columns alone', () => {
    const data = pages([[newest], 'c1'], [[middle, oldest], null]);
    const deleted: TaskEvent = { type: 'deleted', eventId: '9', id: middle.id, version: 1 };
    expect(ids(applyTaskEvent(data, 'todo', deleted))).toEqual([[newest.title], [oldest.title]]);
    const other = pages([[oldest], null]);
    expect(applyTaskEvent(other, 'todo', { ...deleted, id: newest.id })).toBe(other);
  });

  it('changes nothing in a column that was never loaded', () => {
    expect(applyTaskEvent(undefined, 'todo', changed(newest, 'created'))).toBeUndefined();
  });
});
