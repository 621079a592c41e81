// The telemetry contract: every metric that a dashboard panel, an alert or recording rule, a
// KEDA trigger or a Rollout analysis of this repository queries must exist. Our own metrics are
// checked against the real backend: it runs on a real PostgreSQL, serves requests (a success,
// a create, a validation error, a missing task and a refused caller), and its /metrics is
// scraped. Metrics of third-party exporters must be listed per exporter in docs/telemetry.md.
// The queries are parsed with Prometheus' own PromQL grammar (@prometheus-io/lezer-promql),
// not matched by pattern.
//
//   node scripts/check-telemetry-contract.mjs [RENDERED_MANIFEST_DIR]
//
// Exits 1 naming each query and metric that breaks the contract.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
// The backend as the resilience tests run it (the built dist, on a real PostgreSQL).
import { headers, postgresIn, startBackend, workspace } from '../bench/resilience/harness.mjs';

const renderedDir = process.argv[2];
const problems = [];

// ---- the queries of the repository ------------------------------------------------------------
const queries = [];
function walk(dir, extension) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'tests' ? [] : walk(path, extension);
    return entry.name.endsWith(extension) ? [path] : [];
  });
}
for (const file of walk('observability/dashboards', '.json')) {
  const dashboard = JSON.parse(readFileSync(file, 'utf8'));
  for (const panel of dashboard.panels ?? []) {
    for (const target of panel.targets ?? [])
      queries.push({ source: `${file}: ${panel.title}`, expr: target.expr });
  }
}
const recorded = new Set();
for (const file of walk('observability/rules', '.yaml')) {
  for (const group of parseYaml(readFileSync(file, 'utf8')).groups) {
    for (const rule of group.rules) {
      if (rule.record) recorded.add(rule.record);
      queries.push({ source: `${file}: ${rule.alert ?? rule.record}`, expr: rule.expr });
    }
  }
}
if (renderedDir) {
  for (const file of walk(renderedDir, '.yaml')) {
    for (const document of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const object = document.toJSON();
      if (object?.kind === 'ScaledObject') {
        for (const trigger of object.spec.triggers.filter((t) => t.type === 'prometheus')) {
          queries.push({
            source: `${relative('.', file)}: ScaledObject ${object.metadata.name}`,
            expr: trigger.metadata.query,
          });
        }
      }
      if (object?.kind === 'AnalysisTemplate') {
        for (const metric of object.spec.metrics) {
          queries.push({
            source: `${relative('.', file)}: AnalysisTemplate ${metric.name}`,
            expr: metric.provider.prometheus.query,
          });
        }
      }
    }
  }
}

// Grafana's and Argo Rollouts' placeholders, replaced by values of the same kind.
const concrete = (expr) =>
  expr
    .replaceAll('$__rate_interval', '5m')
    .replaceAll('$__interval', '1m')
    .replaceAll('$__range', '1h')
    .replaceAll(/\{\{\s*args\.[a-z-]+\s*\}\}/g, 'hash');

/** The selectors of a query: metric names and the label names they match on. */
function selectors(expr) {
  const text = concrete(expr);
  const found = [];
  let failed = false;
  parser.parse(text).iterate({
    enter(node) {
      if (node.type.isError) failed = true;
      if (node.name !== 'VectorSelector') return;
      const selector = { metric: undefined, labels: [] };
      const cursor = node.node.cursor();
      cursor.iterate((child) => {
        if (child.name === 'Identifier' && selector.metric === undefined)
          selector.metric = text.slice(child.from, child.to);
        if (child.name === 'LabelName') selector.labels.push(text.slice(child.from, child.to));
      });
      found.push(selector);
    },
  });
  return { found, failed };
}

// ---- third-party exporters, as docs/telemetry.md lists them -----------------------------------
const exporters = new Map();
{
  const doc = readFileSync('docs/telemetry.md', 'utf8');
  const section = doc.slice(doc.indexOf('## Third-party metrics'));
  let exporter;
  for (const line of section.split('\n')) {
    const heading = /^### (.+)$/.exec(line);
    if (heading) exporter = heading[1];
    const item = /^- `([a-zA-Z_:][a-zA-Z0-9_:]*)`/.exec(line);
    if (item && exporter) exporters.set(item[1], exporter);
  }
  if (exporters.size === 0) problems.push('docs/telemetry.md lists no third-party metrics');
}

// ---- the real backend --------------------------------------------------------------------------
async function scrapeBackend() {
  const space = await workspace();
  const postgres = await postgresIn(space.dir);
  const backend = await startBackend(space.dir, { DATABASE_URL: postgres.adminUrl });
  try {
    const expect = async (status, path, init) => {
      const response = await fetch(`${backend.base}${path}`, init);
      if (response.status !== status)
        throw new Error(`${init?.method ?? 'GET'} ${path}: ${response.status}, expected ${status}`);
    };
    await expect(200, '/api/tasks', { headers });
    await expect(201, '/api/tasks', {
      method: 'POST',
      headers,
      body: JSON.stringify({ title: 'telemetry' }),
    });
    await expect(400, '/api/tasks', {
      method: 'POST',
      headers,
      body: JSON.stringify({ title: '' }),
    });
    await expect(404, '/api/tasks/00000000-0000-4000-8000-000000000000', { headers });
    await expect(401, '/api/tasks');
    return await (await fetch(`http://127.0.0.1:${backend.metricsPort}/metrics`)).text();
  } finally {
    await backend.stop();
    await postgres.stop();
    space.remove();
  }
}

/** Series names and their label names from the Prometheus text exposition. */
function exposition(text) {
  const series = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s/.exec(line);
    if (!match) continue;
    const labels = series.get(match[1]) ?? new Set();
    for (const [, name] of (match[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g))
      labels.add(name);
    series.set(match[1], labels);
  }
  return series;
}

const emitted = exposition(await scrapeBackend());
// Labels Prometheus adds to every scraped series (the ServiceMonitor's target labels).
const targetLabels = new Set([
  'job',
  'instance',
  'namespace',
  'service',
  'pod',
  'container',
  'endpoint',
  'rollouts_pod_template_hash',
]);

let ours = 0;
let thirdParty = 0;
for (const { source, expr } of queries) {
  const { found, failed } = selectors(expr);
  if (failed) problems.push(`${source}: the query does not parse as PromQL: ${expr}`);
  if (found.length === 0) problems.push(`${source}: the query selects no metric: ${expr}`);
  for (const { metric, labels } of found) {
    if (metric === undefined) {
      problems.push(`${source}: a selector without a metric name: ${expr}`);
    } else if (recorded.has(metric)) {
      continue;
    } else if (emitted.has(metric)) {
      ours += 1;
      for (const label of labels) {
        if (!emitted.get(metric).has(label) && !targetLabels.has(label)) {
          problems.push(
            `${source}: ${metric} has no label ${label} (the backend emits ${[...emitted.get(metric)].join(', ')})`,
          );
        }
      }
    } else if (exporters.has(metric)) {
      thirdParty += 1;
    } else {
      problems.push(
        `${source}: ${metric} is neither emitted by the backend nor listed for an exporter in docs/telemetry.md`,
      );
    }
  }
}

for (const problem of problems) console.error(problem);
console.log(
  `${queries.length} queries: ${ours} selectors of the backend's metrics checked against its /metrics, ${thirdParty} of exporters listed in docs/telemetry.md`,
);
process.exit(problems.length > 0 ? 1 : 0);
