// What the resilience tests share: a real PostgreSQL (restartable on the same port and data),
// the built backend as its container runs it, and a bounded load of reads and creates whose
// every answer is recorded.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { spawnBackend, startEmbeddedPostgres } from '@tbyte/local';

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
    // Short, so start-up times measured through it (pnpm bench) are not rounded up.
    await sleep(5);
  }
}

// Every process started here is killed if the runner exits early.
const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** A Node program of the repository, its output dropped but for errors. */
export function startNode(args, env, cwd) {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export async function stopNode(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/**
 * The built backend (backend/dist) started as its container starts it, the service key on;
 * resolves when /startup answers 200, with the time that took (startupMs).
 */
export async function startBackend(dir, env) {
  const startedAt = performance.now();
  const backend = await spawnBackend({
    ...(env.PORT ? { port: Number(env.PORT) } : {}),
    output: 'errors',
    env: {
      PATH: process.env.PATH,
      API_KEY_FILE: join(dir, 'api-key'),
      RATE_LIMIT_MAX: '1000000000',
      LOG_LEVEL: 'warn',
      SHUTDOWN_GRACE_SECONDS: '1',
      ...env,
    },
  });
  const startupMs = await backend.untilStarted(30_000);
  return { ...backend, startedAt, startupMs, stop: () => backend.stop() };
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

/**
 * What a suite tests against, set up before its tests and torn down after them: a workspace,
 * a PostgreSQL in it, `prepare(stack)` (roles, files), and the backend with `backendEnv(stack)`
 * (the admin connection by default; null for no backend). The fields fill in before the tests
 * run; a test that restarts PostgreSQL puts the new one in `stack.postgres`.
 */
export function useStack({
  prepare,
  backendEnv = (stack) => ({ DATABASE_URL: stack.postgres.adminUrl }),
} = {}) {
  const stack = {};
  before(async () => {
    stack.space = await workspace();
    stack.postgres = await postgresIn(stack.space.dir);
    await prepare?.(stack);
    if (backendEnv) stack.backend = await startBackend(stack.space.dir, backendEnv(stack));
  });
  after(async () => {
    await stack.backend?.stop();
    await stack.postgres?.stop();
    stack.space?.remove();
  });
  return stack;
}
