import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Alert } from '../../../components/Alert';
import { ApiError } from '../../../lib/api-client';
import { useDeleteTask, useLastMoveError, useMoveTask } from '../hooks/useTasks';
import { statusLabels, taskStatuses } from '../labels';
import type { Task, TaskStatus } from '../types';
import { TaskEditor } from './TaskEditor';

/** What a column may add to a card: the drag handle, given the card's own move. */
export type RenderHandle = (task: Task, move: (status: TaskStatus) => void) => ReactNode;

export function TaskCard({ task, renderHandle }: { task: Task; renderHandle?: RenderHandle }) {
  const [mode, setMode] = useState<'view' | 'edit' | 'confirm-delete'>('view');
  const move = useMoveTask(task.id);
  const moveError = useLastMoveError(task.id);
  const remove = useDeleteTask();
  const cancelDelete = useRef<HTMLButtonElement>(null);
  const editButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (mode === 'confirm-delete') cancelDelete.current?.focus();
  }, [mode]);

  const closeEditor = () => {
    setMode('view');
    queueMicrotask(() => editButton.current?.focus());
  };

  if (mode === 'edit') {
    return (
      <li className="task-card">
        <TaskEditor task={task} onDone={closeEditor} />
      </li>
    );
  }

  const headingId = `task-${task.id}`;
  const failure = moveError ?? remove.error;
  const moveTo = (status: TaskStatus) => {
    if (status !== task.status) move.mutate({ task, status });
  };
  return (
    <li className="task-card" aria-labelledby={headingId}>
      <h3 id={headingId} className="task-card__title">
        {task.title}
      </h3>
      {task.description && <p className="task-card__description">{task.description}</p>}
      <div className="task-card__controls">
        {renderHandle?.(task, moveTo)}
        <label className="visually-hidden" htmlFor={`${headingId}-status`}>
          Status of {task.title}
        </label>
        <select
          id={`${headingId}-status`}
          value={task.status}
          disabled={move.isPending}
          onChange={(e) => moveTo(e.target.value as TaskStatus)}
        >
          {taskStatuses.map((s) => (
            <option key={s} value={s}>
              {statusLabels[s]}
            </option>
          ))}
        </select>
        <button ref={editButton} type="button" className="button" onClick={() => setMode('edit')}>
          Edit<span className="visually-hidden"> {task.title}</span>
        </button>
        <button
          type="button"
          className="button button--danger"
          onClick={() => setMode('confirm-delete')}
        >
          Delete<span className="visually-hidden"> {task.title}</span>
        </button>
      </div>
      {mode === 'confirm-delete' && (
        <div className="confirm" role="alertdialog" aria-labelledby={`${headingId}-confirm`}>
          <p id={`${headingId}-confirm`}>Delete “{task.title}”? This cannot be undone.</p>
          <div className="actions">
            <button
              type="button"
              className="button button--danger"
              disabled={remove.isPending}
              onClick={() => remove.mutate(task, { onError: () => setMode('view') })}
            >
              Delete task
            </button>
            <button
              ref={cancelDelete}
              type="button"
              className="button"
              onClick={() => setMode('view')}
            >
              Keep it
            </button>
          </div>
        </div>
      )}
      {failure && (
        <Alert tone="error">
          {failure instanceof ApiError && failure.status === 412
            ? 'This task was changed elsewhere; the board has been refreshed.'
            : `That did not work: ${failure.message}`}
        </Alert>
      )}
    </li>
  );
}
