import { useTaskEvents } from '../hooks/useTaskEvents';
import { taskStatuses } from '../labels';
import { CreateTaskForm } from './CreateTaskForm';
import { TaskColumn } from './TaskColumn';

export function TaskBoard() {
  useTaskEvents();
  return (
    <div className="board">
      <CreateTaskForm />
      <div className="board__columns">
        {taskStatuses.map((status) => (
          <TaskColumn key={status} status={status} />
        ))}
      </div>
    </div>
  );
}
