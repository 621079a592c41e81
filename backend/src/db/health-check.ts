import type { LifecycleState } from '../lifecycle/state.js';
import type { Database } from './database.js';

const intervalMs = 2_000;
const timeoutMs = 1_500;

/**
 * Checks the database in the background so that probes read a cached answer instead of
 * sending a query each: a probe storm never becomes a database storm.
 */
export class DatabaseHealthCheck {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    private readonly state: LifecycleState,
  ) {}

  start(): void {
    void this.check();
    this.timer = setInterval(() => void this.check(), intervalMs).unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async check(): Promise<void> {
    const started = performance.now();
    let timeout: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.db.query('health.ping', 'SELECT 1'),
        new Promise((_, reject) => {
          timeout = setTimeout(
            () => reject(new Error(`no answer within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
      this.state.connectedOnce = true;
      this.state.database = {
        up: true,
        latencyMs: Math.round((performance.now() - started) * 100) / 100,
        checkedAt: new Date().toISOString(),
        error: null,
      };
    } catch (error) {
      this.state.database = {
        up: false,
        latencyMs: null,
        checkedAt: new Date().toISOString(),
        error: error instanceof Error ? error.message : String(error),
      };
    } finally {
      clearTimeout(timeout);
    }
  }
}
