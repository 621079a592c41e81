import { useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { useEffect } from 'react';
import { applyTaskEvent } from '../api/apply-task-event';
import { taskKeys } from '../api/keys';
import { subscribeToTaskEvents } from '../api/task-events';
import { taskStatuses } from '../labels';
import type { TaskPage } from '../types';

/**
 * Keeps the board's cached lists live: each task event is applied to them in place, and only
 * a (re)connection or a resync refetches them, once. A list request already in flight may
 * have read the database before the stream listened, so it is cancelled and sent again.
 */
export function useTaskEvents(): void {
  const client = useQueryClient();
  useEffect(() => {
    const resend = (queryKey: readonly unknown[]) =>
      void client.cancelQueries({ queryKey }).then(() => client.invalidateQueries({ queryKey }));
    return subscribeToTaskEvents({
      onSync: () => resend(taskKeys.all),
      onTask: (event) => {
        for (const status of taskStatuses) {
          const queryKey = taskKeys.list(status);
          client.setQueryData<InfiniteData<TaskPage>>(queryKey, (data) =>
            applyTaskEvent(data, status, event),
          );
          // A list request in flight may have read the database before this change and
          // would overwrite it (a first load has no data to apply it to): it is sent again.
          if (client.isFetching({ queryKey, exact: true }) > 0) resend(queryKey);
        }
        // Whether a task matches a search is the server's to say: the columns of the search
        // on screen ask again (the plain columns above are never refetched per event).
        void client.invalidateQueries({
          queryKey: taskKeys.all,
          predicate: (query) => query.queryKey.length === 4,
        });
      },
    });
  }, [client]);
}
