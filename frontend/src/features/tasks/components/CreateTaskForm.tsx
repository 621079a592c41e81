import { useRef, useState, type SyntheticEvent } from 'react';
import { Alert } from '../../../components/Alert';
import { Field } from '../../../components/Field';
// uuid, not crypto.randomUUID: that exists only in secure contexts, and the app is also
// served over plain http (http://tbyte.local); uuid falls back to crypto.getRandomValues.
import { v4 as uuidv4 } from 'uuid';
import { ApiError } from '../../../lib/api-client';
import { useCreateTask } from '../hooks/useTasks';
import { statusLabels, taskStatuses } from '../labels';
import type { TaskStatus } from '../types';

export function CreateTaskForm() {
  const create = useCreateTask();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [status, setStatus] = useState<TaskStatus>('todo');
  const titleInput = useRef<HTMLInputElement>(null);
  /**
   * One key per draft, not per submit: a double click or a resubmit of the same draft replays
   * the first create. Editing the draft starts a new key (the API refuses a key reused with
   * another body).
   */
  const draftKey = useRef<string | null>(null);
  const error = create.error instanceof ApiError ? create.error : null;

  const edit =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      draftKey.current = null;
      set(value);
    };

  const submit = (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    draftKey.current ??= uuidv4();
    create.mutate(
      { task: { title, description, status }, idempotencyKey: draftKey.current },
      {
        onSuccess: () => {
          draftKey.current = null;
          setTitle('');
          setDescription('');
          setStatus('todo');
          titleInput.current?.focus();
        },
      },
    );
  };

  return (
    <form className="create-form" onSubmit={submit} aria-labelledby="create-heading" noValidate>
      <h2 id="create-heading">New task</h2>
      <Field label="Title" error={error?.fieldError('title')}>
        {(props) => (
          <input
            {...props}
            ref={titleInput}
            name="title"
            value={title}
            maxLength={200}
            required
            onChange={(e) => edit(setTitle)(e.target.value)}
          />
        )}
      </Field>
      <Field label="Description" error={error?.fieldError('description')}>
        {(props) => (
          <textarea
            {...props}
            name="description"
            value={description}
            rows={2}
            onChange={(e) => edit(setDescription)(e.target.value)}
          />
        )}
      </Field>
      <Field label="Status" error={error?.fieldError('status')}>
        {(props) => (
          <select
            {...props}
            name="status"
            value={status}
            onChange={(e) => edit(setStatus)(e.target.value as TaskStatus)}
          >
            {taskStatuses.map((s) => (
              <option key={s} value={s}>
                {statusLabels[s]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <button type="submit" className="button button--primary" disabled={create.isPending}>
        {create.isPending ? 'Adding…' : 'Add task'}
      </button>
      {create.error && !error?.fieldErrors.length && (
        <Alert tone="error">Could not add the task: {create.error.message}</Alert>
      )}
    </form>
  );
}
