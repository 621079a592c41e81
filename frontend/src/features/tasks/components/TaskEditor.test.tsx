import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderWithProviders, mockApi } from '../../../test/render';
import type { Task } from '../types';
import { TaskEditor } from './TaskEditor';

const task: Task = {
  id: '6f1c1f2e-35a4-4c1e-9a55-3f8f2a7e9b10',
  title: 'Mine',
  description: 'old',
  status: 'todo',
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('TaskEditor', () => {
  it('sends If-Match with the version it was opened on', async () => {
    const requests = mockApi({ status: 200, body: { ...task, title: 'New', version: 2 } });
    const onDone = vi.fn();
    renderWithProviders(<TaskEditor task={task} onDone={onDone} />);
    const user = userEvent.setup();
    expect(screen.getByLabelText('Title')).toHaveFocus();
    await user.clear(screen.getByLabelText('Title'));
    await user.type(screen.getByLabelText('Title'), 'New');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(requests[0]).toMatchObject({
      method: 'PATCH',
      url: `/api/tasks/${task.id}`,
      headers: { 'if-match': '"1"' },
      body: { title: 'New', description: 'old' },
    });
  });

  it('on 412 tells the user, reloads the task on request, and saves on top of it', async () => {
    const theirs = { ...task, description: 'theirs', version: 2 };
    const requests = mockApi(
      { status: 412, body: { detail: 'changed' }, headers: { ETag: '"2"' } },
      { status: 200, body: theirs },
      { status: 200, body: { ...theirs, version: 3 } },
    );
    const onDone = vi.fn();
    renderWithProviders(<TaskEditor task={task} onDone={onDone} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('changed by someone else');
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();

    await user.click(screen.getByRole('button', { name: 'Reload task' }));
    await waitFor(() => expect(screen.getByLabelText('Description')).toHaveValue('theirs'));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(requests[1]).toMatchObject({ method: 'GET', url: `/api/tasks/${task.id}` });
    expect(requests[2]).toMatchObject({ method: 'PATCH', headers: { 'if-match': '"2"' } });
  });
});
