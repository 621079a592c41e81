import pg from 'pg';
import type { Logger } from 'pino';
import type { PoolCounts } from '../metrics.js';
import type { CredentialSource, DbCredentials } from './credentials.js';
import type { AuthTokenSigner } from './rds-iam.js';
import { appRole } from './roles.js';

export interface DatabaseOptions {
  url: string | undefined;
  poolMax: number;
  credentials: CredentialSource;
  /**
   * tbyte_migrator's credentials. Without them the serving credentials are an
   * administrator's, and the backend switches each serving connection to tbyte_app.
   */
  migrationCredentials?: CredentialSource;
  /**
   * Serving connections log in as tbyte_app with a token this signs for each new connection
   * (RDS IAM authentication) instead of a stored password; the migrations keep
   * migrationCredentials (the master secret), which also make tbyte_app a login role.
   */
  authToken?: AuthTokenSigner;
  logger: Logger;
  observeQuery?: (operation: string, seconds: number) => void;
  applicationName?: string;
}

export type Queryable = Pick<pg.PoolClient, 'query'>;

/** Failures that mean "the database cannot be reached or refused us", answered with 503. */
const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '28P01', // invalid_password
  '28000', // invalid_authorization_specification
]);
const authenticationCodes = new Set(['28P01', '28000']);

export function isDatabaseUnavailable(error: unknown): boolean {
  // Duck-typed: socket errors may come from another realm, where instanceof Error fails.
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (unavailableCodes.has(code) || code.startsWith('08'))) {
    return true;
  }
  return (
    typeof message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error/i.test(
      message,
    )
  );
}

function isAuthenticationFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && authenticationCodes.has(code);
}

/**
 * How a serving connection comes to act as tbyte_app: it switches to the role at its start
 * (one administrator credential set, the embedded default), logs in with tbyte_app's own
 * credentials, or logs in as tbyte_app with a token per connection (RDS IAM).
 */
export type ServingLogin = 'switch-role' | 'credentials' | 'token';

/**
 * The PostgreSQL pool behind every query. Credentials from files win over the environment;
 * when they change (or the server rejects them and the files hold new ones) a new pool takes
 * over and the old one drains, so a rotated password needs no restart.
 */
export class Database {
  private pool: pg.Pool;
  readonly servingLogin: ServingLogin;
  /** The role each serving connection switches to at its start, once the migrations made it. */
  private servingRole: string | undefined;

  constructor(private readonly options: DatabaseOptions) {
    if (options.authToken && !options.migrationCredentials) {
      throw new Error('token authentication needs migration credentials to make tbyte_app');
    }
    this.servingLogin = options.authToken
      ? 'token'
      : options.migrationCredentials
        ? 'credentials'
        : 'switch-role';
    this.pool = this.createPool(options.credentials.current());
    options.credentials.onChange(() => this.replacePool());
  }

  counts(): PoolCounts {
    return {
      total: this.pool.totalCount,
      idle: this.pool.idleCount,
      waiting: this.pool.waitingCount,
    };
  }

  async query<R extends pg.QueryResultRow>(
    operation: string,
    text: string,
    values: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    return this.timed(operation, () =>
      this.withFreshCredentials(() => this.pool.query<R>(text, values)),
    );
  }

  /** Runs fn inside BEGIN/COMMIT on one connection; ROLLBACK on any error. */
  async transaction<T>(operation: string, fn: (client: Queryable) => Promise<T>): Promise<T> {
    return this.timed(operation, async () => {
      const client = await this.withFreshCredentials(() => this.pool.connect());
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        if (isDatabaseUnavailable(error)) broken = error as Error;
        else await client.query('ROLLBACK').catch((e: unknown) => (broken = e as Error));
        throw error;
      } finally {
        client.release(broken);
      }
    });
  }

  /** A dedicated connection outside the pool's accounting, for session-level work (advisory locks). */
  async connect(): Promise<pg.PoolClient> {
    return this.withFreshCredentials(() => this.pool.connect());
  }

  /**
   * A connection of its own for the migrations: tbyte_migrator's credentials, or the
   * administrator's without the switch to tbyte_app. The caller ends it.
   */
  async connectForMigration(): Promise<pg.Client> {
    const credentials = (this.options.migrationCredentials ?? this.options.credentials).current();
    const client = new pg.Client({
      ...connectionSettings(this.options.url, credentials),
      connectionTimeoutMillis: 3_000,
      application_name: 'tbyte-migrations',
    });
    client.on('error', (error) => {
      this.options.logger.warn({ err: error }, 'migration connection lost');
    });
    await client.connect();
    return client;
  }

  /** From now on every new serving connection runs as tbyte_app; the old pool drains. */
  serveAsAppRole(): void {
    if (this.servingRole === appRole) return;
    this.servingRole = appRole;
    this.replacePool();
  }

  async end(): Promise<void> {
    this.options.credentials.close();
    this.options.migrationCredentials?.close();
    await this.pool.end();
  }

  private async timed<T>(operation: string, run: () => Promise<T>): Promise<T> {
    const started = process.hrtime.bigint();
    try {
      return await run();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.options.observeQuery?.(operation, seconds);
    }
  }

  /** A rejected password may mean the files already hold the rotated one: re-read and retry once. */
  private async withFreshCredentials<T>(run: () => Promise<T>): Promise<T> {
    const tried = this.pool;
    try {
      return await run();
    } catch (error) {
      if (!isAuthenticationFailure(error)) throw error;
      // The file watcher may have swapped the pool while this attempt was refused: that is
      // a fresh pool already, with nothing left for refresh() to find.
      if (this.pool === tried && !this.options.credentials.refresh()) throw error;
      this.options.logger.info(
        'database rejected the credentials; retrying with the re-read files',
      );
      return run();
    }
  }

  private replacePool(): void {
    let credentials: DbCredentials;
    try {
      credentials = this.options.credentials.current();
    } catch (error) {
      this.options.logger.error(
        { err: error },
        'database credential files are unusable; keeping the current pool',
      );
      return;
    }
    const previous = this.pool;
    this.pool = this.createPool(credentials);
    this.options.logger.info(
      { role: this.servingRole },
      'database credentials or role changed; new connections use them',
    );
    previous.end().catch((error: unknown) => {
      this.options.logger.warn({ err: error }, 'closing the previous pool failed');
    });
  }

  private createPool(credentials: DbCredentials): pg.Pool {
    const pool = new pg.Pool({
      ...(this.options.authToken
        ? tokenSettings(this.options.url, this.options.authToken)
        : connectionSettings(this.options.url, credentials)),
      max: this.options.poolMax,
      connectionTimeoutMillis: 3_000,
      idleTimeoutMillis: 30_000,
      query_timeout: 20_000,
      application_name: this.options.applicationName ?? 'tbyte-backend',
      // The role switch is part of the session's start, before any query can run.
      ...(this.servingRole ? { options: `-c role=${this.servingRole}` } : {}),
    });
    // An idle client whose server went away emits here; the pool drops it and connects anew.
    pool.on('error', (error) => {
      this.options.logger.warn({ err: error }, 'idle database connection lost');
    });
    return pool;
  }
}

/**
 * tbyte_app with a token signed for each new connection: pg calls the password function
 * whenever it opens one. A connection string would override
 * the function with its empty password, so its parts become fields.
 */
function tokenSettings(url: string | undefined, sign: AuthTokenSigner): pg.PoolConfig {
  const settings: pg.PoolConfig = { user: appRole, password: sign };
  if (url !== undefined) {
    const target = new URL(url);
    if (target.search !== '') {
      throw new Error('a database URL with parameters cannot carry token authentication');
    }
    settings.host = target.hostname;
    if (target.port) settings.port = Number(target.port);
    if (target.pathname.length > 1)
      settings.database = decodeURIComponent(target.pathname.slice(1));
  }
  return settings;
}

/** pg lets a connection string override explicit fields, so file credentials go into the URL itself. */
export function connectionSettings(
  url: string | undefined,
  credentials: DbCredentials,
): pg.PoolConfig {
  if (url === undefined) {
    const settings: pg.PoolConfig = {};
    if (credentials.user !== undefined) settings.user = credentials.user;
    if (credentials.password !== undefined) settings.password = credentials.password;
    if (credentials.host !== undefined) settings.host = credentials.host;
    if (credentials.port !== undefined) settings.port = credentials.port;
    if (credentials.database !== undefined) settings.database = credentials.database;
    return settings;
  }
  const target = new URL(url);
  if (credentials.user !== undefined) target.username = encodeURIComponent(credentials.user);
  if (credentials.password !== undefined)
    target.password = encodeURIComponent(credentials.password);
  if (credentials.host !== undefined) target.hostname = credentials.host;
  if (credentials.port !== undefined) target.port = String(credentials.port);
  if (credentials.database !== undefined)
    target.pathname = `/${encodeURIComponent(credentials.database)}`;
  return { connectionString: target.toString() };
}
