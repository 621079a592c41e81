import { watch, readFileSync, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';

const pollIntervalMs = 10_000;
const debounceMs = 50;

/**
 * Secrets are files that change underneath the process (the Secrets Store CSI driver and
 * the kubelet swap them atomically). This keeps their current contents, re-read when the
 * directory reports a change, on a slow poll as a safety net, and on demand.
 */
export class WatchedFiles {
  private contents = new Map<string, string | undefined>();
  private readonly watchers: FSWatcher[] = [];
  private readonly poll: NodeJS.Timeout;
  private pending: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly paths: readonly string[]) {
    this.contents = this.readAll();
    for (const dir of new Set(paths.map((p) => dirname(p)))) {
      const watcher = watch(dir, { persistent: false }, () => this.schedule());
      watcher.on('error', () => undefined);
      this.watchers.push(watcher);
    }
    this.poll = setInterval(() => this.refresh(), pollIntervalMs).unref();
  }

  /** The file's trimmed contents, or undefined when it does not exist. */
  get(path: string): string | undefined {
    return this.contents.get(path);
  }

  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  /** Re-reads every file now; tells the listeners and returns true when anything changed. */
  refresh(): boolean {
    const next = this.readAll();
    const changed = this.paths.some((p) => next.get(p) !== this.contents.get(p));
    this.contents = next;
    if (changed) for (const listener of this.listeners) listener();
    return changed;
  }

  close(): void {
    clearInterval(this.poll);
    clearTimeout(this.pending);
    for (const watcher of this.watchers) watcher.close();
  }

  private schedule(): void {
    clearTimeout(this.pending);
    this.pending = setTimeout(() => this.refresh(), debounceMs).unref();
  }

  private readAll(): Map<string, string | undefined> {
    return new Map(this.paths.map((p) => [p, readTrimmed(p)]));
  }
}

function readTrimmed(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}
