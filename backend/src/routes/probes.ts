import { Router, type Response } from 'express';
import type { LifecycleState } from '../lifecycle/state.js';

function reply(res: Response, ok: boolean, body: Record<string, unknown>): void {
  res
    .status(ok ? 200 : 503)
    .setHeader('Cache-Control', 'no-store')
    .json({ status: ok ? 'ok' : 'unavailable', ...body });
}

/** Liveness, readiness and start-up, from state only: no probe sends a query. */
export function probesRouter(state: LifecycleState): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    reply(res, true, {});
  });
  router.get('/ready', (_req, res) => {
    const reasons = state.notReadyReasons();
    reply(res, reasons.length === 0, reasons.length ? { reasons } : {});
  });
  router.get('/startup', (_req, res) => {
    reply(res, state.started, {
      migrated: state.migrated,
      databaseConnected: state.connectedOnce,
    });
  });
  return router;
}
