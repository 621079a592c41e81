import { createServer, type Server } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from './config.js';
import { CredentialSource } from './db/credentials.js';
import { isDatabaseUnavailable, type Database } from './db/database.js';
import { migrate } from './db/migrate.js';
import { shutdown } from './lifecycle/shutdown.js';
import { createLogger } from './logger.js';
import { createMetricsServer } from './metrics-server.js';
import { wireService } from './service.js';

const migrationRetryMs = 2_000;
const pruneIntervalMs = 60 * 60 * 1000;
/** Above the ALB's 60 s idle timeout, so the load balancer always closes first. */
const keepAliveTimeoutMs = 65_000;

function listen(server: Server, port: number, host?: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** Migrates once the database answers; a database that is not there yet is waited for. */
async function migrateWhenReachable(db: Database, logger: Logger): Promise<void> {
  for (;;) {
    try {
      await migrate(db, logger);
      return;
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      logger.warn(
        { err: error },
        `database not reachable; retrying migrations in ${migrationRetryMs} ms`,
      );
      await delay(migrationRetryMs);
    }
  }
}

function fail(message: string, details: Record<string, unknown>): never {
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', time: new Date().toISOString(), msg: message, ...details })}\n`,
  );
  process.exit(1);
}

async function main(): Promise<void> {
  let config: Config;
  let credentials: CredentialSource;
  let migrationCredentials: CredentialSource | undefined;
  try {
    config = loadConfig();
    credentials = new CredentialSource(config.database.credentialsDir);
    if (config.database.migrationCredentialsDir) {
      migrationCredentials = new CredentialSource(
        config.database.migrationCredentialsDir,
        'DB_MIGRATION_CREDENTIALS_DIR',
      );
    }
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message, { issues: error.issues });
    throw error;
  }
  const logger = createLogger({
    level: config.logLevel,
    service: config.telemetry.serviceName,
    version: config.build.version,
  });
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled promise rejection');
    process.exit(1);
  });

  const { app, state, metrics, db, tasks, healthCheck, apiKey, taskEvents, taskEventHub } =
    wireService(config, credentials, logger, migrationCredentials);

  const server = await listen(createServer(app), config.port, config.host);
  server.keepAliveTimeout = keepAliveTimeoutMs;
  server.headersTimeout = keepAliveTimeoutMs + 1_000;
  const metricsServer = await listen(
    createMetricsServer(metrics.registry),
    config.metricsPort,
    config.metricsHost,
  );
  logger.info({ port: config.port, metricsPort: config.metricsPort }, 'listening');

  const prune = setInterval(() => {
    tasks
      .pruneIdempotencyKeys()
      .catch((error: unknown) => logger.warn({ err: error }, 'pruning idempotency keys failed'));
  }, pruneIntervalMs).unref();

  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      shutdown(
        {
          state,
          logger,
          server,
          metricsServer,
          db,
          healthCheck,
          taskEvents,
          taskEventHub,
          graceSeconds: config.shutdownGraceSeconds,
          closeOthers: () => {
            clearInterval(prune);
            apiKey?.close();
          },
        },
        signal,
      )
        .then((code) => process.exit(code))
        .catch((error: unknown) => {
          logger.fatal({ err: error }, 'shutdown failed');
          process.exit(1);
        });
    });
  }

  healthCheck.start();
  try {
    await migrateWhenReachable(db, logger.child({ module: 'migrations' }));
  } catch (error) {
    logger.fatal({ err: error }, 'migrations failed');
    process.exit(1);
  }
  state.migrated = true;
  state.connectedOnce = true;
  await healthCheck.check();
  logger.info('started: migrations applied, database connected');
}

await main();
