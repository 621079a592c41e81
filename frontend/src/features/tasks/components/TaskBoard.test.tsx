import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { network, renderWithProviders } from '../../../test/render';
import type { Task, TaskPage } from '../types';
import { TaskBoard } from './TaskBoard';

const mine: Task = {
  id: '6f1c1f2e-35a4-4c1e-9a55-3f8f2a7e9b10',
  title: 'Mine',
  description: '',
  status: 'todo',
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

/** The API as another user left it: the task renamed (version 2) before this user's move. */
function apiWithAChangedTask(answered: Promise<void> = Promise.resolve()) {
  let current = mine;
  const lists: string[] = [];
  const moves: { ifMatch: string | null; body: unknown }[] = [];
  network.use(
    http.get('*/api/tasks', ({ request }) => {
      const status = new URL(request.url).searchParams.get('status') ?? '';
      lists.push(status);
      const page: TaskPage = {
        items: current.status === status ? [current] : [],
        nextCursor: null,
      };
      return HttpResponse.json(page);
    }),
    http.patch('*/api/tasks/:id', async ({ request }) => {
      moves.push({ ifMatch: request.headers.get('If-Match'), body: await request.json() });
      await answered;
      current = { ...mine, title: 'Theirs', version: 2 };
      return HttpResponse.json(
        { status: 412, detail: 'The task has changed.', requestId: 'r1' },
        { status: 412, headers: { 'Content-Type': 'application/problem+json', ETag: '"2"' } },
      );
    }),
  );
  return { lists, moves };
}

describe('TaskBoard', () => {
  it('on a move that lost to another change (412), says so and shows the task as it is now', async () => {
    const { lists, moves } = apiWithAChangedTask();
    renderWithProviders(<TaskBoard />);
    const user = userEvent.setup();
    // The columns come with the drag and drop chunk: the card is ready once it has its handle.
    await screen.findByRole('button', { name: 'Move Mine' });
    await user.selectOptions(await screen.findByLabelText('Status of Mine'), 'done');

    expect(await screen.findByRole('alert')).toHaveTextContent('changed elsewhere');
    expect(moves).toEqual([{ ifMatch: '"1"', body: { status: 'done' } }]);
    const todo = screen.getByRole('region', { name: /To do/ });
    expect(await within(todo).findByRole('heading', { name: 'Theirs' })).toBeInTheDocument();
    await waitFor(() => expect(lists.filter((s) => s === 'todo')).toHaveLength(2));
  });

  it('moves the card at once, and puts it back when the move is refused', async () => {
    let answer: () => void = () => undefined;
    const { moves } = apiWithAChangedTask(new Promise<void>((resolve) => (answer = resolve)));
    renderWithProviders(<TaskBoard />);
    const user = userEvent.setup();
    // The columns come with the drag and drop chunk: the card is ready once it has its handle.
    await screen.findByRole('button', { name: 'Move Mine' });
    await user.selectOptions(await screen.findByLabelText('Status of Mine'), 'done');

    const done = screen.getByRole('region', { name: /^Done/ });
    const todo = screen.getByRole('region', { name: /^To do/ });
    expect(await within(done).findByRole('heading', { name: 'Mine' })).toBeInTheDocument();
    expect(within(todo).queryByRole('heading', { name: 'Mine' })).not.toBeInTheDocument();
    await waitFor(() => expect(moves).toHaveLength(1));

    answer();
    expect(await screen.findByRole('alert')).toHaveTextContent('changed elsewhere');
    expect(await within(todo).findByRole('heading', { name: 'Theirs' })).toBeInTheDocument();
    expect(within(done).queryByRole('heading', { name: /Mine|Theirs/ })).not.toBeInTheDocument();
  });
});
