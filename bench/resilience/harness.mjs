// What the resilience tests share: a real PostgreSQL (restartable on the same port and data),
// the built backend as its container runs it, and a bounded load of reads and creates whose
// every answer is recorded.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startEmbeddedPostgres } from '@tbyte/local';

export const root = join(import.meta.dirname, '../..');
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const apiKey = 'resilience-service-key';

export async function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'tbyte-resilience-'));
  writeFileSync(join(dir, 'api-key'), apiKey, { mode: 0o600 });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function postgresIn(dir, port) {
  return startEmbeddedPostgres({ dataDir: join(dir, 'pg'), persistent: true, port });
}

export async function waitFor(url, deadlineMs, init) {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const ok = await fetch(url, init).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${deadlineMs} ms`);
    await sleep(50);
  }
}

/** The built backend (backend/dist), its service key on; resolves when /startup answers 200. */
export async function startBackend(dir, env) {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(
    process.execPath,
    ['--import', './dist/telemetry/register.js', 'dist/main.js'],
    {
      cwd: join(root, 'backend'),
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        METRICS_PORT: String(await freePort()),
        API_KEY_FILE: join(dir, 'api-key'),
        RATE_LIMIT_MAX: '1000000000',
        LOG_LEVEL: 'warn',
        SHUTDOWN_GRACE_SECONDS: '1',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const host = env.HOST ?? '127.0.0.1';
  const base = `http://${host}:${port}`;
  await waitFor(`${base}/startup`, 30_000);
  return {
    child,
    base,
    port,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export const headers = { 'x-api-key': apiKey, 'content-type': 'application/json' };

/**
 * Reads and creates from `workers` loops until stop() (or `maxSeconds`), each answer recorded
 * with its time, status, content type and, for a created task, its id.
 */
export function startLoad(base, { workers = 6, maxSeconds = 60, timeoutMs = 3000 } = {}) {
  const records = [];
  let running = true;
  const started = Date.now();
  const loop = async (index) => {
    let n = 0;
    while (running && Date.now() - started < maxSeconds * 1000) {
      n += 1;
      const create = (index + n) % 3 === 0;
      const at = Date.now();
      try {
        const response = await fetch(`${base}/api/tasks${create ? '' : '?limit=20'}`, {
          method: create ? 'POST' : 'GET',
          headers,
          body: create ? JSON.stringify({ title: `under load ${index}-${n}` }) : undefined,
          signal: AbortSignal.timeout(timeoutMs),
        });
        const body = await response.json().catch(() => null);
        records.push({
          at,
          create,
          status: response.status,
          type: response.headers.get('content-type') ?? '',
          id: create && response.status === 201 ? body?.id : undefined,
        });
      } catch (error) {
        records.push({ at, create, status: 0, type: '', error: String(error) });
        await sleep(50);
      }
    }
  };
  const loops = Array.from({ length: workers }, (_, index) => loop(index));
  return {
    records,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return records;
    },
  };
}

export function summary(records) {
  const by = {};
  for (const { status } of records) by[status] = (by[status] ?? 0) + 1;
  return Object.entries(by)
    .map(([status, count]) => `${status === '0' ? 'no answer' : status}: ${count}`)
    .join(', ');
}

/**
 * Stops PostgreSQL the way an outage does: the postmaster gets SIGINT (fast shutdown), so the
 * open sessions end at once, not when their clients leave (a smart shutdown would let the
 * pool's connections keep working).
 */
export async function stopPostgresFast(dir) {
  const { readFileSync } = await import('node:fs');
  const pid = Number(readFileSync(join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > deadline) throw new Error(`PostgreSQL (pid ${pid}) did not stop within 15 s`);
    await sleep(20);
  }
}
