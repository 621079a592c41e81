import { useEffect, useRef, useState, type SyntheticEvent } from 'react';
import { Alert } from '../../../components/Alert';
import { Field } from '../../../components/Field';
import { ApiError } from '../../../lib/api-client';
import { useReloadTask, useUpdateTask } from '../hooks/useTasks';
import type { Task } from '../types';

interface TaskEditorProps {
  task: Task;
  onDone: () => void;
}

/** Edits title and description; a 412 says someone else changed the task and offers to reload it. */
export function TaskEditor({ task, onDone }: TaskEditorProps) {
  const update = useUpdateTask();
  const reloadTask = useReloadTask();
  const [base, setBase] = useState(task);
  const [title, setTitle] = useState(task.title);
  const [description, setDescription] = useState(task.description);
  const [reloadError, setReloadError] = useState<string | null>(null);
  const error = update.error instanceof ApiError ? update.error : null;
  const conflict = error?.status === 412;
  const titleInput = useRef<HTMLInputElement>(null);

  // The editor opens on the user's request: put them in its first field.
  useEffect(() => {
    titleInput.current?.focus();
  }, []);

  const save = (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    update.mutate({ task: base, changes: { title, description } }, { onSuccess: onDone });
  };

  const reload = async () => {
    try {
      const current = await reloadTask(task.id);
      setBase(current);
      setTitle(current.title);
      setDescription(current.description);
      setReloadError(null);
      update.reset();
    } catch (e) {
      setReloadError(
        e instanceof ApiError && e.status === 404 ? 'The task was deleted.' : String(e),
      );
    }
  };

  return (
    <form className="task-editor" onSubmit={save} aria-label={`Edit ${task.title}`} noValidate>
      <Field label="Title" error={error?.fieldError('title')}>
        {(props) => (
          <input
            {...props}
            ref={titleInput}
            value={title}
            maxLength={200}
            onChange={(e) => setTitle(e.target.value)}
          />
        )}
      </Field>
      <Field label="Description" error={error?.fieldError('description')}>
        {(props) => (
          <textarea
            {...props}
            value={description}
            rows={3}
            onChange={(e) => setDescription(e.target.value)}
          />
        )}
      </Field>
      {conflict && (
        <Alert tone="error">
          <p>This task was changed by someone else since you opened it.</p>
          <button type="button" className="button" onClick={() => void reload()}>
            Reload task
          </button>
        </Alert>
      )}
      {reloadError && <Alert tone="error">{reloadError}</Alert>}
      {update.error && !conflict && !error?.fieldErrors.length && (
        <Alert tone="error">Could not save: {update.error.message}</Alert>
      )}
      <div className="actions">
        <button
          type="submit"
          className="button button--primary"
          disabled={update.isPending || conflict}
        >
          {update.isPending ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
