import {
  useInfiniteQuery,
  useMutation,
  useQueryClient,
  type InfiniteData,
} from '@tanstack/react-query';
import { ApiError } from '../../../lib/api-client';
import { createTask } from '../api/create-task';
import { deleteTask } from '../api/delete-task';
import { getTask } from '../api/get-task';
import { taskKeys } from '../api/keys';
import { listTasks } from '../api/list-tasks';
import { updateTask } from '../api/update-task';
import { taskStatuses } from '../labels';
import type { NewTask, Task, TaskChanges, TaskPage, TaskStatus } from '../types';

export function useTaskList(status: TaskStatus) {
  return useInfiniteQuery({
    queryKey: taskKeys.list(status),
    queryFn: ({ pageParam, signal }) => listTasks(status, pageParam, signal),
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
