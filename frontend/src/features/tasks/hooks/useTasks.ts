import {
  useInfiniteQuery,
  useMutation,
  useMutationState,
  useQueryClient,
  type InfiniteData,
} from '@tanstack/react-query';
import { ApiError } from '../../../lib/api-client';
import { applyTaskEvent } from '../api/apply-task-event';
import { createTask } from '../api/create-task';
import { deleteTask } from '../api/delete-task';
import { getTask } from '../api/get-task';
import { taskKeys } from '../api/keys';
import { listTasks } from '../api/list-tasks';
import { updateTask } from '../api/update-task';
import { taskStatuses } from '../labels';
import type { NewTask, Task, TaskChanges, TaskPage, TaskStatus } from '../types';

/**
 * The event stream keeps the lists current and refetches them when it (re)connects, so a list
 * stays fresh for a while instead of being asked for again on every mount or focus.
 */
const listStaleMs = 30_000;

/** One column, or with a search text the column's matches. */
export function useTaskList(status: TaskStatus, search = '') {
  return useInfiniteQuery({
    queryKey: search ? taskKeys.search(status, search) : taskKeys.list(status),
    staleTime: listStaleMs,
    queryFn: ({ pageParam, signal }) => listTasks(status, pageParam, signal, search || undefined),
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
    // A failed change too (a 412 above all): the board then shows the task as it now is.
    onSettled: () => client.invalidateQueries({ queryKey: taskKeys.all }),
  });
}

type ListSnapshot = [readonly unknown[], InfiniteData<TaskPage> | undefined][];

const moveKey = (id: string) => ['tasks', 'move', id] as const;

/**
 * A move between columns (a drag or the select box): the card moves at once, the change is
 * sent with If-Match, and a failure (a 412 above all) puts it back before the lists refresh.
 */
export function useMoveTask(id: string) {
  const client = useQueryClient();
  return useMutation<Task, Error, { task: Task; status: TaskStatus }, ListSnapshot>({
    mutationKey: moveKey(id),
    mutationFn: ({ task, status }) => updateTask(task, { status }),
    onMutate: async ({ task, status }) => {
      await client.cancelQueries({ queryKey: taskKeys.all });
      const before = client.getQueriesData<InfiniteData<TaskPage>>({ queryKey: taskKeys.all });
      const moved = { ...task, status, version: task.version + 1 };
      for (const column of taskStatuses) {
        client.setQueryData<InfiniteData<TaskPage>>(taskKeys.list(column), (data) =>
          applyTaskEvent(data, column, {
            type: 'updated',
            eventId: 'local',
            id: task.id,
            version: moved.version,
            task: moved,
          }),
        );
      }
      return before;
    },
    onError: (_error, _move, before) => {
      for (const [key, data] of before ?? []) client.setQueryData(key, data);
    },
    onSettled: () => client.invalidateQueries({ queryKey: taskKeys.all }),
  });
}

/**
 * How the task's last move ended: the card that started it may be gone (it moved to another
 * column and back), the outcome stays.
 */
export function useLastMoveError(id: string): Error | null {
  const errors = useMutationState({
    filters: { mutationKey: moveKey(id) },
    select: (mutation) => mutation.state.error,
  });
  return errors.at(-1) ?? null;
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
    },
    onSettled: () => client.invalidateQueries({ queryKey: taskKeys.all }),
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
