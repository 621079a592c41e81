import {
  DndContext,
  KeyboardCode,
  KeyboardSensor,
  PointerSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
  type KeyboardCoordinateGetter,
} from '@dnd-kit/core';
import { useLayoutEffect, useMemo, useRef } from 'react';
import { statusLabels, taskStatuses } from '../labels';
import type { Task, TaskStatus } from '../types';
import { TaskColumn, type ColumnDrop } from './TaskColumn';
import type { RenderHandle } from './TaskCard';

/** What a dragged card carries: the task, and its card's own move (which shows the outcome). */
interface DragData {
  task: Task;
  move: (status: TaskStatus) => void;
}

const dragData = (data: unknown) => data as DragData | undefined;
const isStatus = (id: unknown): id is TaskStatus => taskStatuses.includes(id as TaskStatus);
const columnName = (id: unknown) => (isStatus(id) ? statusLabels[id] : 'no column');

/** Left and right arrows jump to the neighbouring column; up and down do nothing. */
const columnKeyboardCoordinates: KeyboardCoordinateGetter = (event, { context }) => {
  const rects = [...context.droppableRects.values()].sort((a, b) => a.left - b.left);
  const dragged = context.collisionRect;
  if (!dragged || rects.length === 0) return undefined;
  const centre = dragged.left + dragged.width / 2;
  const current = Math.max(
    0,
    rects.findIndex((rect) => centre >= rect.left && centre <= rect.right),
  );
  const steps: Partial<Record<string, number>> = {
    [KeyboardCode.Right]: 1,
    [KeyboardCode.Left]: -1,
  };
  const step = steps[event.code];
  if (step === undefined) {
    event.preventDefault();
    return { x: dragged.left, y: dragged.top };
  }
  const target = rects[Math.min(rects.length - 1, Math.max(0, current + step))];
  if (!target) return undefined;
  return { x: target.left + (target.width - dragged.width) / 2, y: dragged.top };
};

/**
 * What screen readers hear. dnd-kit reports the column under the card right after the pick-up;
 * only a change of column is said, so the pick-up is not talked over.
 */
function createAnnouncements(): Announcements {
  let lastOver: unknown;
  return {
    onDragStart: ({ active }) => {
      const data = dragData(active.data.current);
      lastOver = data?.task.status;
      return data && `Picked up ${data.task.title} from ${statusLabels[data.task.status]}.`;
    },
    onDragOver: ({ active, over }) => {
      const data = dragData(active.data.current);
      if (!data || over?.id === lastOver) return undefined;
      lastOver = over?.id;
      return `${data.task.title} is over ${columnName(over?.id)}.`;
    },
    onDragEnd: ({ active, over }) => {
      const data = dragData(active.data.current);
      if (!data) return undefined;
      if (!isStatus(over?.id) || over.id === data.task.status) {
        return `${data.task.title} was dropped back in ${statusLabels[data.task.status]}.`;
      }
      return `${data.task.title} was moved to ${statusLabels[over.id]}.`;
    },
    onDragCancel: ({ active }) => {
      const data = dragData(active.data.current);
      return (
        data &&
        `Moving ${data.task.title} was cancelled; it stays in ${statusLabels[data.task.status]}.`
      );
    },
  };
}

const screenReaderInstructions = {
  draggable:
    'To move this task, press Space, then the left or right arrow to choose a column, and ' +
    'Space again to drop it there; Escape cancels. The status box does the same.',
};

function DragHandle({ task, move }: DragData) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, isDragging } =
    useDraggable({ id: task.id, data: { task, move } satisfies DragData });
  const handle = useRef<HTMLButtonElement | null>(null);
  // The whole card follows the pointer, not only its handle.
  useLayoutEffect(() => {
    const card = handle.current?.closest('li');
    if (!card) return;
    card.style.transform = transform ? `translate3d(${transform.x}px, ${transform.y}px, 0)` : '';
    card.classList.toggle('task-card--dragging', isDragging);
  }, [transform, isDragging]);
  return (
    <button
      ref={(element) => {
        handle.current = element;
        setActivatorNodeRef(element);
        setNodeRef(element?.closest('li') ?? null);
      }}
      type="button"
      className="button task-card__handle"
      {...attributes}
      {...listeners}
    >
      <span aria-hidden="true">⠿</span>
      <span className="visually-hidden">Move {task.title}</span>
    </button>
  );
}

const renderHandle: RenderHandle = (task, move) => <DragHandle task={task} move={move} />;

function DroppableColumn({ status, search }: { status: TaskStatus; search: string }) {
  const { setNodeRef, isOver } = useDroppable({ id: status });
  const drop: ColumnDrop = { setNodeRef, isOver, renderHandle };
  return <TaskColumn status={status} search={search} drop={drop} />;
}

function onDragEnd({ active, over }: DragEndEvent) {
  const data = dragData(active.data.current);
  if (data && isStatus(over?.id)) data.move(over.id);
}

/** The columns with drag and drop (a chunk of its own, loaded after the board shows). */
export default function DraggableBoard({ search }: { search: string }) {
  const sensors = useSensors(
    // A click on the handle stays a click; a drag starts after 5 px.
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: columnKeyboardCoordinates }),
  );
  const announcements = useMemo(() => createAnnouncements(), []);
  return (
    <DndContext
      sensors={sensors}
      onDragEnd={onDragEnd}
      accessibility={{ announcements, screenReaderInstructions }}
    >
      <div className="board__columns">
        {taskStatuses.map((status) => (
          <DroppableColumn key={status} status={status} search={search} />
        ))}
      </div>
    </DndContext>
  );
}
