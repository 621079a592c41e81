import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll } from '@jest/globals';
import type { Express } from 'express';
import { loadConfig, type Config } from '../../src/config.js';
import { CredentialSource } from '../../src/db/credentials.js';
import { migrate } from '../../src/db/migrate.js';
import { createLogger } from '../../src/logger.js';
import type { Database } from '../../src/db/database.js';
import type { DatabaseHealthCheck } from '../../src/db/health-check.js';
import type { LifecycleState } from '../../src/lifecycle/state.js';
import type { Metrics } from '../../src/metrics.js';
import { wireService } from '../../src/service.js';
import { createTestDatabase, type TestDatabase } from './database.js';

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
  const credentials = new CredentialSource(config.database.credentialsDir);
  const { app, db, state, metrics, healthCheck, apiKey, taskEventHub } = wireService(
    config,
    credentials,
    logger,
  );
  if (options.migrate ?? true) {
    await migrate(db, logger);
    state.migrated = true;
    state.connectedOnce = true;
  }
  await healthCheck.check();
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
      taskEventHub.stop();
      apiKey?.close();
      await db.end();
    },
  };
}

/**
 * A test file's app on a database of its own, created before its tests and dropped after.
 * The fields fill in when the tests run.
 */
export function useTestApp(env: Record<string, string> = {}): {
  t: TestApp;
  database: TestDatabase;
} {
  const holder = {} as { t: TestApp; database: TestDatabase };
  beforeAll(async () => {
    holder.database = await createTestDatabase();
    holder.t = await startTestApp({ DATABASE_URL: holder.database.url, ...env });
  });
  afterAll(async () => {
    await holder.t.close();
    await holder.database.drop();
  });
  return holder;
}

/**
 * A test file's database of its own, and apps started on it as each test needs them (with the
 * environment it gives); the apps close after each test, the database is dropped after all.
 */
export function useTestApps(): {
  database: TestDatabase;
  appWith: (env?: Record<string, string>) => Promise<TestApp>;
} {
  const apps: TestApp[] = [];
  const holder = {
    database: undefined as unknown as TestDatabase,
    appWith: async (env: Record<string, string> = {}): Promise<TestApp> => {
      const t = await startTestApp({ DATABASE_URL: holder.database.url, ...env });
      apps.push(t);
      return t;
    },
  };
  beforeAll(async () => {
    holder.database = await createTestDatabase();
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((t) => t.close()));
  });
  afterAll(async () => {
    await holder.database.drop();
  });
  return holder;
}
