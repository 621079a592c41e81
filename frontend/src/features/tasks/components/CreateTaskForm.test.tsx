import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderWithProviders, mockApi } from '../../../test/render';
import { CreateTaskForm } from './CreateTaskForm';

const created = {
  id: '1',
  title: 'A',
  description: '',
  status: 'todo',
  version: 1,
  createdAt: '',
  updatedAt: '',
};

describe('CreateTaskForm', () => {
  it('sends one Idempotency-Key per draft: a resubmit of the same draft reuses it', async () => {
    const requests = mockApi(
      { status: 503, body: { detail: 'try again' } },
      { status: 201, body: created },
    );
    renderWithProviders(<CreateTaskForm />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Title'), 'A');
    await user.click(screen.getByRole('button', { name: 'Add task' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('try again');
    await user.click(screen.getByRole('button', { name: 'Add task' }));
    await waitFor(() => expect(screen.getByLabelText('Title')).toHaveValue(''));

    const keys = requests.map((r) => r.headers['idempotency-key']);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(requests[1]?.body).toEqual({ title: 'A', description: '', status: 'todo' });
  });

  it('starts a new key when the draft changes, and after a create', async () => {
    const requests = mockApi(
      { status: 400, body: { errors: [{ field: 'title', message: 'must not be empty' }] } },
      { status: 201, body: created },
    );
    renderWithProviders(<CreateTaskForm />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Title'), ' ');
    await user.click(screen.getByRole('button', { name: 'Add task' }));
    expect(await screen.findByText('must not be empty')).toBeInTheDocument();
    expect(screen.getByLabelText('Title')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Title')).toHaveAccessibleDescription('must not be empty');

    await user.type(screen.getByLabelText('Title'), 'B');
    await user.click(screen.getByRole('button', { name: 'Add task' }));
    await waitFor(() => expect(requests).toHaveLength(2));
    await user.type(screen.getByLabelText('Title'), 'C');
    await user.click(screen.getByRole('button', { name: 'Add task' }));
    await waitFor(() => expect(requests).toHaveLength(3));

    const keys = requests.map((r) => r.headers['idempotency-key']);
    expect(new Set(keys).size).toBe(3);
  });
});
