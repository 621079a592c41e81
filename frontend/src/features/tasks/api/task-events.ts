import type { components } from '../../../lib/api/schema';

export type TaskEvent = components['schemas']['TaskEvent'];

export interface TaskEventHandlers {
  /** The stream is live (again): refetch once, which covers whatever was missed (decision 0016). */
  onSync: () => void;
  onTask: (event: TaskEvent) => void;
}

export const taskEventsPath = '/api/tasks/events';
const firstRetryMs = 1_000;
const maxRetryMs = 15_000;

function parseTaskEvent(data: unknown): TaskEvent | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const event = JSON.parse(data) as Partial<TaskEvent>;
    const known = event.type === 'created' || event.type === 'updated' || event.type === 'deleted';
    if (!known || typeof event.id !== 'string' || typeof event.version !== 'number') {
      return undefined;
    }
    if (event.type !== 'deleted' && typeof (event as { task?: unknown }).task !== 'object') {
      return undefined;
    }
    return event as TaskEvent;
  } catch {
    return undefined;
  }
}

/**
 * Follows GET /api/tasks/events. EventSource reconnects by itself after a dropped connection
 * or a stream the server ended (a pod shutting down); an answer it will not retry (a draining
 * pod's 503, a 429) ends it, and then this reconnects with a growing delay. Returns the
 * function that stops. Where the browser has no EventSource the board is not live.
 */
export function subscribeToTaskEvents(handlers: TaskEventHandlers): () => void {
  if (typeof EventSource === 'undefined') return () => undefined;
  let source: EventSource | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;

  const open = () => {
    const current = new EventSource(taskEventsPath);
    source = current;
    current.addEventListener('ready', () => {
      failures = 0;
      handlers.onSync();
    });
    current.addEventListener('resync', () => handlers.onSync());
    current.addEventListener('task', (message) => {
      const event = parseTaskEvent((message as MessageEvent<unknown>).data);
      if (event) handlers.onTask(event);
    });
    current.addEventListener('error', () => {
      if (current.readyState !== EventSource.CLOSED) return;
      failures += 1;
      retry = setTimeout(open, Math.min(maxRetryMs, firstRetryMs * 2 ** (failures - 1)));
    });
  };

  open();
  return () => {
    clearTimeout(retry);
    source?.close();
  };
}
