import type { Request, RequestHandler, Response } from 'express';
import type { Gauge } from 'prom-client';
import { HttpProblem } from '../http/problem.js';
import type { LifecycleState } from '../lifecycle/state.js';
import type { HubMessage, TaskEventHub } from './event-hub.js';

export interface TaskEventStreamsOptions {
  hub: TaskEventHub;
  state: LifecycleState;
  /** task_event_streams: the streams this process holds open. */
  gauge: Gauge;
  /** Named in the ready event, so a client (and a test) sees which pod it is attached to. */
  pod: string;
  /** A comment line this often keeps nginx, the ingress and the ALB (idle 60 s) from closing. */
  heartbeatMs?: number;
  /** Open streams one client address may hold. */
  maxPerClient?: number;
  /** The reconnection delay the stream tells EventSource to use. */
  retryMs?: number;
}

export const defaultHeartbeatMs = 15_000;
/** Above a browser's six HTTP/1.1 connections per host, so only a misbehaving client hits it. */
export const defaultMaxPerClient = 8;

function frame(event: string, data: unknown, id?: string): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * GET /api/tasks/events: Server-Sent Events of committed task changes. Each stream opens with
 * `ready` once this process listens (the client refetches the list then: a reconnect resyncs
 * by a full refresh, see docs/decisions/0016), then carries `task` events and `resync` when
 * the process may have missed some. On SIGTERM every stream is ended so clients reconnect to
 * another pod while this one still serves its grace period.
 */
export class TaskEventStreams {
  private readonly open = new Set<Response>();
  private readonly perClient = new Map<string, number>();
  private readonly heartbeatMs: number;
  private readonly maxPerClient: number;
  private readonly retryMs: number;

  constructor(private readonly options: TaskEventStreamsOptions) {
    this.heartbeatMs = options.heartbeatMs ?? defaultHeartbeatMs;
    this.maxPerClient = options.maxPerClient ?? defaultMaxPerClient;
    this.retryMs = options.retryMs ?? 1_000;
  }

  get size(): number {
    return this.open.size;
  }

  readonly handler: RequestHandler = async (req: Request, res: Response) => {
    if (this.options.state.draining) {
      throw new HttpProblem(503, 'This backend is shutting down; reconnect to reach another.', {
        headers: { 'Retry-After': '1' },
      });
    }
    const client = req.ip ?? 'unknown';
    const held = this.perClient.get(client) ?? 0;
    if (held >= this.maxPerClient) {
      throw new HttpProblem(
        429,
        `This client already holds ${held} event streams, the most one may open.`,
        { headers: { 'Retry-After': '30' } },
      );
    }
    this.perClient.set(client, held + 1);
    this.open.add(res);
    this.options.gauge.inc();

    const stream: { closed: boolean; heartbeat?: NodeJS.Timeout; unsubscribe?: () => void } = {
      closed: false,
    };
    const close = () => {
      if (stream.closed) return;
      stream.closed = true;
      clearInterval(stream.heartbeat);
      stream.unsubscribe?.();
      this.open.delete(res);
      this.options.gauge.dec();
      const left = (this.perClient.get(client) ?? 1) - 1;
      if (left > 0) this.perClient.set(client, left);
      else this.perClient.delete(client);
    };
    res.once('close', close);

    try {
      stream.unsubscribe = await this.options.hub.subscribe((message) => this.send(res, message));
    } catch (error) {
      close();
      throw error;
    }
    // The client may have gone while this process was starting to listen.
    if (stream.closed) {
      stream.unsubscribe();
      return;
    }
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    // nginx honours this per response, whatever proxy_buffering says for the location.
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write(`retry: ${this.retryMs}\n\n`);
    res.write(frame('ready', { pod: this.options.pod }));
    stream.heartbeat = setInterval(() => res.write(': heartbeat\n\n'), this.heartbeatMs);
  };

  /** Ends every open stream (SIGTERM); EventSource reconnects after the retry delay. */
  closeAll(): number {
    const count = this.open.size;
    for (const res of [...this.open]) res.end();
    return count;
  }

  private send(res: Response, message: HubMessage): void {
    if (message.kind === 'task') {
      res.write(frame('task', message.event, message.event.eventId));
    } else {
      res.write(frame('resync', { pod: this.options.pod, reason: message.reason }));
    }
  }
}
