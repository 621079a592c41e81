/** What the probes report: the start-up milestones, the cached database check, and draining. */
export interface DatabaseStatus {
  up: boolean;
  latencyMs: number | null;
  checkedAt: string | null;
  error: string | null;
}

export class LifecycleState {
  migrated = false;
  connectedOnce = false;
  draining = false;
  readonly startedAt = Date.now();
  database: DatabaseStatus = {
    up: false,
    latencyMs: null,
    checkedAt: null,
    error: 'not checked yet',
  };

  get started(): boolean {
    return this.migrated && this.connectedOnce;
  }

  /** Empty when ready; otherwise why not. */
  notReadyReasons(): string[] {
    const reasons: string[] = [];
    if (!this.started) reasons.push('starting: migrations or first connection pending');
    if (!this.database.up)
      reasons.push(`database unavailable: ${this.database.error ?? 'unknown'}`);
    if (this.draining) reasons.push('draining: shutting down');
    return reasons;
  }
}
