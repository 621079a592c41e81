import type { Express } from 'express';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import type { Config } from './config.js';
import type { CredentialSource } from './db/credentials.js';
import { Database } from './db/database.js';
import { DatabaseHealthCheck } from './db/health-check.js';
import { rdsIamSigner } from './db/rds-iam.js';
import { apiKeyFiles } from './http/api-key.js';
import { LifecycleState } from './lifecycle/state.js';
import { createMetrics, type Metrics } from './metrics.js';
import { WatchedFiles } from './secrets/watched-files.js';
import { TaskEventHub } from './tasks/event-hub.js';
import { TaskEventStreams } from './tasks/event-stream.js';
import { TaskRepository } from './tasks/repository.js';

export interface Service {
  app: Express;
  state: LifecycleState;
  metrics: Metrics;
  db: Database;
  tasks: TaskRepository;
  healthCheck: DatabaseHealthCheck;
  apiKey: WatchedFiles | undefined;
  taskEventHub: TaskEventHub;
  taskEvents: TaskEventStreams;
}

/** The service's parts wired together: what main.ts serves and what the tests drive. */
export function wireService(
  config: Config,
  credentials: CredentialSource,
  logger: Logger,
  migrationCredentials?: CredentialSource,
): Service {
  const state = new LifecycleState();
  const metrics = createMetrics(() => db.counts());
  const db: Database = new Database({
    url: config.database.url,
    poolMax: config.database.poolMax,
    credentials,
    ...(migrationCredentials ? { migrationCredentials } : {}),
    ...(config.database.auth.mode === 'rds-iam'
      ? { authToken: rdsIamSigner(config.database.auth) }
      : {}),
    logger: logger.child({ module: 'db' }),
    observeQuery: (operation, seconds) => metrics.dbQueryDuration.observe({ operation }, seconds),
  });
  const tasks = new TaskRepository(db);
  const taskEventHub = new TaskEventHub({ db, tasks, logger: logger.child({ module: 'events' }) });
  const taskEvents = new TaskEventStreams({
    hub: taskEventHub,
    state,
    gauge: metrics.taskEventStreams,
    pod: config.runtime.pod,
  });
  const apiKey = config.apiKeyFile ? new WatchedFiles(apiKeyFiles(config)) : undefined;
  const app = createApp({
    config,
    logger,
    metrics,
    state,
    tasks,
    taskEvents,
    ...(apiKey ? { apiKey } : {}),
  });
  const healthCheck = new DatabaseHealthCheck(db, state);
  return { app, state, metrics, db, tasks, healthCheck, apiKey, taskEventHub, taskEvents };
}
