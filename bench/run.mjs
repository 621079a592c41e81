// `pnpm bench`: the backend measured side by side with a bare Express baseline in the same run
// (same PostgreSQL, same pool size, same SQL), plus cold start, memory, the frontend's load and
// the images. Prints a table and appends dated rows to docs/benchmarks.md with the core count
// and the commit. A load run with any non-2xx answer, error or timeout is invalid and says so.
//
// The service runs with its production defaults (validation, metrics, logging, helmet, the
// service key); its rate limit is raised through RATE_LIMIT_MAX so the load is not refused
// (the limit is per client address and the load generator is one client).
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import pg from 'pg';
import { chromiumLaunchOptions, freePort, startEmbeddedPostgres } from '@tbyte/local';
import { createGateway } from '../local/dist/gateway.js';
import {
  apiKey,
  headers,
  startBackend,
  startNode,
  stopNode,
  waitFor,
  workspace,
} from './resilience/harness.mjs';

const root = join(import.meta.dirname, '..');
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const concurrencies = [10, 50];
const poolMax = 10;
const work = await workspace();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

// ---- PostgreSQL with 10 000 tasks --------------------------------------------------------------
const postgres = await startEmbeddedPostgres({ dataDir: join(work.dir, 'pg'), persistent: false });

/** The backend with its production defaults (info logs, the service key), timed to its first answer. */
async function startService({ tracing, otlpPort }) {
  const service = await startBackend(work.dir, {
    DATABASE_URL: postgres.adminUrl,
    DB_POOL_MAX: String(poolMax),
    LOG_LEVEL: 'info',
    ...(tracing
      ? {
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlpPort}`,
          OTEL_SERVICE_NAME: 'backend',
        }
      : {}),
  });
  await waitFor(`${service.base}/api/tasks?limit=1`, 10_000, { headers });
  return {
    ...service,
    startup: service.startupMs,
    firstRequest: performance.now() - service.startedAt,
  };
}

// A local OTLP receiver: accepts every export (the collector's role), so tracing costs what it
// costs in the service and nothing more.
const otlpPort = await freePort();
const otlp = createServer((request, response) => {
  request.resume();
  request.on('end', () =>
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
  );
}).listen(otlpPort, '127.0.0.1');

// The first start migrates; it is not a cold start on a migrated database.
await (await startService({ tracing: false })).stop();
const client = new pg.Client({ connectionString: postgres.adminUrl });
await client.connect();
await client.query(
  `INSERT INTO tasks (title, description, status)
   SELECT 'task ' || n, 'seeded for the benchmark', ((ARRAY['todo','in_progress','done'])[1 + n % 3])::task_status
   FROM generate_series(1, 10000) AS n`,
);
const { rows } = await client.query('SELECT id FROM tasks ORDER BY seq DESC LIMIT 1');
const taskId = rows[0].id;
await client.end();

// ---- load -------------------------------------------------------------------------------------
const endpoints = [
  { name: 'GET /api/tasks?limit=20', path: '/api/tasks?limit=20', method: 'GET' },
  { name: 'GET /api/tasks/{id}', path: `/api/tasks/${taskId}`, method: 'GET' },
  {
    name: 'POST /api/tasks',
    path: '/api/tasks',
    method: 'POST',
    body: JSON.stringify({ title: 'bench', description: 'created under load' }),
  },
  { name: 'GET /health', path: '/health', method: 'GET' },
];

async function load(base, endpoint, connections, extra = {}) {
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
  const bad = result.non2xx + result.errors + result.timeouts;
  return { reqps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, bad };
}

const service = await startService({ tracing: false });
await sleep(2000);
const idleRss = rssMb(service.child.pid);
const coldStart = [];
for (let i = 0; i < 3; i += 1) {
  const run = await startService({ tracing: false });
  coldStart.push(run);
  await run.stop();
}

const baselinePort = await freePort();
const baseline = startNode(
  ['baseline.mjs'],
  { DATABASE_URL: postgres.adminUrl, PORT: String(baselinePort), DB_POOL_MAX: String(poolMax) },
  join(root, 'bench'),
);
await waitFor(`http://127.0.0.1:${baselinePort}/health`, 10_000);

const results = [];
for (const endpoint of endpoints) {
  for (const connections of concurrencies) {
    const base = await load(`http://127.0.0.1:${baselinePort}`, endpoint, connections);
    const ours = await load(service.base, endpoint, connections);
    results.push({ endpoint: endpoint.name, connections, base, ours });
    console.error(
      `${endpoint.name} c=${connections}: ${ours.reqps.toFixed(0)} req/s vs baseline ${base.reqps.toFixed(0)}`,
    );
  }
}
const loadedRss = rssMb(service.child.pid);

// p99 at half the baseline's saturating rate (its best list throughput).
const listBaseline = Math.max(
  ...results.filter((r) => r.endpoint.startsWith('GET /api/tasks?')).map((r) => r.base.reqps),
);
const halfRate = Math.floor(listBaseline / 2);
const atHalf = await load(service.base, endpoints[0], 50, { overallRate: halfRate });
await service.stop();

// Tracing on, against the local receiver, for the list endpoint.
const traced = await startService({ tracing: true, otlpPort });
const tracedList = await load(traced.base, endpoints[0], 50);
const untracedList = results.find(
  (r) => r.endpoint === endpoints[0].name && r.connections === 50,
).ours;
await traced.stop();
await stopNode(baseline);
otlp.close();

// ---- frontend ---------------------------------------------------------------------------------
const dist = join(root, 'frontend/dist');
const indexHtml = readFileSync(join(dist, 'index.html'), 'utf8');
const assets = [...indexHtml.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map(
  (m) => m[1],
);
const initialKb =
  [indexHtml, ...assets.map((asset) => readFileSync(join(dist, asset)))].reduce(
    (sum, content) => sum + gzipSync(content, { level: 6 }).length,
    0,
  ) / 1000;

const browserService = await startService({ tracing: false });
const gatewayPort = await freePort();
const gateway = createGateway({
  staticDir: dist,
  backendUrl: new URL(browserService.base),
  runtimeConfig: { environment: 'bench', version: 'bench', features: {} },
  apiKey: () => apiKey,
}).listen(gatewayPort, '127.0.0.1');
const requireFromFrontend = createRequire(join(root, 'frontend/package.json'));
const { chromium } = requireFromFrontend('@playwright/test');
const browser = await chromium.launch(chromiumLaunchOptions());
const renders = [];
for (let i = 0; i < 5; i += 1) {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${gatewayPort}/`);
  await page.getByRole('listitem').first().waitFor({ timeout: 15_000 });
  renders.push(await page.evaluate(() => performance.now()));
  await page.close();
}
await browser.close();
gateway.close();
await browserService.stop();
await postgres.stop();
work.remove();

// ---- images (when the compose e2e built them) ---------------------------------------------------
function imageAddsMb(image, base) {
  try {
    const size = (name) =>
      Number(
        execFileSync('podman', ['image', 'inspect', '--format', '{{.Size}}', name], {
          encoding: 'utf8',
        }),
      );
    return `${Math.round((size(image) - size(base)) / 1e6)} MB`;
  } catch {
    return 'not built';
  }
}
const nodeBase = /ARG NODE_IMAGE=(.+)/.exec(
  readFileSync(join(root, 'backend/Dockerfile'), 'utf8'),
)[1];
const nginxBase = /ARG NGINX_IMAGE=(.+)/.exec(
  readFileSync(join(root, 'frontend/Dockerfile'), 'utf8'),
)[1];
const images = {
  backend: imageAddsMb('tbyte/backend:e2e', `docker.io/library/${nodeBase}`),
  frontend: imageAddsMb('tbyte/frontend:e2e', `docker.io/${nginxBase}`),
};

// ---- report -----------------------------------------------------------------------------------
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (n, digits = 0) => n.toFixed(digits);
const invalid = results
  .filter((r) => r.ours.bad > 0 || r.base.bad > 0)
  .concat(atHalf.bad > 0 || tracedList.bad > 0 ? [{ endpoint: 'half-rate or traced run' }] : []);
const date = new Date().toISOString().slice(0, 10);
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
  cwd: root,
  encoding: 'utf8',
}).trim();
const cores = cpus().length;

const lines = [];
for (const r of results) {
  lines.push(
    `| ${date} | ${commit} | ${cores} | ${r.endpoint} | ${r.connections} | ${fmt(r.ours.reqps)} | ${fmt(r.base.reqps)} | ${fmt((100 * r.ours.reqps) / r.base.reqps)}% | ${r.ours.p50} / ${r.ours.p99} ms | ${r.base.p50} / ${r.base.p99} ms | ${r.ours.bad + r.base.bad} |`,
  );
}
const summary = [
  `| ${date} | ${commit} | ${cores} | ${fmt(median(coldStart.map((r) => r.startup)))} ms | ${fmt(median(coldStart.map((r) => r.firstRequest)))} ms | ${fmt(idleRss)} MB | ${fmt(loadedRss)} MB | ${halfRate} req/s: p99 ${atHalf.p99} ms | ${fmt(tracedList.reqps)} vs ${fmt(untracedList.reqps)} req/s (${fmt((100 * tracedList.reqps) / untracedList.reqps)}%) | ${fmt(initialKb, 1)} kB | ${fmt(median(renders))} ms | ${images.backend} / ${images.frontend} |`,
];

console.log(
  '\nendpoint | c | ours req/s | baseline req/s | ratio | ours p50/p99 | baseline p50/p99 | bad',
);
for (const line of lines) console.log(line);
console.log(
  '\ncold start | first request | RSS idle | RSS loaded | half-rate p99 | tracing | initial load | board rendered | images',
);
console.log(summary[0]);
if (invalid.length > 0)
  console.log(
    `\nINVALID: non-2xx, errors or timeouts in ${invalid.map((r) => r.endpoint).join(', ')}`,
  );

const doc = join(root, 'docs/benchmarks.md');
const text = readFileSync(doc, 'utf8');
const insertRows = (markdown, marker, rows) => {
  const at = markdown.indexOf(marker);
  if (at < 0) throw new Error(`docs/benchmarks.md has no ${marker}`);
  return markdown.slice(0, at) + rows.map((row) => `${row}\n`).join('') + markdown.slice(at);
};
let updated = insertRows(
  text,
  '<!-- bench:throughput -->',
  invalid.length > 0 ? lines.map((l) => l.replace(/\|$/, ' INVALID |')) : lines,
);
updated = insertRows(updated, '<!-- bench:summary -->', summary);
writeFileSync(doc, updated);
execFileSync('pnpm', ['exec', 'prettier', '--write', 'docs/benchmarks.md'], {
  cwd: root,
  stdio: 'ignore',
});
console.log(`\nappended to docs/benchmarks.md`);
process.exit(invalid.length > 0 ? 1 : 0);
