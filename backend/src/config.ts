import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';

/** Raised when the environment does not describe a valid configuration; names the variable. */
export class ConfigError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(`invalid configuration: ${issues.map((i) => `${i.variable}: ${i.message}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

const port = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a whole number')
    .min(1, 'must be between 1 and 65535')
    .max(65535, 'must be between 1 and 65535')
    .default(fallback);

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const readableFile = optionalText.refine((path) => path === undefined || isReadableFile(path), {
  error: 'must name a readable file',
});

const readableDirectory = optionalText.refine(
  (path) => path === undefined || (existsSync(path) && statSync(path).isDirectory()),
  { error: 'must name an existing directory' },
);

const urlList = optionalText.transform((value, ctx) => {
  if (value === undefined) return [];
  const origins = value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  for (const origin of origins) {
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      ctx.addIssue({ code: 'custom', message: `"${origin}" is not an origin like https://host` });
      return z.NEVER;
    }
    if (parsed.origin !== origin) {
      ctx.addIssue({
        code: 'custom',
        message: `"${origin}" must be an origin (scheme://host[:port])`,
      });
      return z.NEVER;
    }
  }
  return origins;
});

const environmentSchema = z.object({
  PORT: port(8080),
  METRICS_PORT: port(9090),
  // The address the API listens on; unset, every interface (the container's default).
  HOST: z.union([z.ipv4(), z.ipv6()]).optional(),
  // /metrics is never routed from outside; pnpm start keeps it on loopback like the API.
  METRICS_HOST: z.union([z.ipv4(), z.ipv6()]).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  DATABASE_URL: optionalText.refine(
    (v) => v === undefined || /^postgres(ql)?:\/\//.test(v),
    'must be a postgres:// or postgresql:// URL',
  ),
  PGHOST: optionalText,
  PGPORT: z.coerce.number().int().min(1).max(65535).optional(),
  PGDATABASE: optionalText,
  PGUSER: optionalText,
  PGPASSWORD: optionalText,
  PGSSLMODE: z
    .enum(['disable', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify'])
    .optional(),
  DB_CREDENTIALS_DIR: readableDirectory,
  DB_MIGRATION_CREDENTIALS_DIR: readableDirectory,
  // rds-iam: serving connections log in as tbyte_app with an IAM token each (RDS), no password.
  DB_AUTH: z.enum(['password', 'rds-iam']).default('password'),
  AWS_REGION: optionalText,
  DB_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),

  API_KEY_FILE: readableFile,
  API_NEXT_KEY_FILE: readableFile,
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).max(300).default(10),
  CORS_ORIGINS: urlList,
  TRUST_PROXY: z.string().trim().min(1).default('loopback, linklocal, uniquelocal'),
  RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),

  OTEL_EXPORTER_OTLP_ENDPOINT: optionalText.refine(
    (v) => v === undefined || URL.canParse(v),
    'must be a URL such as http://otel-collector:4318',
  ),
  OTEL_SERVICE_NAME: z.string().trim().min(1).default('tbyte-backend'),

  APP_VERSION: z.string().trim().min(1).default(readPackageVersion()),
  GIT_SHA: z.string().trim().min(1).default('unknown'),
  POD_NAME: z.string().trim().min(1).default(hostname()),
  POD_NAMESPACE: optionalText,
  NODE_NAME: optionalText,
});

export type Environment = z.input<typeof environmentSchema>;

export interface Config {
  port: number;
  /** The API's listen address; undefined means every interface. */
  host: string | undefined;
  metricsPort: number;
  /** The metrics server's listen address; undefined means every interface. */
  metricsHost: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  database: {
    /** Connection string, when DATABASE_URL is set; otherwise pg reads libpq's PG* variables. */
    url: string | undefined;
    credentialsDir: string | undefined;
    /**
     * The migration role's credentials (tbyte_migrator); without them the given credentials
     * must be able to create roles, and the backend creates and uses both roles itself.
     */
    migrationCredentialsDir: string | undefined;
    /**
     * How serving connections authenticate: with the credentials above, or (rds-iam) as
     * tbyte_app with an RDS IAM token signed for each new connection to this host and port.
     */
    auth: { mode: 'password' } | { mode: 'rds-iam'; region: string; host: string; port: number };
    poolMax: number;
  };
  apiKeyFile: string | undefined;
  /** The key that is being rotated in (or out), accepted beside API_KEY_FILE's. */
  apiNextKeyFile: string | undefined;
  shutdownGraceSeconds: number;
  corsOrigins: string[];
  trustProxy: string;
  rateLimit: { max: number; windowSeconds: number };
  telemetry: { endpoint: string | undefined; serviceName: string };
  build: { version: string; commit: string };
  runtime: { pod: string; namespace: string | undefined; node: string | undefined };
}

/** Validates every variable the service reads; throws ConfigError naming each bad one. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: issue.path.map(String).join('.'),
        message: issue.message,
      })),
    );
  }
  const e = parsed.data;
  if (e.API_NEXT_KEY_FILE && !e.API_KEY_FILE) {
    throw new ConfigError([
      { variable: 'API_NEXT_KEY_FILE', message: 'needs API_KEY_FILE, the current key' },
    ]);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    metricsPort: e.METRICS_PORT,
    metricsHost: e.METRICS_HOST,
    logLevel: e.LOG_LEVEL,
    database: {
      url: e.DATABASE_URL,
      credentialsDir: e.DB_CREDENTIALS_DIR,
      migrationCredentialsDir: e.DB_MIGRATION_CREDENTIALS_DIR,
      auth: databaseAuth(e),
      poolMax: e.DB_POOL_MAX,
    },
    apiKeyFile: e.API_KEY_FILE,
    apiNextKeyFile: e.API_NEXT_KEY_FILE,
    shutdownGraceSeconds: e.SHUTDOWN_GRACE_SECONDS,
    corsOrigins: e.CORS_ORIGINS,
    trustProxy: e.TRUST_PROXY,
    rateLimit: { max: e.RATE_LIMIT_MAX, windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS },
    telemetry: { endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME },
    build: { version: e.APP_VERSION, commit: e.GIT_SHA },
    runtime: { pod: e.POD_NAME, namespace: e.POD_NAMESPACE, node: e.NODE_NAME },
  };
}

/**
 * IAM authentication signs a token for the host and port it connects to and needs TLS (RDS
 * refuses it otherwise); the migrations keep a password of their own (the master secret).
 */
function databaseAuth(e: z.output<typeof environmentSchema>): Config['database']['auth'] {
  if (e.DB_AUTH === 'password') return { mode: 'password' };
  const issues: { variable: string; message: string }[] = [];
  const need = (variable: string, message: string) => issues.push({ variable, message });
  if (!e.AWS_REGION) need('AWS_REGION', 'is required when DB_AUTH is rds-iam');
  if (!e.PGHOST) need('PGHOST', 'is required when DB_AUTH is rds-iam (the token names the host)');
  if (e.DATABASE_URL) need('DATABASE_URL', 'must be unset when DB_AUTH is rds-iam: use PGHOST');
  if (e.DB_CREDENTIALS_DIR) {
    need('DB_CREDENTIALS_DIR', 'must be unset when DB_AUTH is rds-iam: tbyte_app has no password');
  }
  if (!e.DB_MIGRATION_CREDENTIALS_DIR) {
    need('DB_MIGRATION_CREDENTIALS_DIR', 'is required when DB_AUTH is rds-iam (the master secret)');
  }
  if (!e.PGSSLMODE || !['require', 'verify-ca', 'verify-full'].includes(e.PGSSLMODE)) {
    need('PGSSLMODE', 'must be require, verify-ca or verify-full when DB_AUTH is rds-iam');
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return {
    mode: 'rds-iam',
    region: e.AWS_REGION ?? '',
    host: e.PGHOST ?? '',
    port: e.PGPORT ?? 5432,
  };
}

function isReadableFile(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function readPackageVersion(): string {
  const manifest = new URL('../package.json', import.meta.url);
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return version;
}
