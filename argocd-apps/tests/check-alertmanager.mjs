// The Alertmanager configuration of kube-prometheus-stack (argocd-apps/addons), checked with
// amtool: it loads, and each severity routes to the receiver the design names (critical to
// Slack and email, warning and info to Slack, the Watchdog heartbeat nowhere).
//
//   node argocd-apps/tests/check-alertmanager.mjs AMTOOL
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

const amtool = process.argv[2];
const values = parse(readFileSync('argocd-apps/addons/kube-prometheus-stack.yaml', 'utf8'));
const file = join(mkdtempSync(join(tmpdir(), 'tbyte-alertmanager-')), 'alertmanager.yaml');
writeFileSync(file, stringify(values.alertmanager.config));

const problems = [];
const run = (...args) => spawnSync(amtool, args, { encoding: 'utf8' });
const loaded = run('check-config', file);
if (loaded.status !== 0) problems.push(`amtool check-config: ${loaded.stdout}${loaded.stderr}`);

const routes = [
  {
    labels: ['severity=critical', 'alertname=BackendAvailabilityBudgetBurn', 'namespace=tbyte'],
    receiver: 'critical',
  },
  {
    labels: ['severity=warning', 'alertname=TbyteAutoscalerAtMax', 'namespace=tbyte'],
    receiver: 'slack',
  },
  {
    labels: ['severity=info', 'alertname=InfoInhibitor', 'namespace=monitoring'],
    receiver: 'slack',
  },
  { labels: ['severity=none', 'alertname=Watchdog'], receiver: 'null' },
];
for (const { labels, receiver } of routes) {
  const result = run(
    'config',
    'routes',
    'test',
    `--config.file=${file}`,
    `--verify.receivers=${receiver}`,
    ...labels,
  );
  if (result.status !== 0)
    problems.push(`${labels.join(' ')} should reach ${receiver}: ${result.stdout}${result.stderr}`);
}
// Grouping and inhibition, as the design asks.
const config = values.alertmanager.config;
if (JSON.stringify(config.route.group_by) !== JSON.stringify(['namespace', 'alertname'])) {
  problems.push(
    `route.group_by is ${JSON.stringify(config.route.group_by)}, expected namespace and alertname`,
  );
}
const inhibit = config.inhibit_rules?.[0];
if (
  !inhibit?.source_matchers?.includes('severity = "critical"') ||
  !inhibit.target_matchers?.some((m) => m.includes('warning'))
) {
  problems.push('no inhibition of warnings by criticals');
}

for (const problem of problems) console.error(problem);
console.log(`alertmanager configuration loads; ${routes.length} routes checked`);
process.exit(problems.length > 0 ? 1 : 0);
