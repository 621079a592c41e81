import { Router } from 'express';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { LifecycleState } from '../lifecycle/state.js';

export const infoSchema = z
  .object({
    service: z.string(),
    version: z.string(),
    commit: z.string(),
    pod: z.string(),
    node: z.string().nullable(),
    namespace: z.string().nullable(),
    uptimeSeconds: z.int(),
    runtime: z.string(),
    database: z.object({
      status: z.enum(['up', 'down']),
      latencyMs: z.number().nullable(),
      checkedAt: z.iso.datetime().nullable(),
    }),
  })
  .meta({ id: 'Info', description: 'The instance that answered and the state of its database.' });

/** Which pod and version answered: what the frontend's platform panel shows. */
export function infoRouter(config: Config, state: LifecycleState): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    const info: z.infer<typeof infoSchema> = {
      service: config.telemetry.serviceName,
      version: config.build.version,
      commit: config.build.commit,
      pod: config.runtime.pod,
      node: config.runtime.node ?? null,
      namespace: config.runtime.namespace ?? null,
      uptimeSeconds: Math.round((Date.now() - state.startedAt) / 1000),
      runtime: process.version,
      database: {
        status: state.database.up ? 'up' : 'down',
        latencyMs: state.database.latencyMs,
        checkedAt: state.database.checkedAt,
      },
    };
    res.setHeader('Cache-Control', 'no-store').json(info);
  });
  return router;
}
