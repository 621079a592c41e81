import { lazy, Suspense } from 'react';
import { useTaskEvents } from '../hooks/useTaskEvents';
import { taskStatuses } from '../labels';
import { CreateTaskForm } from './CreateTaskForm';
import { TaskColumn } from './TaskColumn';

// Drag and drop is loaded after the board shows: the status boxes move tasks meanwhile.
const DraggableBoard = lazy(() => import('./DraggableBoard'));

export function TaskBoard() {
  useTaskEvents();
  return (
    <div className="board">
      <CreateTaskForm />
      <Suspense
        fallback={
          <div className="board__columns">
            {taskStatuses.map((status) => (
              <TaskColumn key={status} status={status} />
            ))}
          </div>
        }
      >
        <DraggableBoard />
      </Suspense>
    </div>
  );
}
