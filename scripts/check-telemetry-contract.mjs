// Every metric a dashboard queries must be one the backend emits: the names come from the
// backend's own registry (its histograms, gauge and prom-client's default metrics), not
// from a list kept by hand. Exits non-zero naming each unknown metric.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createMetrics } from '../backend/dist/metrics.js';

const { registry } = createMetrics(() => ({ total: 0, idle: 0, waiting: 0 }));
const emitted = new Set();
for (const metric of await registry.getMetricsAsJSON()) {
  emitted.add(metric.name);
  if (metric.type === 'histogram')
    for (const suffix of ['_bucket', '_count', '_sum']) emitted.add(metric.name + suffix);
}

const dir = 'observability/dashboards';
const problems = [];
let queries = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
  const dashboard = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  for (const panel of dashboard.panels ?? []) {
    for (const target of panel.targets ?? []) {
      queries += 1;
      for (const [name] of target.expr.matchAll(/\b(?:http|db|process|nodejs)_[a-z0-9_]+/g)) {
        if (!emitted.has(name))
          problems.push(
            `${file}: panel "${panel.title}" queries ${name}, which the backend does not emit`,
          );
      }
    }
  }
}
if (queries === 0) problems.push(`${dir}: no dashboard queries found`);
for (const problem of problems) console.error(problem);
console.log(`${queries} dashboard queries checked against ${emitted.size} emitted metric names`);
process.exit(problems.length > 0 ? 1 : 0);
