// `node bench/profile.mjs [list|get|create] [connections] [backend|baseline] [sampler]`: the
// built backend (or the bare baseline; with a sampler, the backend tracing with that
// OTEL_TRACES_SAMPLER, `default` for its own, into a local OTLP receiver) under load with V8's CPU profiler on (bench/cpu-profile-hook.mjs), on a
// real PostgreSQL with 10 000 seeded tasks, pinned as in `pnpm bench` (bench/pin.mjs), and a
// top-down summary of the profile as text for docs/benchmarks.md: self time by package (or
// backend file), the heaviest functions by self time and with their callees, and the server's
// CPU time per request. PROFILE_OUT=<file> keeps the raw .cpuprofile (for a flame graph in
// Chromium's DevTools or speedscope).
import { copyFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { freePort } from '@tbyte/local';
import { load, startStack } from './stack.mjs';

const [target = 'list', connectionsArg = '50', side = 'backend', sampler] = process.argv.slice(2);
const connections = Number(connectionsArg);
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
if (
  !['list', 'get', 'create'].includes(target) ||
  !Number.isInteger(connections) ||
  !['backend', 'baseline'].includes(side)
) {
  console.error(
    'usage: node bench/profile.mjs [list|get|create] [connections] [backend|baseline] [sampler]',
  );
  process.exit(2);
}

const stack = await startStack();
let tracing = {};
let receiver;
if (sampler !== undefined) {
  const port = await freePort();
  receiver = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200).end('{}'));
  }).listen(port, '127.0.0.1');
  tracing = {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    ...(sampler === 'default' ? {} : { OTEL_TRACES_SAMPLER: sampler }),
  };
}
const profileFile = join(stack.work.dir, `${side}.cpuprofile`);
const profiling = {
  NODE_OPTIONS: `--import=${join(import.meta.dirname, 'cpu-profile-hook.mjs')}`,
  CPU_PROFILE_FILE: profileFile,
};
const server =
  side === 'backend'
    ? await stack.startService({ ...profiling, ...tracing })
    : await stack.startBaseline(profiling);
const endpoint = stack.endpoints[target];
// Warm-up, so the profile shows optimised code rather than the JIT's first passes.
await load(server.base, endpoint, { connections, seconds: 2 });
const result = await load(server.base, endpoint, { connections, seconds, pid: server.child.pid });
await server.stop();
receiver?.close();
const profile = JSON.parse(readFileSync(profileFile, 'utf8'));
if (process.env.PROFILE_OUT) copyFileSync(profileFile, process.env.PROFILE_OUT);
await stack.stop();

// Self time per node from the samples' time deltas.
const selfUs = new Map();
profile.samples.forEach((id, i) => {
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
if (total === 0) throw new Error('the profile holds no samples');

function where(url) {
  if (!url) return '(native / V8)';
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const own = /backend\/dist\/(.+)\.js$/.exec(url);
  if (own) return `backend: ${own[1]}`;
  if (url.startsWith('node:')) return 'node core';
  return url.replace(/^file:\/\/.*\/bench\//, 'bench/');
}
const nameOf = ({ callFrame }) =>
  `${callFrame.functionName || '(anonymous)'} ${where(callFrame.url)}${callFrame.url ? `:${callFrame.lineNumber + 1}` : ''}`;

const byPlace = new Map();
const byFunction = new Map();
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0;
  if (us === 0) continue;
  const place = where(node.callFrame.url);
  byPlace.set(place, (byPlace.get(place) ?? 0) + us);
  byFunction.set(nameOf(node), (byFunction.get(nameOf(node)) ?? 0) + us);
}

// Time under each function, its callees included (a function counted once per stack).
const parentOf = new Map();
for (const node of profile.nodes)
  for (const child of node.children ?? []) parentOf.set(child, node);
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const inclusive = new Map();
for (const [id, us] of selfUs) {
  const seen = new Set();
  for (let node = byId.get(id); node; node = parentOf.get(node.id)) {
    const name = nameOf(node);
    if (seen.has(name) || !node.callFrame.url) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + us);
  }
}

const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
const top = (map, n) =>
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => `${pct(us)}  ${name}`);

console.log(
  `${side}${sampler ? ` tracing (${sampler})` : ''}, ${endpoint.name} at ${connections} connections: ${result.reqps.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ${result.cpuUsPerRequest.toFixed(0)} µs of CPU a request, ${result.total} requests, non-2xx or failed ${result.bad}; ${(total / 1e6).toFixed(1)} s of samples (start-up and warm-up included)`,
);
console.log('\nself time by place');
for (const line of top(byPlace, 20)) console.log(line);
console.log('\nheaviest functions (self time)');
for (const line of top(byFunction, 25)) console.log(line);
console.log('\nheaviest functions (callees included)');
for (const line of top(inclusive, 30)) console.log(line);
