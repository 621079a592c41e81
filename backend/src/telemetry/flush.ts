/**
 * The bridge between the tracing set-up (loaded with --import, before the app) and the
 * shutdown sequence of the app: both import this module and so share its state.
 */
let flush: (() => Promise<void>) | undefined;

export function onTelemetryFlush(fn: () => Promise<void>): void {
  flush = fn;
}

export async function flushTelemetry(): Promise<void> {
  await flush?.();
}
