// Parses Grafana's provisioning files and the dashboards, and checks that every datasource a
// dashboard or a derived field points at is provisioned, and that the collector, Prometheus and
// Loki configurations parse. Exits non-zero naming each problem; prints what it checked.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

// The observability folder: this file's parent, or the folder given (tests point it at a copy).
const root = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..');
const read = (path) => readFileSync(join(root, path), 'utf8');
const problems = [];

const datasources =
  parse(read('grafana/provisioning/datasources/datasources.yaml')).datasources ?? [];
const uids = new Set(datasources.map((source) => source.uid));
if (uids.size === 0) problems.push('no datasources provisioned');
for (const source of datasources) {
  for (const field of source.jsonData?.derivedFields ?? []) {
    if (!uids.has(field.datasourceUid)) {
      problems.push(
        `datasource ${source.name}: derived field links to unknown uid ${field.datasourceUid}`,
      );
    }
  }
}

const providers = parse(read('grafana/provisioning/dashboards/dashboards.yaml')).providers ?? [];
const paths = providers.map((provider) => provider.options?.path);
if (JSON.stringify(paths) !== JSON.stringify(['/etc/grafana/dashboards'])) {
  problems.push(
    'dashboard provider must read /etc/grafana/dashboards (the mount of observability/dashboards)',
  );
}

const dashboards = readdirSync(join(root, 'dashboards'))
  .filter((name) => name.endsWith('.json'))
  .sort();
if (dashboards.length === 0) problems.push('no dashboards in observability/dashboards');
const seenUids = new Set();
let panels = 0;
for (const name of dashboards) {
  const dashboard = JSON.parse(read(join('dashboards', name)));
  if (seenUids.has(dashboard.uid))
    problems.push(`${name}: duplicate dashboard uid ${dashboard.uid}`);
  seenUids.add(dashboard.uid);
  for (const panel of dashboard.panels ?? []) {
    panels += 1;
    const targets = panel.targets ?? [];
    if (targets.length === 0 || !targets.every((target) => target.expr)) {
      problems.push(`${name}: panel '${panel.title}' has no query`);
    }
    for (const item of [panel, ...targets]) {
      const uid = item.datasource?.uid;
      if (uid !== undefined && uid !== null && !uids.has(uid)) {
        problems.push(`${name}: panel '${panel.title}' uses unknown datasource uid ${uid}`);
      }
    }
  }
}
if (panels === 0) problems.push('the dashboards have no panels');

for (const config of ['otel-collector.yaml', 'prometheus.yml', 'loki.yaml']) {
  try {
    parse(read(config));
  } catch (error) {
    problems.push(`${config}: ${error.message}`);
  }
}

for (const problem of problems) console.error(problem);
console.log(
  `${dashboards.length} dashboards, ${panels} panels and ${uids.size} datasources checked`,
);
process.exit(problems.length > 0 ? 1 : 0);
