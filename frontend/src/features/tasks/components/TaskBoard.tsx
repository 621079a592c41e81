import { lazy, Suspense, useState } from 'react';
import { useTaskEvents } from '../hooks/useTaskEvents';
import { CreateTaskForm } from './CreateTaskForm';
import { TaskSearch } from './TaskSearch';

// The columns come with drag and drop, in a chunk of its own: the initial load stays in its
// budget, and no column is mounted twice (a card being edited would lose its editor).
const DraggableBoard = lazy(() => import('./DraggableBoard'));

export function TaskBoard() {
  useTaskEvents();
  const [search, setSearch] = useState('');
  return (
    <div className="board">
      <CreateTaskForm />
      <TaskSearch onSearch={setSearch} />
      <Suspense fallback={<p className="muted">Loading the board…</p>}>
        <DraggableBoard search={search} />
      </Suspense>
    </div>
  );
}
