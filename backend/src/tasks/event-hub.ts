import type pg from 'pg';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import type { TaskRepository } from './repository.js';
import type { TaskEvent } from './schema.js';

/** The channel migration 0003's trigger notifies on every committed change to a task. */
export const taskEventsChannel = 'task_events';

const notificationSchema = z.object({
  eventId: z.string().regex(/^\d+$/),
  type: z.enum(['created', 'updated', 'deleted']),
  id: z.uuid(),
  version: z.int().min(1),
});

export type HubMessage = { kind: 'task'; event: TaskEvent } | { kind: 'resync'; reason: string };
export type Subscriber = (message: HubMessage) => void;

export interface TaskEventHubOptions {
  db: Database;
  tasks: TaskRepository;
  logger: Logger;
  /** How long to wait before listening again after the connection was lost. */
  reconnectMs?: number;
}

/**
 * One LISTEN connection per process, shared by every open event stream. It is opened by the
 * first subscriber and kept; when it is lost, it is opened again and every subscriber is told
 * to resync, since notifications sent meanwhile are gone (NOTIFY is not stored).
 */
export class TaskEventHub {
  private readonly subscribers = new Set<Subscriber>();
  private client: pg.PoolClient | undefined;
  private listening: Promise<void> | undefined;
  private delivery: Promise<void> = Promise.resolve();
  private reconnectTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly reconnectMs: number;

  constructor(private readonly options: TaskEventHubOptions) {
    this.reconnectMs = options.reconnectMs ?? 1_000;
  }

  /**
   * Resolves once this process is listening, so every change committed after it reaches the
   * subscriber. Returns the function that unsubscribes.
   */
  async subscribe(subscriber: Subscriber): Promise<() => void> {
    this.subscribers.add(subscriber);
    try {
      await this.listen();
    } catch (error) {
      this.subscribers.delete(subscriber);
      throw error;
    }
    return () => this.subscribers.delete(subscriber);
  }

  /** Ends the LISTEN connection (destroyed, never returned to the pool) and drops subscribers. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.subscribers.clear();
    const client = this.client;
    this.client = undefined;
    client?.release(true);
  }

  private listen(): Promise<void> {
    if (this.stopped) return Promise.reject(new Error('the task event hub is stopped'));
    this.listening ??= this.connect().catch((error: unknown) => {
      this.listening = undefined;
      throw error;
    });
    return this.listening;
  }

  private async connect(): Promise<void> {
    const client = await this.options.db.connect();
    const lost = (error?: Error) => this.lost(client, error);
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (message) => {
      if (message.channel === taskEventsChannel) this.enqueue(message.payload);
    });
    try {
      await client.query(`LISTEN ${taskEventsChannel}`);
    } catch (error) {
      client.release(true);
      throw error;
    }
    if (this.stopped) {
      client.release(true);
      throw new Error('the task event hub is stopped');
    }
    this.client = client;
    this.options.logger.info({ channel: taskEventsChannel }, 'listening for task events');
  }

  private lost(client: pg.PoolClient, error: Error | undefined): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.listening = undefined;
    client.release(error ?? true);
    this.options.logger.warn({ err: error }, 'the task event connection was lost; listening again');
    this.reconnect();
  }

  private reconnect(): void {
    if (this.stopped || this.subscribers.size === 0) return;
    this.reconnectTimer = setTimeout(() => {
      this.listen().then(
        () => this.broadcast({ kind: 'resync', reason: 'the event connection was re-established' }),
        (error: unknown) => {
          this.options.logger.warn({ err: error }, 'listening for task events failed; retrying');
          this.reconnect();
        },
      );
    }, this.reconnectMs);
  }

  /** Notifications are delivered one at a time, in the order PostgreSQL committed them. */
  private enqueue(payload: string | undefined): void {
    this.delivery = this.delivery
      .then(() => this.deliver(payload))
      .catch((error: unknown) => {
        this.options.logger.warn({ err: error, payload }, 'a task event could not be delivered');
        this.broadcast({ kind: 'resync', reason: 'an event could not be delivered' });
      });
  }

  private async deliver(payload: string | undefined): Promise<void> {
    if (this.subscribers.size === 0) return;
    const notification = notificationSchema.parse(JSON.parse(payload ?? ''));
    const { eventId, id } = notification;
    if (notification.type === 'deleted') {
      this.broadcast({ kind: 'task', event: { ...notification, type: 'deleted' } });
      return;
    }
    const task = await this.options.tasks.get(id);
    // Deleted since it was written: the delete's own event follows.
    if (!task) return;
    this.broadcast({
      kind: 'task',
      event: { type: notification.type, eventId, id, version: task.version, task },
    });
  }

  private broadcast(message: HubMessage): void {
    for (const subscriber of this.subscribers) subscriber(message);
  }
}
