import {
  useInfiniteQuery,
  useMutation,
  useQueryClient,
  type InfiniteData,
} from '@tanstack/react-query';
import type { components } from '../../../lib/api/schema';
import { ApiError, apiRequest } from '../../../lib/api-client';

// The shapes come from the backend's OpenAPI document (lib/api/schema.d.ts is generated):
// a changed schema field fails this workspace's typecheck until it is handled here.
export type Task = components['schemas']['Task'];
export type TaskStatus = components['schemas']['TaskStatus'];
export type TaskPage = components['schemas']['TaskList'];
export type NewTask = components['schemas']['CreateTask'];
export type TaskChanges = components['schemas']['UpdateTask'];

export const statusLabels = {
  todo: 'To do',
  in_progress: 'In progress',
  done: 'Done',
} as const satisfies Record<TaskStatus, string>;

/** The board's columns, in order: every status the API knows (a new one fails the typecheck). */
export const taskStatuses = Object.keys(statusLabels) as TaskStatus[];

export const pageSize = 20;
const ifMatch = (task: Pick<Task, 'version'>) => ({ 'If-Match': `"${task.version}"` });

export const taskKeys = {
  all: ['tasks'] as const,
  list: (status: TaskStatus) => ['tasks', 'list', status] as const,
};

export async function listTasks(status: TaskStatus, cursor: string | undefined): Promise<TaskPage> {
  const query = new URLSearchParams({ status, limit: String(pageSize) });
  if (cursor) query.set('cursor', cursor);
  return (await apiRequest<TaskPage>(`/api/tasks?${query.toString()}`)).data;
}

export async function getTask(id: string): Promise<Task> {
  return (await apiRequest<Task>(`/api/tasks/${encodeURIComponent(id)}`)).data;
}

/** The key travels with the request, so a retry of the same submission replays, not duplicates. */
export async function createTask(task: NewTask, idempotencyKey: string): Promise<Task> {
  return (
    await apiRequest<Task>('/api/tasks', {
      method: 'POST',
      body: task,
      headers: { 'Idempotency-Key': idempotencyKey },
    })
  ).data;
}

export async function updateTask(task: Task, changes: TaskChanges): Promise<Task> {
  return (
    await apiRequest<Task>(`/api/tasks/${encodeURIComponent(task.id)}`, {
      method: 'PATCH',
      body: changes,
      headers: ifMatch(task),
    })
  ).data;
}

export async function deleteTask(task: Task): Promise<void> {
  await apiRequest<undefined>(`/api/tasks/${encodeURIComponent(task.id)}`, {
    method: 'DELETE',
    headers: ifMatch(task),
  });
}

export function useTaskList(status: TaskStatus) {
  return useInfiniteQuery({
    queryKey: taskKeys.list(status),
    queryFn: ({ pageParam }) => listTasks(status, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** A network failure is retried with the same key; an answer from the API is final. */
const retryNetworkErrors = (failures: number, error: Error) =>
  failures < 2 && !(error instanceof ApiError);

export function useCreateTask() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ task, idempotencyKey }: { task: NewTask; idempotencyKey: string }) =>
      createTask(task, idempotencyKey),
    retry: retryNetworkErrors,
    onSuccess: () => client.invalidateQueries({ queryKey: taskKeys.all }),
  });
}

export function useUpdateTask() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ task, changes }: { task: Task; changes: TaskChanges }) =>
      updateTask(task, changes),
    onSuccess: () => client.invalidateQueries({ queryKey: taskKeys.all }),
  });
}

export function useDeleteTask() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (task: Task) => deleteTask(task),
    onSuccess: (_result, task) => {
      for (const status of taskStatuses) {
        client.setQueryData<InfiniteData<TaskPage>>(
          taskKeys.list(status),
          (data) =>
            data && {
              ...data,
              pages: data.pages.map((page) => ({
                ...page,
                items: page.items.filter((t) => t.id !== task.id),
              })),
            },
        );
      }
      return client.invalidateQueries({ queryKey: taskKeys.all });
    },
  });
}

/** After a 412: the task as it is now, and the lists refreshed around it. */
export function useReloadTask() {
  const client = useQueryClient();
  return async (id: string): Promise<Task> => {
    const task = await getTask(id);
    await client.invalidateQueries({ queryKey: taskKeys.all });
    return task;
  };
}
