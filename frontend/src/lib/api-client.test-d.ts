// Checked by `pnpm typecheck` (tsc), never run: each call below must be a type error, and an
// unused @ts-expect-error is one, so the check fails when the client starts accepting them.
import { api } from './api-client';

export const refusedByTheDocument = [
  // @ts-expect-error -- listTasks has no `page` query parameter (openapi-fetch alone allows it)
  () => api.GET('/api/tasks', { params: { query: { status: 'todo', page: 2 } } }),
  // @ts-expect-error -- a task's path parameter is `id`
  () => api.GET('/api/tasks/{id}', { params: { path: { taskId: 'x' } } }),
  // @ts-expect-error -- updateTask requires If-Match
  () => api.PATCH('/api/tasks/{id}', { params: { path: { id: 'x' } }, body: {} }),
  () =>
    api.POST('/api/tasks', {
      // @ts-expect-error -- `name` is not a field of CreateTask
      body: { title: 't', description: '', status: 'todo', name: 'n' },
    }),
  // @ts-expect-error -- /api/tasks/{id} has no POST
  () => api.POST('/api/tasks/{id}', { params: { path: { id: 'x' } } }),
];
