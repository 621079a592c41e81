import type { Server } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { DatabaseHealthCheck } from '../db/health-check.js';
import type { Database } from '../db/database.js';
import type { TaskEventHub } from '../tasks/event-hub.js';
import type { TaskEventStreams } from '../tasks/event-stream.js';
import { flushTelemetry } from '../telemetry/flush.js';
import type { LifecycleState } from './state.js';

export interface Running {
  state: LifecycleState;
  logger: Logger;
  server: Server;
  metricsServer: Server;
  db: Database;
  healthCheck: DatabaseHealthCheck;
  taskEvents: Pick<TaskEventStreams, 'closeAll'>;
  taskEventHub: Pick<TaskEventHub, 'stop'>;
  graceSeconds: number;
  /** How long in-flight requests may take to finish once the server stops accepting. */
  drainTimeoutMs?: number;
  /** Closes what else holds the event loop (file watchers, timers). */
  closeOthers?: () => void;
}

/**
 * Shutdown, in order: turn unready and end the event streams (their clients reconnect to
 * another pod within the grace period), keep serving through the grace period so load
 * balancers and endpoints stop sending, stop accepting and finish what is in flight, stop
 * listening for task events, close the pool, flush telemetry. Returns the exit code.
 */
export async function shutdown(running: Running, signal: string): Promise<number> {
  const { state, logger } = running;
  state.draining = true;
  logger.info(
    { signal, graceSeconds: running.graceSeconds },
    'shutting down: not ready, still serving',
  );
  const streams = running.taskEvents.closeAll();
  logger.info({ streams }, 'event streams ended; their clients reconnect to another pod');

  await delay(running.graceSeconds * 1000);

  logger.info('grace period over: refusing new connections, finishing requests in flight');
  const finished = await closeServer(running.server, running.drainTimeoutMs ?? 20_000);
  await closeServer(running.metricsServer, 1_000);

  running.healthCheck.stop();
  running.taskEventHub.stop();
  running.closeOthers?.();
  await running.db.end();
  await flushTelemetry();

  if (!finished) logger.error('requests still in flight at the drain timeout were cut off');
  logger.info('shutdown complete');
  return finished ? 0 : 1;
}

/** Stops listening, lets in-flight requests finish, closes idle keep-alive connections. */
async function closeServer(server: Server, timeoutMs: number): Promise<boolean> {
  if (!server.listening) return true;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const sweep = setInterval(() => server.closeIdleConnections(), 100);
  server.closeIdleConnections();
  const outcome = await Promise.race([
    closed.then(() => true),
    delay(timeoutMs, undefined, { ref: false }).then(() => false),
  ]);
  clearInterval(sweep);
  if (!outcome) {
    server.closeAllConnections();
    await closed;
  }
  return outcome;
}
