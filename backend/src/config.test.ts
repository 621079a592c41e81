import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './config.js';

function issuesOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => i.variable);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives the design defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.metricsPort).toBe(9090);
    expect(config.host).toBeUndefined();
    expect(config.metricsHost).toBeUndefined();
    expect(config.logLevel).toBe('info');
    expect(config.database.poolMax).toBe(10);
    expect(config.database.url).toBeUndefined();
    expect(config.database.auth).toEqual({ mode: 'password' });
    expect(config.apiKeyFile).toBeUndefined();
    expect(config.corsOrigins).toEqual([]);
    expect(config.telemetry.endpoint).toBeUndefined();
    expect(config.telemetry.serviceName).toBe('tbyte-backend');
    expect(config.build.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('reads every variable of the contract', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tbyte-config-'));
    const keyFile = join(dir, 'api-key');
    writeFileSync(keyFile, 'k');
    const config = loadConfig({
      PORT: '8181',
      METRICS_PORT: '9191',
      HOST: '127.0.0.1',
      METRICS_HOST: '::1',
      LOG_LEVEL: 'debug',
      DATABASE_URL: 'postgresql://u:p@db:5432/tbyte',
      DB_CREDENTIALS_DIR: dir,
      DB_MIGRATION_CREDENTIALS_DIR: dir,
      DB_POOL_MAX: '25',
      API_KEY_FILE: keyFile,
      API_NEXT_KEY_FILE: keyFile,
      SHUTDOWN_GRACE_SECONDS: '15',
      CORS_ORIGINS: 'https://tbyte.local, http://localhost:5173',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318',
      OTEL_SERVICE_NAME: 'backend',
      APP_VERSION: '1.2.3',
      GIT_SHA: 'abc123',
      POD_NAME: 'backend-7d9f',
      POD_NAMESPACE: 'tbyte',
      NODE_NAME: 'ip-10-0-1-1',
    });
    expect(config).toMatchObject({
      port: 8181,
      metricsPort: 9191,
      host: '127.0.0.1',
      metricsHost: '::1',
      logLevel: 'debug',
      database: {
        url: 'postgresql://u:p@db:5432/tbyte',
        credentialsDir: dir,
        migrationCredentialsDir: dir,
        poolMax: 25,
      },
      apiKeyFile: keyFile,
      apiNextKeyFile: keyFile,
      shutdownGraceSeconds: 15,
      corsOrigins: ['https://tbyte.local', 'http://localhost:5173'],
      telemetry: { endpoint: 'http://otel-collector:4318', serviceName: 'backend' },
      build: { version: '1.2.3', commit: 'abc123' },
      runtime: { pod: 'backend-7d9f', namespace: 'tbyte', node: 'ip-10-0-1-1' },
    });
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['METRICS_PORT', '0'],
    ['HOST', 'localhost:8080'],
    ['METRICS_HOST', 'every interface'],
    ['LOG_LEVEL', 'verbose'],
    ['DATABASE_URL', 'mysql://db/tbyte'],
    ['PGPORT', 'x'],
    ['PGSSLMODE', 'sometimes'],
    ['DB_POOL_MAX', '0'],
    ['DB_CREDENTIALS_DIR', '/nonexistent/tbyte'],
    ['DB_MIGRATION_CREDENTIALS_DIR', '/nonexistent/tbyte-migrations'],
    ['API_KEY_FILE', '/nonexistent/api-key'],
    ['API_NEXT_KEY_FILE', '/nonexistent/api-next-key'],
    ['SHUTDOWN_GRACE_SECONDS', '-1'],
    ['CORS_ORIGINS', 'not a url'],
    ['CORS_ORIGINS', 'https://tbyte.local/path'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector'],
    ['RATE_LIMIT_MAX', '0'],
    ['DB_AUTH', 'kerberos'],
  ])('names %s when it is %p', (variable, value) => {
    expect(issuesOf({ [variable]: value })).toEqual([variable]);
  });

  it('refuses a next service key without a current one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tbyte-config-'));
    writeFileSync(join(dir, 'next'), 'k');
    expect(issuesOf({ API_NEXT_KEY_FILE: join(dir, 'next') })).toEqual(['API_NEXT_KEY_FILE']);
  });

  it('names every bad variable at once', () => {
    expect(issuesOf({ PORT: 'x', LOG_LEVEL: 'loud' }).sort()).toEqual(['LOG_LEVEL', 'PORT']);
  });

  describe('DB_AUTH=rds-iam', () => {
    const migrationDir = () => mkdtempSync(join(tmpdir(), 'tbyte-config-'));
    const iam = (dir: string) => ({
      DB_AUTH: 'rds-iam',
      AWS_REGION: 'eu-central-1',
      PGHOST: 'tbyte.abc.eu-central-1.rds.amazonaws.com',
      PGSSLMODE: 'verify-full',
      DB_MIGRATION_CREDENTIALS_DIR: dir,
    });

    it('signs for the host, port and region of the environment', () => {
      const dir = migrationDir();
      expect(loadConfig(iam(dir)).database).toMatchObject({
        migrationCredentialsDir: dir,
        auth: {
          mode: 'rds-iam',
          region: 'eu-central-1',
          host: 'tbyte.abc.eu-central-1.rds.amazonaws.com',
          port: 5432,
        },
      });
      expect(loadConfig({ ...iam(dir), PGPORT: '6432' }).database.auth).toMatchObject({
        port: 6432,
      });
    });

    it('names what IAM authentication needs and what it must not have', () => {
      expect(issuesOf({ DB_AUTH: 'rds-iam' }).sort()).toEqual([
        'AWS_REGION',
        'DB_MIGRATION_CREDENTIALS_DIR',
        'PGHOST',
        'PGSSLMODE',
      ]);
      const dir = migrationDir();
      expect(
        issuesOf({
          ...iam(dir),
          PGSSLMODE: 'prefer',
          DB_CREDENTIALS_DIR: dir,
          DATABASE_URL: 'postgresql://db/tbyte',
        }).sort(),
      ).toEqual(['DATABASE_URL', 'DB_CREDENTIALS_DIR', 'PGSSLMODE']);
    });
  });
});
