// `pnpm bench`: the backend measured side by side with a bare Express baseline in the same run
// (same PostgreSQL, same pool size, same SQL, same Express), plus cold start, memory, tracing,
// the frontend's load and the images. Prints a table and adds dated rows, with the core count,
// the commit and the load average, to the tables of docs/benchmarks.md. A load run with any
// non-2xx answer, error or timeout is invalid and says so.
//
// The service runs with its production defaults (validation, metrics, logging, helmet, the
// service key); its rate limit is raised through RATE_LIMIT_MAX so the load is not refused
// (the limit is per client address and the load generator is one client). The load generator
// and PostgreSQL run on CPU 0, each server alone on CPU 1 (bench/pin.mjs); each pair of runs
// alternates which side goes first, BENCH_ROUNDS times, so a change in the machine's load
// weighs on both sides.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromiumLaunchOptions, freePort } from '@tbyte/local';
import { createGateway } from '../local/dist/gateway.js';
import { apiKey } from './resilience/harness.mjs';
import { appendToTable } from './table.mjs';
import { pinning } from './pin.mjs';
import { load, startStack } from './stack.mjs';

const root = join(import.meta.dirname, '..');
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const concurrencies = [10, 50];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const loadAverage = () => loadavg()[0].toFixed(1);
const loadSeen = [loadAverage()];

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

// ---- PostgreSQL with 10 000 tasks --------------------------------------------------------------
const stack = await startStack();
const { endpoints } = stack;

// A local OTLP receiver: accepts every export (the collector's role), so tracing costs what it
// costs in the service and nothing more.
const otlpPort = await freePort();
const otlp = createServer((request, response) => {
  request.resume();
  request.on('end', () =>
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
  );
}).listen(otlpPort, '127.0.0.1');
const tracingEnv = (sampler) => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlpPort}`,
  OTEL_SERVICE_NAME: 'backend',
  ...(sampler ? { OTEL_TRACES_SAMPLER: sampler } : {}),
});

// ---- load -------------------------------------------------------------------------------------
/** Both sides, `rounds` times, alternating who goes first; totals over the rounds. */
async function sideBySide(endpoint, connections, ours, theirs) {
  const runs = { ours: [], base: [] };
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? ['base', 'ours'] : ['ours', 'base'];
    for (const side of order) {
      const server = side === 'ours' ? ours : theirs;
      runs[side].push(
        await load(server.base, endpoint, { connections, seconds, pid: server.child.pid }),
      );
    }
  }
  const combine = (list) => ({
    reqps: list.reduce((sum, r) => sum + r.total, 0) / (seconds * list.length),
    p50: Math.max(...list.map((r) => r.p50)),
    p99: Math.max(...list.map((r) => r.p99)),
    cpuUsPerRequest:
      list.reduce((sum, r) => sum + r.cpuUsPerRequest * r.total, 0) /
      list.reduce((sum, r) => sum + r.total, 0),
    bad: list.reduce((sum, r) => sum + r.bad, 0),
  });
  return { ours: combine(runs.ours), base: combine(runs.base) };
}

const service = await stack.startService();
await sleep(2000);
const idleRss = rssMb(service.child.pid);
const coldStart = [];
for (let i = 0; i < 3; i += 1) {
  const run = await stack.startService();
  coldStart.push(run);
  await run.stop();
}

const baseline = await stack.startBaseline();
// One untimed run each, so neither side is measured while its JIT warms up.
for (const server of [baseline, service]) {
  await load(server.base, endpoints.list, { connections: 10, seconds: 2 });
}

const results = [];
for (const endpoint of [endpoints.list, endpoints.get, endpoints.create, endpoints.health]) {
  for (const connections of concurrencies) {
    const { ours, base } = await sideBySide(endpoint, connections, service, baseline);
    results.push({ endpoint: endpoint.name, connections, base, ours, load: loadAverage() });
    loadSeen.push(loadAverage());
    console.error(
      `${endpoint.name} c=${connections}: ${ours.reqps.toFixed(0)} req/s vs baseline ${base.reqps.toFixed(0)} (${((100 * ours.reqps) / base.reqps).toFixed(0)}%), CPU ${ours.cpuUsPerRequest.toFixed(0)} vs ${base.cpuUsPerRequest.toFixed(0)} µs a request, load average ${loadAverage()}`,
    );
  }
}
const loadedRss = rssMb(service.child.pid);

// p99 at half the baseline's saturating rate (its best list throughput).
const listBaseline = Math.max(
  ...results.filter((r) => r.endpoint === endpoints.list.name).map((r) => r.base.reqps),
);
const halfRate = Math.floor(listBaseline / 2);
const atHalf = await load(service.base, endpoints.list, {
  connections: 50,
  seconds,
  overallRate: halfRate,
});
await service.stop();

// Tracing on, against the local receiver, for the list endpoint at 50 connections: with the
// sampler the service defaults to (what the charts run) and with every request sampled; each
// against the same service without tracing, alternating, as the throughput runs are.
const untraced = await stack.startService();
const tracing = {};
for (const [name, sampler] of [
  ['default', undefined],
  ['every request', 'parentbased_always_on'],
]) {
  const traced = await stack.startService(tracingEnv(sampler));
  await load(traced.base, endpoints.list, { connections: 10, seconds: 2 });
  tracing[name] = await sideBySide(endpoints.list, 50, traced, untraced);
  await traced.stop();
  console.error(
    `tracing, ${name}: ${tracing[name].ours.reqps.toFixed(0)} vs ${tracing[name].base.reqps.toFixed(0)} req/s untraced`,
  );
}
await untraced.stop();
await baseline.stop();
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

const browserService = await stack.startService();
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
await stack.stop();

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
const pct = (a, b) => `${fmt((100 * a) / b)}%`;
const tracingRuns = Object.values(tracing).flatMap((t) => [t.ours, t.base]);
const invalid = results
  .filter((r) => r.ours.bad > 0 || r.base.bad > 0)
  .concat(
    atHalf.bad > 0 || tracingRuns.some((r) => r.bad > 0)
      ? [{ endpoint: 'half-rate or traced run' }]
      : [],
  );
const date = new Date().toISOString().slice(0, 10);
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
  cwd: root,
  encoding: 'utf8',
}).trim();
const cores = cpus().length;
const node = process.version;

const lines = results.map(
  (r) =>
    `| ${date} | ${commit} | ${cores} | ${node} | ${r.load} | ${r.endpoint} | ${r.connections} | ${fmt(r.ours.reqps)} | ${fmt(r.base.reqps)} | ${pct(r.ours.reqps, r.base.reqps)} | ${r.ours.p50} / ${r.ours.p99} ms | ${r.base.p50} / ${r.base.p99} ms | ${fmt(r.ours.cpuUsPerRequest)} / ${fmt(r.base.cpuUsPerRequest)} µs | ${r.ours.bad + r.base.bad} |`,
);
const tracedCell = (t) =>
  `${fmt(t.ours.reqps)} vs ${fmt(t.base.reqps)} req/s (${pct(t.ours.reqps, t.base.reqps)}), CPU ${fmt(t.ours.cpuUsPerRequest)} vs ${fmt(t.base.cpuUsPerRequest)} µs`;
const summary = [
  `| ${date} | ${commit} | ${cores} | ${node} | ${Math.min(...loadSeen)}-${Math.max(...loadSeen)} | ${fmt(median(coldStart.map((r) => r.startup)))} ms | ${fmt(median(coldStart.map((r) => r.firstRequest)))} ms | ${fmt(idleRss)} MB | ${fmt(loadedRss)} MB | ${halfRate} req/s: p99 ${atHalf.p99} ms | ${tracedCell(tracing.default)} | ${tracedCell(tracing['every request'])} | ${fmt(initialKb, 1)} kB | ${fmt(median(renders))} ms | ${images.backend} / ${images.frontend} |`,
];

console.log(`\nNode.js ${node}; ${pinning}; ${rounds} rounds of ${seconds} s a side`);
console.log(
  'load | endpoint | c | ours req/s | baseline req/s | ratio | ours p50/p99 | baseline p50/p99 | CPU a request ours / baseline | bad',
);
for (const line of lines) console.log(line);
console.log(
  '\nload | cold start | first request | RSS idle | RSS loaded | half-rate p99 | tracing, default sampler | tracing, every request | initial load | board rendered | images',
);
console.log(summary[0]);
if (invalid.length > 0)
  console.log(
    `\nINVALID: non-2xx, errors or timeouts in ${invalid.map((r) => r.endpoint).join(', ')}`,
  );

const doc = join(root, 'docs/benchmarks.md');
let updated = appendToTable(
  readFileSync(doc, 'utf8'),
  '<!-- bench:throughput -->',
  invalid.length > 0 ? lines.map((l) => l.replace(/\|$/, ' INVALID |')) : lines,
);
updated = appendToTable(updated, '<!-- bench:summary -->', summary);
writeFileSync(doc, updated);
execFileSync('pnpm', ['exec', 'prettier', '--write', 'docs/benchmarks.md'], {
  cwd: root,
  stdio: 'ignore',
});
console.log(`\nadded to the tables of docs/benchmarks.md`);
process.exit(invalid.length > 0 ? 1 : 0);
