import cors from 'cors';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { apiKeyFiles, apiKeyGuard } from './http/api-key.js';
import { requireJsonBody } from './http/content-type.js';
import { errorHandler, notFound } from './http/errors.js';
import { apiRateLimit } from './http/rate-limit.js';
import { requestLog } from './http/request-log.js';
import { recordRouteBase, requestMetrics } from './http/request-metrics.js';
import type { LifecycleState } from './lifecycle/state.js';
import type { Metrics } from './metrics.js';
import { infoRouter } from './routes/info.js';
import { openApiRouter } from './routes/openapi.js';
import { probesRouter } from './routes/probes.js';
import { tasksRouter } from './tasks/routes.js';
import type { WatchedFiles } from './secrets/watched-files.js';
import type { TaskEventStreams } from './tasks/event-stream.js';
import type { TaskRepository } from './tasks/repository.js';

export interface AppDependencies {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  state: LifecycleState;
  tasks: TaskRepository;
  taskEvents: TaskEventStreams;
  /** The watched API_KEY_FILE, when the service key is on. */
  apiKey?: WatchedFiles;
}

export const jsonBodyLimit = '64kb';

/**
 * The HTTP pipeline, in order: probes first (never counted, never logged), then request
 * ids, metrics and logs, then the API behind CORS, the rate limit, the service key and
 * the JSON body rules; last the 404 and the one error handler.
 */
export function createApp(deps: AppDependencies): Express {
  const { config, logger, metrics, state, tasks, taskEvents } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy);

  app.use(probesRouter(state));

  app.use(requestMetrics(metrics));
  app.use(requestLog(logger));
  app.use(helmet());

  const api = express.Router();
  if (config.corsOrigins.length > 0) {
    api.use(
      cors({
        origin: config.corsOrigins,
        exposedHeaders: ['ETag', 'Location', 'Retry-After', 'X-Request-Id', 'Idempotent-Replayed'],
        maxAge: 600,
      }),
    );
  }
  api.use(apiRateLimit(config.rateLimit));
  if (deps.apiKey && config.apiKeyFile) api.use(apiKeyGuard(deps.apiKey, apiKeyFiles(config)));
  api.use(requireJsonBody);
  api.use(
    express.json({
      limit: jsonBodyLimit,
      type: ['application/json', 'application/merge-patch+json'],
    }),
  );
  api.use('/tasks', recordRouteBase, tasksRouter(tasks, taskEvents));
  api.use('/info', recordRouteBase, infoRouter(config, state));
  api.use('/openapi.json', recordRouteBase, openApiRouter(config.build.version));
  app.use('/api', api);

  app.use(notFound);
  app.use(errorHandler());
  return app;
}
