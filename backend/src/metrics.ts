import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface PoolCounts {
  total: number;
  idle: number;
  waiting: number;
}

/** The metric names of the design's contract; dashboards, alerts and autoscalers use exactly these. */
export interface Metrics {
  registry: Registry;
  httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
  dbQueryDuration: Histogram<'operation'>;
  taskEventStreams: Gauge;
}

export function createMetrics(poolCounts: () => PoolCounts): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests served by the API, by route template.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const dbQueryDuration = new Histogram({
    name: 'db_query_duration_seconds',
    help: 'Duration of PostgreSQL queries, by operation.',
    labelNames: ['operation'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  new Gauge({
    name: 'db_pool_clients',
    help: 'PostgreSQL pool clients by state.',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const counts = poolCounts();
      this.set({ state: 'total' }, counts.total);
      this.set({ state: 'idle' }, counts.idle);
      this.set({ state: 'waiting' }, counts.waiting);
    },
  });

  const taskEventStreams = new Gauge({
    name: 'task_event_streams',
    help: 'Open GET /api/tasks/events streams held by this process.',
    registers: [registry],
  });

  return { registry, httpRequestDuration, dbQueryDuration, taskEventStreams };
}
