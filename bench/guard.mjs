// The short throughput guard of CI: `GET /api/tasks?limit=20` at 50 connections against the
// backend (production defaults) and the bare Express baseline, side by side in one run,
// alternating in rounds so a burst of load from elsewhere hits both, and judged by the median
// of the rounds' ratios, so one disturbed round does not decide. Exits 1 when that ratio is
// under GUARD_MIN_RATIO (0.85), when any answer was not 2xx, or when nothing was measured. `pnpm bench` records the full figures; the margin
// below its 90% target is for the noise of a short run on a shared machine.
//
//   node bench/guard.mjs        (GUARD_SECONDS per round, 3; GUARD_ROUNDS, 5)
import { loadavg } from 'node:os';
import { pinning } from './pin.mjs';
import { load, startStack } from './stack.mjs';

const seconds = Number(process.env.GUARD_SECONDS ?? 3);
const rounds = Number(process.env.GUARD_ROUNDS ?? 5);
const minRatio = Number(process.env.GUARD_MIN_RATIO ?? 0.85);
const connections = 50;
for (const [name, value] of Object.entries({ GUARD_SECONDS: seconds, GUARD_ROUNDS: rounds })) {
  if (!Number.isInteger(value) || value < 1) {
    console.error(`${name} must be a whole number of at least 1, not ${value}`);
    process.exit(2);
  }
}
if (!(minRatio > 0 && minRatio <= 1)) {
  console.error(`GUARD_MIN_RATIO must be in (0, 1], not ${process.env.GUARD_MIN_RATIO}`);
  process.exit(2);
}

const stack = await startStack();
const service = await stack.startService();
const baseline = await stack.startBaseline();
const endpoint = stack.endpoints.list;
const totals = { ours: 0, base: 0, bad: 0 };
const ratios = [];
try {
  // One untimed second each, so both are warm before the first counted round.
  await load(baseline.base, endpoint, { connections, seconds: 1 });
  await load(service.base, endpoint, { connections, seconds: 1 });
  for (let round = 1; round <= rounds; round += 1) {
    // Who goes first alternates, so a drift of the machine's load does not favour one side.
    const runBase = () =>
      load(baseline.base, endpoint, { connections, seconds, pid: baseline.child.pid });
    const runOurs = () =>
      load(service.base, endpoint, { connections, seconds, pid: service.child.pid });
    let base;
    let ours;
    if (round % 2 === 1) {
      base = await runBase();
      ours = await runOurs();
    } else {
      ours = await runOurs();
      base = await runBase();
    }
    totals.base += base.total;
    totals.ours += ours.total;
    totals.bad += base.bad + ours.bad;
    if (base.total > 0) ratios.push(ours.total / base.total);
    console.log(
      `round ${round}: backend ${ours.total} requests (${ours.reqps.toFixed(0)} req/s, p99 ${ours.p99} ms, ${ours.cpuUsPerRequest.toFixed(0)} µs CPU a request), baseline ${base.total} (${base.reqps.toFixed(0)} req/s, ${base.cpuUsPerRequest.toFixed(0)} µs): ${base.total > 0 ? ((100 * ours.total) / base.total).toFixed(1) : '-'}%`,
    );
  }
} finally {
  await baseline.stop();
  await service.stop();
  await stack.stop();
}

const ratio = ratios.length > 0 ? ratios.sort((a, b) => a - b)[Math.floor(ratios.length / 2)] : 0;
console.log(
  `${endpoint.name} at ${connections} connections, ${rounds} rounds of ${seconds} s, ${pinning}, load average ${loadavg()
    .map((n) => n.toFixed(2))
    .join(
      ' ',
    )}: measured ${totals.ours + totals.base} requests (backend ${totals.ours}, baseline ${totals.base}), non-2xx or failed ${totals.bad}; backend at ${(100 * ratio).toFixed(1)}% of the baseline (median of ${ratios.length} rounds) (minimum ${(100 * minRatio).toFixed(0)}%)`,
);
if (totals.ours === 0 || totals.base === 0) {
  console.error('FAIL: no requests were measured');
  process.exit(1);
}
if (totals.bad > 0) {
  console.error(`FAIL: ${totals.bad} answers were not 2xx`);
  process.exit(1);
}
if (ratio < minRatio) {
  console.error(`FAIL: the backend is below ${(100 * minRatio).toFixed(0)}% of the baseline`);
  process.exit(1);
}
console.log('ok');
