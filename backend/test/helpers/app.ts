import { Writable } from 'node:stream';
import type { Express } from 'express';
import { createApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { CredentialSource } from '../../src/db/credentials.js';
import { Database } from '../../src/db/database.js';
import { DatabaseHealthCheck } from '../../src/db/health-check.js';
import { migrate } from '../../src/db/migrate.js';
import { LifecycleState } from '../../src/lifecycle/state.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics, type Metrics } from '../../src/metrics.js';
import { WatchedFiles } from '../../src/secrets/watched-files.js';
import { TaskRepository } from '../../src/tasks/repository.js';

export interface TestApp {
  app: Express;
  config: Config;
  db: Database;
  state: LifecycleState;
  metrics: Metrics;
  healthCheck: DatabaseHealthCheck;
  /** Every log line written so far, parsed. */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/** The real app, wired as main.ts wires it, on a real database, in this process. */
export async function startTestApp(
  env: Record<string, string>,
  options: { migrate?: boolean } = {},
): Promise<TestApp> {
  const config = loadConfig({ LOG_LEVEL: 'info', ...env });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const logger = createLogger({ level: config.logLevel, service: 'test', version: 'test' }, sink);
  const state = new LifecycleState();
  const credentials = new CredentialSource(config.database.credentialsDir);
  const metrics = createMetrics(() => db.counts());
  const db: Database = new Database({
    url: config.database.url,
    poolMax: config.database.poolMax,
    credentials,
    logger,
    observeQuery: (operation, seconds) => metrics.dbQueryDuration.observe({ operation }, seconds),
  });
  if (options.migrate ?? true) {
    await migrate(db, logger);
    state.migrated = true;
    state.connectedOnce = true;
  }
  const healthCheck = new DatabaseHealthCheck(db, state);
  await healthCheck.check();
  const apiKey = config.apiKeyFile ? new WatchedFiles([config.apiKeyFile]) : undefined;
  const app = createApp({
    config,
    logger,
    metrics,
    state,
    tasks: new TaskRepository(db),
    ...(apiKey ? { apiKey } : {}),
  });
  return {
    app,
    config,
    db,
    state,
    metrics,
    healthCheck,
    logs,
    close: async () => {
      healthCheck.stop();
      apiKey?.close();
      await db.end();
    },
  };
}
