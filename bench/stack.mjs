// What every load run of bench/ shares: a real PostgreSQL with seeded tasks (inserted with
// generate_series, not through the API), the built backend with its production defaults, the
// bare Express baseline on the same database and pool size, and autocannon. The load generator
// (this process) runs on CPU 0 and each server on CPU 1 (bench/pin.mjs), the same for both.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { freePort, startEmbeddedPostgres } from '@tbyte/local';
import { pinPostgres, pinProcess, pinSelf } from './pin.mjs';
import {
  headers,
  startBackend,
  startNode,
  stopNode,
  waitFor,
  workspace,
} from './resilience/harness.mjs';

export const poolMax = 10;

/** PostgreSQL in a fresh workspace, migrated by a first start of the backend, with `tasks` rows. */
export async function startStack({ tasks = 10_000 } = {}) {
  const work = await workspace();
  const postgres = await startEmbeddedPostgres({
    dataDir: join(work.dir, 'pg'),
    persistent: false,
  });
  pinPostgres(join(work.dir, 'pg'));
  pinSelf();
  const env = { DATABASE_URL: postgres.adminUrl, DB_POOL_MAX: String(poolMax), LOG_LEVEL: 'info' };

  /** The backend with its production defaults (info logs, the service key), on the server CPU. */
  async function startService(extraEnv = {}) {
    const service = await startBackend(work.dir, { ...env, ...extraEnv });
    pinProcess(service.child.pid, 'server');
    await waitFor(`${service.base}/api/tasks?limit=1`, 10_000, { headers });
    return {
      ...service,
      startup: service.startupMs,
      firstRequest: performance.now() - service.startedAt,
    };
  }

  /** bench/baseline.mjs on the same database and pool size, on the server CPU. */
  async function startBaseline(extraEnv = {}) {
    const port = await freePort();
    const child = startNode(
      ['baseline.mjs'],
      {
        DATABASE_URL: postgres.adminUrl,
        PORT: String(port),
        DB_POOL_MAX: String(poolMax),
        ...extraEnv,
      },
      import.meta.dirname,
    );
    pinProcess(child.pid, 'server');
    const base = `http://127.0.0.1:${port}`;
    await waitFor(`${base}/health`, 10_000);
    return { child, base, stop: () => stopNode(child) };
  }

  // The first start migrates, so later starts are cold starts on a migrated database.
  await (await startBackend(work.dir, env)).stop();
  const client = new pg.Client({ connectionString: postgres.adminUrl });
  await client.connect();
  await client.query(
    `INSERT INTO tasks (title, description, status)
     SELECT 'task ' || n, 'seeded for the benchmark', ((ARRAY['todo','in_progress','done'])[1 + n % 3])::task_status
     FROM generate_series(1, $1::int) AS n`,
    [tasks],
  );
  await client.query('ANALYZE tasks');
  const { rows } = await client.query('SELECT id FROM tasks ORDER BY seq DESC LIMIT 1');
  await client.end();
  const taskId = rows[0].id;

  const endpoints = {
    list: { name: 'GET /api/tasks?limit=20', path: '/api/tasks?limit=20', method: 'GET' },
    get: { name: 'GET /api/tasks/{id}', path: `/api/tasks/${taskId}`, method: 'GET' },
    create: {
      name: 'POST /api/tasks',
      path: '/api/tasks',
      method: 'POST',
      body: JSON.stringify({ title: 'bench', description: 'created under load' }),
    },
    health: { name: 'GET /health', path: '/health', method: 'GET' },
  };

  return {
    work,
    postgres,
    taskId,
    endpoints,
    startService,
    startBaseline,
    async stop() {
      await postgres.stop();
      work.remove();
    },
  };
}

const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** CPU seconds (user and system, every thread) a process has used so far. */
function cpuSeconds(pid) {
  // The fields after the command name, which is in parentheses and may hold spaces.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/**
 * autocannon against one endpoint; `bad` counts non-2xx answers, errors and timeouts, which
 * make a run invalid. With `pid`, also the server's CPU time per request (µs), which a busy
 * machine disturbs far less than the rates.
 */
export async function load(base, endpoint, { connections, seconds, pid, ...extra }) {
  const cpuBefore = pid === undefined ? 0 : cpuSeconds(pid);
  const result = await autocannon({
    url: `${base}${endpoint.path}`,
    method: endpoint.method,
    body: endpoint.body,
    headers,
    connections,
    duration: seconds,
    timeout: 10,
    ...extra,
  });
  const cpu = pid === undefined ? undefined : cpuSeconds(pid) - cpuBefore;
  return {
    reqps: result.requests.average,
    total: result.requests.total,
    cpuUsPerRequest:
      cpu === undefined || result.requests.total === 0
        ? undefined
        : (cpu * 1e6) / result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    bad: result.non2xx + result.errors + result.timeouts,
  };
}
