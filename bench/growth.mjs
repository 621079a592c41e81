// `node bench/growth.mjs`: whether the cost of the API stays flat as the data grows. For each
// size in BENCH_GROWTH_SIZES (tasks, seeded with generate_series, not through the API; default
// 10000,1000000), the backend's p50 and p99 at 10 connections for the first page of the list, a
// page deep in the cursor chain (the middle of the table), a status-filtered page and a get by
// id, each within 1.25x of the smallest size's figures; and `EXPLAIN (ANALYZE, BUFFERS)` of
// each query, which must use an index and no Sort node. Then a million idempotency keys (nine in
// ten expired): the lookup of a key and a create's removal of its own expired key must use an
// index, and creates with keys keep answering while the hourly prune deletes the expired ones. Adds its rows to docs/benchmarks.md and exits 1 when
// a check fails or when nothing was measured.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { appendToTable } from './table.mjs';
import { load, startStack } from './stack.mjs';

const root = join(import.meta.dirname, '..');
const sizes = (process.env.BENCH_GROWTH_SIZES ?? '10000,1000000').split(',').map(Number);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const keys = Number(process.env.BENCH_GROWTH_KEYS ?? 1_000_000);
if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 100)) {
  console.error('BENCH_GROWTH_SIZES must list whole numbers of tasks, each at least 100');
  process.exit(2);
}
const columns = 'id, seq, title, description, status, version, created_at, updated_at';
const cursorOf = (seq) => Buffer.from(JSON.stringify({ s: String(seq) })).toString('base64url');

/**
 * The plan's problems (no index used, or a Sort node) and the median execution time of five
 * runs, which the load on a shared machine disturbs less than the latency seen through HTTP.
 */
async function planProblems(client, sql, values) {
  const times = [];
  let plan = '';
  for (let run = 0; run < 5; run += 1) {
    // ANALYZE runs the statement: a DELETE is rolled back.
    await client.query('BEGIN');
    const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, values);
    await client.query('ROLLBACK');
    plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    times.push(Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1]));
  }
  const problems = [];
  if (!/Index (Only )?Scan|Bitmap Index Scan/.test(plan)) problems.push('no index scan');
  if (/\bSort\b/.test(plan)) problems.push('a sort');
  const executionMs = times.sort((a, b) => a - b)[2];
  return { plan, problems, executionMs };
}

const planCell = ({ problems, executionMs }) =>
  `${problems.length === 0 ? 'index, no sort' : problems.join(', ')}; ${executionMs.toFixed(3)} ms`;

const failures = [];
const rows = [];
const firstFigures = {};
for (const size of sizes) {
  const stack = await startStack({ tasks: size });
  const client = new pg.Client({ connectionString: stack.postgres.adminUrl });
  await client.connect();
  const middle = (
    await client.query('SELECT seq, id FROM tasks ORDER BY seq LIMIT 1 OFFSET $1', [
      Math.floor(size / 2),
    ])
  ).rows[0];
  const queries = {
    'first page': {
      path: '/api/tasks?limit=20',
      sql: `SELECT ${columns} FROM tasks ORDER BY seq DESC LIMIT $1`,
      values: [21],
    },
    'deep page': {
      path: `/api/tasks?limit=20&cursor=${cursorOf(middle.seq)}`,
      sql: `SELECT ${columns} FROM tasks WHERE seq < $1 ORDER BY seq DESC LIMIT $2`,
      values: [middle.seq, 21],
    },
    'status page': {
      path: '/api/tasks?limit=20&status=done',
      sql: `SELECT ${columns} FROM tasks WHERE status = $1 ORDER BY seq DESC LIMIT $2`,
      values: ['done', 21],
    },
    'get by id': {
      path: `/api/tasks/${middle.id}`,
      sql: `SELECT ${columns} FROM tasks WHERE id = $1`,
      values: [middle.id],
    },
  };
  const service = await stack.startService();
  for (const [name, query] of Object.entries(queries)) {
    const endpoint = { name, path: query.path, method: 'GET' };
    await load(service.base, endpoint, { connections: 10, seconds: 1 });
    const result = await load(service.base, endpoint, { connections: 10, seconds });
    const explained = await planProblems(client, query.sql, query.values);
    const { problems } = explained;
    firstFigures[name] ??= result;
    const base = firstFigures[name];
    const p50Ratio = result.p50 / Math.max(base.p50, 1);
    const p99Ratio = result.p99 / Math.max(base.p99, 1);
    if (result.total === 0) failures.push(`${size} ${name}: nothing measured`);
    if (result.bad > 0) failures.push(`${size} ${name}: ${result.bad} answers were not 2xx`);
    if (problems.length > 0)
      failures.push(`${size} ${name}: the plan has ${problems.join(' and ')}`);
    // Below 2 ms a 1 ms step is 50%: latencies that small are flat by any reading.
    if (result.p99 > 2 && (p50Ratio > 1.25 || p99Ratio > 1.25))
      failures.push(
        `${size} ${name}: p50/p99 ${p50Ratio.toFixed(2)}x/${p99Ratio.toFixed(2)}x of the smallest size`,
      );
    rows.push({ size, name, result, plan: planCell(explained) });
    console.error(
      `${size} tasks, ${name}: p50 ${result.p50} ms, p99 ${result.p99} ms, ${result.total} requests, plan: ${rows.at(-1).plan}`,
    );
  }

  if (size === sizes.at(-1)) {
    // A million keys, most expired: the lookup and the prune use their indexes, and creates
    // answer while the prune deletes.
    await client.query(
      `INSERT INTO idempotency_keys (key, request_hash, created_at)
       SELECT 'key-' || n, 'hash', now() - (CASE WHEN n % 10 = 0 THEN interval '1 hour' ELSE interval '2 days' END)
       FROM generate_series(1, $1::int) AS n`,
      [keys],
    );
    await client.query('ANALYZE idempotency_keys');
    for (const [name, sql, values] of [
      [
        'idempotency key lookup',
        'SELECT request_hash, response_body FROM idempotency_keys WHERE key = $1',
        [`key-${keys / 2}`],
      ],
      // What a create with a key runs first: the key's own expired row, if any, goes.
      [
        'expired key removal in a create',
        `DELETE FROM idempotency_keys WHERE key = $1 AND created_at < now() - interval '24 hours'`,
        ['key-1'],
      ],
    ]) {
      const explained = await planProblems(client, sql, values);
      if (explained.problems.length > 0)
        failures.push(`${name}: the plan has ${explained.problems.join(' and ')}`);
      rows.push({ size: keys, name, plan: planCell(explained) });
    }
    const create = {
      name: 'create',
      path: '/api/tasks',
      method: 'POST',
      body: JSON.stringify({ title: 'during prune' }),
    };
    // Each create with a key of its own, so every one claims a row in the table being pruned.
    const withKey = {
      requests: [
        {
          setupRequest: (request) => ({
            ...request,
            headers: { ...request.headers, 'idempotency-key': randomUUID() },
          }),
        },
      ],
    };
    const started = performance.now();
    const prune = client.query(
      `DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'`,
    );
    const during = await load(service.base, create, { connections: 10, seconds, ...withKey });
    const pruned = (await prune).rowCount;
    const pruneMs = performance.now() - started;
    if (during.total === 0 || during.bad > 0)
      failures.push(`creates during the prune: ${during.total} answered, ${during.bad} not 201`);
    rows.push({
      size: keys,
      name: `create while pruning ${pruned} keys (${Math.round(pruneMs)} ms)`,
      result: during,
      plan: '-',
    });
    console.error(
      `create during a prune of ${pruned} keys: p50 ${during.p50} ms, p99 ${during.p99} ms, ${during.total} requests`,
    );
  }
  await service.stop();
  await client.end();
  await stack.stop();
}

const date = new Date().toISOString().slice(0, 10);
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
  cwd: root,
  encoding: 'utf8',
}).trim();
const lines = rows.map(
  (r) =>
    `| ${date} | ${commit} | ${cpus().length} | ${process.version} | ${loadavg()[0].toFixed(1)} | ${r.size} | ${r.name} | ${r.result ? `${r.result.p50} / ${r.result.p99} ms` : '-'} | ${r.result ? r.result.total : '-'} | ${r.plan} |`,
);
for (const line of lines) console.log(line);
const doc = join(root, 'docs/benchmarks.md');
writeFileSync(doc, appendToTable(readFileSync(doc, 'utf8'), '<!-- bench:growth -->', lines));
execFileSync('pnpm', ['exec', 'prettier', '--write', 'docs/benchmarks.md'], {
  cwd: root,
  stdio: 'ignore',
});
if (rows.length === 0) failures.push('nothing was measured');
for (const failure of failures) console.error(`FAIL: ${failure}`);
process.exit(failures.length > 0 ? 1 : 0);
