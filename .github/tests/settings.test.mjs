// The repository settings kept as code (.github/settings, CODEOWNERS) against the workflows
// that depend on them: only the GitOps App may push to main without review, its key lives only
// in environments that main alone may deploy from, and the jobs that push use its token.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (path) => readFileSync(join(root, path), 'utf8');
const ruleset = JSON.parse(read('.github/settings/ruleset-main.json'));
const environments = JSON.parse(read('.github/settings/environments.json'));
const workflows = Object.fromEntries(
  readdirSync(join(root, '.github/workflows'))
    .filter((name) => name.endsWith('.yml'))
    .map((name) => [name, parse(read(`.github/workflows/${name}`))]),
);
const appKey = 'secrets.GITOPS_APP_PRIVATE_KEY';

/** A job's environment names, with a matrix expanded (terraform-${{ matrix.environment }}). */
function environmentsOf(job) {
  const name = typeof job.environment === 'object' ? job.environment?.name : job.environment;
  if (!name) return [];
  const matrix = /\$\{\{\s*matrix\.(\w+)\s*\}\}/.exec(name);
  if (!matrix) return [name];
  return job.strategy.matrix[matrix[1]].map((value) => name.replace(matrix[0], value));
}

describe('the main ruleset', () => {
  it('protects the default branch: no deletion or force push, a reviewed pull request, CI passed', () => {
    assert.deepEqual(ruleset.conditions.ref_name.include, ['~DEFAULT_BRANCH']);
    assert.equal(ruleset.target, 'branch');
    assert.equal(ruleset.enforcement, 'active');
    const rules = Object.fromEntries(ruleset.rules.map((rule) => [rule.type, rule.parameters]));
    assert.deepEqual(Object.keys(rules).sort(), [
      'deletion',
      'non_fast_forward',
      'pull_request',
      'required_status_checks',
    ]);
    assert.ok(rules.pull_request.required_approving_review_count >= 1);
    assert.equal(rules.pull_request.require_code_owner_review, true);
    assert.equal(rules.pull_request.require_last_push_approval, true);
    assert.equal(rules.pull_request.dismiss_stale_reviews_on_push, true);
    const gate = Object.values(workflows['ci.yml'].jobs).map((job) => job.name);
    const checks = rules.required_status_checks.required_status_checks.map((c) => c.context);
    assert.ok(checks.length > 0);
    for (const check of checks) assert.ok(gate.includes(check), `${check} is a job of ci.yml`);
  });

  it('gates on every CI job: the required check needs all the others and fails unless each succeeded', (t) => {
    const jobs = workflows['ci.yml'].jobs;
    const [gateId, gate] = Object.entries(jobs).find(([, job]) => job.name === 'CI passed') ?? [];
    assert.ok(gate, 'ci.yml has a job named CI passed');
    const others = Object.keys(jobs).filter((id) => id !== gateId);
    assert.ok(others.length >= 10, `${others.length} jobs besides the gate`);
    assert.deepEqual([...gate.needs].sort(), others.sort());
    assert.equal(gate.if, 'always()');
    assert.match(gate.steps.map((step) => step.run ?? '').join('\n'), /= success \] \|\| exit 1/);
    t.diagnostic(`CI passed needs ${others.length} jobs`);
  });

  it('lets one actor bypass it: the GitOps App (its id is added when the ruleset is applied)', () => {
    assert.deepEqual(ruleset.bypass_actors, [{ actor_type: 'Integration', bypass_mode: 'always' }]);
  });
});

describe('environments', () => {
  const names = Object.keys(environments);

  it('production and terraform-* (and dev) deploy from main only; prod ones need a reviewer', () => {
    for (const required of ['dev', 'production', 'terraform-dev', 'terraform-prod']) {
      assert.ok(names.includes(required), required);
    }
    for (const [name, environment] of Object.entries(environments)) {
      assert.deepEqual(
        environment.deployment_branch_policy,
        { protected_branches: false, custom_branch_policies: true },
        name,
      );
      assert.deepEqual(environment.branch_policies, [{ name: 'main', type: 'branch' }], name);
    }
    for (const name of ['production', 'terraform-prod']) {
      assert.ok(environments[name].reviewers.length > 0, `${name} has reviewers`);
      assert.equal(environments[name].prevent_self_review, true, name);
    }
  });

  it('every environment a workflow names is defined here', (t) => {
    let used = 0;
    for (const [file, workflow] of Object.entries(workflows)) {
      for (const [id, job] of Object.entries(workflow.jobs)) {
        for (const name of environmentsOf(job)) {
          used += 1;
          assert.ok(names.includes(name), `${file} ${id}: environment ${name}`);
        }
      }
    }
    t.diagnostic(`${used} environment uses in ${Object.keys(workflows).length} workflows`);
    assert.ok(used >= 4, `${used} environments used`);
  });

  it("the App's key is read only by jobs in an environment that holds it", (t) => {
    let readers = 0;
    for (const [file, workflow] of Object.entries(workflows)) {
      for (const [id, job] of Object.entries(workflow.jobs)) {
        if (!JSON.stringify(job).includes(appKey)) continue;
        readers += 1;
        const held = environmentsOf(job);
        assert.ok(held.length > 0, `${file} ${id} reads the App's key outside an environment`);
        for (const name of held) {
          assert.ok(environments[name].secrets.includes('GITOPS_APP_PRIVATE_KEY'), name);
        }
      }
    }
    t.diagnostic(`${readers} jobs read the App's key`);
    assert.ok(readers >= 2, `${readers} jobs read the App's key`);
  });
});

describe('the pushes to main of every workflow', () => {
  const jobs = Object.entries(workflows).flatMap(([file, workflow]) =>
    Object.entries(workflow.jobs)
      .filter(([, job]) => JSON.stringify(job).includes('commit-gitops-change.sh'))
      .map(([id, job]) => [`${file}: ${id}`, job]),
  );

  it('use the App token, never the workflow token, and ask for no write permission', (t) => {
    // The release's dev tag bump and prod promotion, and Terraform's Update App Configs.
    assert.equal(jobs.length, 3, jobs.map(([id]) => id).join(', '));
    t.diagnostic(`${jobs.length} pushing jobs checked`);
    for (const [id, job] of jobs) {
      assert.notEqual(job.permissions?.contents, 'write', id);
      const push = job.steps.find((step) => step.run?.includes('commit-gitops-change.sh'));
      assert.equal(push.env.GH_TOKEN, '${{ steps.app-token.outputs.token }}', id);
      assert.equal(push.env.GITOPS_APP_SLUG, '${{ steps.app-token.outputs.app-slug }}', id);
      const token = job.steps.find((step) => step.id === 'app-token');
      assert.match(token.uses, /^actions\/create-github-app-token@[0-9a-f]{40}$/, id);
      assert.equal(token.with['permission-contents'], 'write', id);
      assert.equal(token.with['private-key'], `\${{ ${appKey} }}`, id);
    }
  });

  it('commit-gitops-change.sh refuses to push to GitHub without the App', () => {
    const work = mkdtempSync(join(tmpdir(), 'tbyte-gitops-'));
    const result = spawnSync(
      'bash',
      [join(root, 'scripts/commit-gitops-change.sh'), 'message', 'file', '--', 'true'],
      {
        cwd: work,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, GH_TOKEN: 'token', GITHUB_REPOSITORY: 'tbyte/tbyte' },
      },
    );
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /GITOPS_APP_SLUG/);
  });
});

describe('CODEOWNERS', () => {
  it('names an owning team for the GitOps environments, Terraform and .github', () => {
    const owners = Object.fromEntries(
      read('.github/CODEOWNERS')
        .split('\n')
        .filter((line) => line.trim() && !line.startsWith('#'))
        .map((line) => line.trim().split(/\s+/))
        .map(([path, ...teams]) => [path, teams]),
    );
    for (const path of ['/argocd-apps/envs/', '/terraform/', '/.github/']) {
      assert.ok(owners[path]?.length > 0, path);
      for (const team of owners[path]) assert.match(team, /^@[\w-]+\/[\w-]+$/, path);
    }
  });
});
