// Every alert the backend chart ships has a severity, a summary, a description and a runbook
// that exists in docs/runbooks/.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { chartsDir } from './helm.js';

const rulesDir = join(chartsDir, '../observability/rules');
interface Rule {
  alert?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const alerts = [
  ...readdirSync(rulesDir),
  ...readdirSync(join(rulesDir, 'platform')).map((file) => `platform/${file}`),
]
  .filter((file) => file.endsWith('.yaml'))
  .flatMap((file) => {
    const { groups } = parse(readFileSync(join(rulesDir, file), 'utf8')) as {
      groups: { rules: Rule[] }[];
    };
    return groups.flatMap((group) => group.rules).filter((rule) => rule.alert);
  });

describe('alert rules', () => {
  it('exist', () => {
    expect(alerts.length).toBeGreaterThan(0);
  });

  it.each(alerts.map((rule) => [rule.alert, rule]))(
    '%s is documented and has a runbook',
    (_name, rule) => {
      expect(['critical', 'warning', 'info']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary).toBeTruthy();
      expect(rule.annotations?.description).toBeTruthy();
      const runbook = rule.annotations?.runbook_url ?? '';
      const match = /\/blob\/main\/(docs\/runbooks\/[a-z0-9-]+\.md)$/.exec(runbook);
      expect(match, runbook).not.toBeNull();
      expect(existsSync(join(chartsDir, '..', match?.[1] ?? '')), runbook).toBe(true);
    },
  );
});
