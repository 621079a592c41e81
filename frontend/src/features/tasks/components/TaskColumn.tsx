import { Alert } from '../../../components/Alert';
import { useTaskList } from '../hooks/useTasks';
import { statusLabels } from '../labels';
import type { TaskStatus } from '../types';
import { TaskCard, type RenderHandle } from './TaskCard';

/** What the drag and drop layer adds to a column: where to drop, and each card's handle. */
export interface ColumnDrop {
  setNodeRef: (element: HTMLElement | null) => void;
  isOver: boolean;
  renderHandle: RenderHandle;
}

export function TaskColumn({
  status,
  search = '',
  drop,
}: {
  status: TaskStatus;
  /** The board's search text; empty, the whole column. */
  search?: string;
  drop?: ColumnDrop;
}) {
  const list = useTaskList(status, search);
  const tasks = list.data?.pages.flatMap((page) => page.items) ?? [];
  const headingId = `column-${status}`;

  return (
    <section
      ref={drop?.setNodeRef}
      className={drop?.isOver ? 'column column--over' : 'column'}
      aria-labelledby={headingId}
      aria-busy={list.isFetching}
    >
      <h2 id={headingId} className="column__heading">
        {statusLabels[status]}
        {list.isSuccess && (
          <span className="column__count">
            {' '}
            ({tasks.length}
            {list.hasNextPage ? '+' : ''})
          </span>
        )}
      </h2>
      {list.isPending && <p className="muted">Loading tasks…</p>}
      {list.isError && (
        <Alert tone="error">
          <p>Could not load tasks: {list.error.message}</p>
          <button type="button" className="button" onClick={() => void list.refetch()}>
            Try again
          </button>
        </Alert>
      )}
      {list.isSuccess && tasks.length === 0 && (
        <p className="muted">
          {search ? `No task here matches “${search}”.` : 'No tasks here yet.'}
        </p>
      )}
      {tasks.length > 0 && (
        <ul className="column__list">
          {tasks.map((task) => (
            <TaskCard
              key={task.id}
              task={task}
              {...(drop ? { renderHandle: drop.renderHandle } : {})}
            />
          ))}
        </ul>
      )}
      {list.hasNextPage && (
        <button
          type="button"
          className="button"
          disabled={list.isFetchingNextPage}
          onClick={() => void list.fetchNextPage()}
        >
          {list.isFetchingNextPage ? 'Loading…' : `Load more ${statusLabels[status].toLowerCase()}`}
        </button>
      )}
    </section>
  );
}
