// The bootstrap's IAM policy documents, evaluated for one environment the way IAM decides a
// request: an explicit Deny wins, else an Allow whose action, resource and conditions match.
// Expressions are resolved from a fixed table (account 111122223333, eu-west-1); one the table
// does not know throws, so a new construct in roles.tf fails the tests instead of passing them.
import { all, type Body, type Stack } from './hcl.js';

export const account = '111122223333';
export const region = 'eu-west-1';
export const iam = `arn:aws:iam::${account}`;
export const stateBucket = `tbyte-terraform-state-${account}`;
export const environments = ['dev', 'prod'];

export interface Statement {
  sid: string;
  effect: 'Allow' | 'Deny';
  actions?: string[] | undefined;
  notActions?: string[] | undefined;
  resources: string[];
  conditions: { test: string; variable: string; values: string[] }[];
}

export interface Request {
  action: string;
  resource: string;
  /** Condition keys of the request (tags the provider sends, the boundary a role carries). */
  context?: Record<string, string>;
}

// The fields of local.owned in roles.tf, read from its text for one environment.
function owned(bootstrap: Stack, env: string): Record<string, string | string[]> {
  const text = all(bootstrap, 'locals').find((block) => block.owned)?.owned as string | undefined;
  if (!text) throw new Error('roles.tf has no local.owned');
  const fields: Record<string, string | string[]> = {};
  for (const [, key, value] of text.matchAll(/^\s*(\w+)\s*=\s*"(.*)"\s*$/gm))
    if (key && value !== undefined) fields[key] = value.replaceAll('${env}', env);
  fields.others = environments.filter((other) => other !== env);
  return fields;
}

function resolver(bootstrap: Stack, env: string) {
  const fields = owned(bootstrap, env);
  const known: Record<string, string | string[]> = {
    'local.iam': iam,
    'local.partition': 'aws',
    'local.account_id': account,
    'var.region': region,
    'each.key': env,
    'local.state_bucket': stateBucket,
    'module.state_bucket.s3_bucket_arn': `arn:aws:s3:::${stateBucket}`,
    'module.kms["state"].key_arn': `arn:aws:kms:${region}:${account}:key/state`,
    'module.kms["ecr"].key_arn': `arn:aws:kms:${region}:${account}:key/ecr`,
    '[for repository in module.ecr : repository.repository_arn]': [
      `arn:aws:ecr:${region}:${account}:repository/tbyte/backend`,
      `arn:aws:ecr:${region}:${account}:repository/tbyte/frontend`,
    ],
    ...Object.fromEntries(
      Object.entries(fields).map(([key, value]) => [`each.value.${key}`, value]),
    ),
  };
  const resolve = (value: string | string[], extra: Record<string, string> = {}): string[] => {
    if (Array.isArray(value)) return value.flatMap((item) => resolve(item, extra));
    const whole = /^\$\{([^{}]+)\}$/.exec(value)?.[1];
    const table = { ...known, ...extra };
    if (whole && Array.isArray(table[whole])) return table[whole];
    let text = value;
    for (let depth = 0; depth < 5 && text.includes('${'); depth += 1)
      text = text.replace(/\$\{([^{}]+)\}/g, (match, expression: string) => {
        const found = table[expression];
        if (typeof found !== 'string') throw new Error(`unknown expression ${match} in ${value}`);
        return found;
      });
    return [text];
  };
  return resolve;
}

function statementOf(body: Body, resolve: (value: string | string[]) => string[]): Statement {
  return {
    sid: resolve(body.sid ?? '')[0] ?? '',
    effect: body.effect === 'Deny' ? 'Deny' : 'Allow',
    actions: body.actions ? resolve(body.actions) : undefined,
    notActions: body.not_actions ? resolve(body.not_actions) : undefined,
    resources: resolve(body.resources),
    conditions: ((body.condition ?? []) as Body[]).map((condition) => ({
      test: condition.test as string,
      variable: resolve(condition.variable)[0] ?? '',
      values: resolve(condition.values),
    })),
  };
}

/** The statements of data.aws_iam_policy_document.<name> for an environment. */
export function statements(bootstrap: Stack, name: string, env: string): Statement[] {
  const document = all(bootstrap, 'data', 'aws_iam_policy_document', name);
  if (document.length !== 1) throw new Error(`expected one policy document ${name}`);
  const [body] = document;
  if (!body) throw new Error(`no policy document ${name}`);
  const resolve = resolver(bootstrap, env);
  const result = ((body.statement ?? []) as Body[]).map((s) => statementOf(s, resolve));
  for (const dynamic of (body.dynamic?.statement ?? []) as Body[]) {
    // for_each is a literal map (Sid = condition key), kept only when other environments exist.
    const map = [...(dynamic.for_each as string).matchAll(/(\w+)\s*=\s*"([^"]+)"/g)];
    if (map.length === 0) throw new Error(`dynamic statement of ${name} has no literal map`);
    if (environments.length < 2) continue;
    for (const [, key, value] of map)
      result.push(
        statementOf(dynamic.content[0] as Body, (v) =>
          resolver(bootstrap, env)(v, {
            'statement.key': key ?? '',
            'statement.value': value ?? '',
          }),
        ),
      );
  }
  if (result.length === 0) throw new Error(`policy document ${name} has no statement`);
  return result;
}

const glob = (pattern: string, value: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  ).test(value);

function conditionsHold(statement: Statement, context: Record<string, string>): boolean {
  return statement.conditions.every(({ test, variable, values }) => {
    const value = context[variable];
    // IAM: a key absent from the request fails a positive operator and satisfies a negated one.
    if (value === undefined) return test.startsWith('StringNot');
    switch (test) {
      case 'StringEquals':
        return values.includes(value);
      case 'StringNotEquals':
        return !values.includes(value);
      case 'StringLike':
      case 'ArnLike':
        return values.some((pattern) => glob(pattern, value));
      default:
        throw new Error(`condition operator ${test} is not evaluated here`);
    }
  });
}

function matches(statement: Statement, request: Request): boolean {
  const actionMatches = statement.actions
    ? statement.actions.some((pattern) => glob(pattern, request.action))
    : !(statement.notActions ?? []).some((pattern) => glob(pattern, request.action));
  return (
    actionMatches &&
    statement.resources.some((pattern) => glob(pattern, request.resource)) &&
    conditionsHold(statement, request.context ?? {})
  );
}

/** IAM's decision for a request under a set of statements (identity policies only). */
export function decide(policy: Statement[], request: Request): 'allowed' | 'denied' | 'implicit' {
  if (policy.some((s) => s.effect === 'Deny' && matches(s, request))) return 'denied';
  return policy.some((s) => s.effect === 'Allow' && matches(s, request)) ? 'allowed' : 'implicit';
}
