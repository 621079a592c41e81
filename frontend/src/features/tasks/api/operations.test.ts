import { describe, expect, it } from 'vitest';
import { mockApi } from '../../../test/render';
import { getTask } from './get-task';
import { pageSize } from './keys';
import { listTasks } from './list-tasks';

const page = { items: [], nextCursor: null };

describe('the task operations', () => {
  it('list one status a page at a time, with the cursor only after the first page', async () => {
    const requests = mockApi({ status: 200, body: page });
    await expect(listTasks('in_progress', undefined)).resolves.toEqual(page);
    await listTasks('done', 'c/2+');
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET /api/tasks?status=in_progress&limit=${pageSize}`,
      `GET /api/tasks?status=done&limit=${pageSize}&cursor=c%2F2%2B`,
    ]);
  });

  it('read a task by its id, escaped into the path', async () => {
    const requests = mockApi({ status: 404, body: { status: 404, detail: 'No such task.' } });
    await expect(getTask('a/b?c')).rejects.toMatchObject({ status: 404 });
    expect(requests[0]?.url).toBe('/api/tasks/a%2Fb%3Fc');
  });
});
