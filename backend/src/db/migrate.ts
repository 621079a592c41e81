import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Database, ServingLogin } from './database.js';
import { ensureRoles, grantServing, migratorRole } from './roles.js';

/** The SQL files, applied in name order; resolves from src/db and dist/db alike. */
export const migrationsDir = new URL('../../migrations/', import.meta.url);

/** One fixed key: every replica takes the same session-level advisory lock before migrating. */
const lockKey = 7_264_118_031;

export interface Migration {
  version: string;
  name: string;
  sql: string;
  checksum: string;
}

export async function loadMigrations(dir: URL = migrationsDir): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  return Promise.all(
    files.map(async (file) => {
      const sql = await readFile(new URL(file, dir), 'utf8');
      const [version = '', ...rest] = file.replace(/\.sql$/, '').split('_');
      return {
        version,
        name: rest.join('_'),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    }),
  );
}

/**
 * With one credential set, the backend makes the two roles when those credentials may
 * (a superuser or CREATEROLE: the embedded default's administrator). Credentials that may
 * not are already confined to what they were given; they migrate and serve alone, and the
 * log says how to separate them. With token authentication (RDS IAM) the migration
 * credentials are RDS's master user, who must make tbyte_app its login role.
 */
async function rolesFor(
  client: pg.Client,
  logger: Logger,
  servingLogin: ServingLogin,
): Promise<'made' | 'none'> {
  const { rows } = await client.query<{ may: boolean; user: string }>(
    `SELECT rolsuper OR rolcreaterole AS may, rolname AS user FROM pg_roles
     WHERE rolname = session_user`,
  );
  if (rows[0]?.may) return 'made';
  if (servingLogin === 'token') {
    throw new Error(
      `the migration credentials (${rows[0]?.user ?? 'unknown'}) cannot create roles: with ` +
        'token authentication they must be the master user, who makes tbyte_app a login role',
    );
  }
  logger.warn(
    { user: rows[0]?.user },
    'these database credentials cannot create roles: migrating and serving as one user; ' +
      'set DB_MIGRATION_CREDENTIALS_DIR to migrate as tbyte_migrator and serve as tbyte_app',
  );
  return 'none';
}

/**
 * Applies the pending migrations exactly once, whatever the number of replicas starting:
 * each takes the advisory lock, reads what is recorded, and applies the rest, one
 * transaction per file, as tbyte_migrator. A recorded file whose text changed stops the
 * start. Then tbyte_app is granted what serving needs on every table there is.
 */
export async function migrate(
  db: Database,
  logger: Logger,
  dir: URL = migrationsDir,
): Promise<string[]> {
  const migrations = await loadMigrations(dir);
  const client = await db.connectForMigration();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [lockKey]);
    const roles =
      db.servingLogin === 'credentials' ? 'given' : await rolesFor(client, logger, db.servingLogin);
    if (roles === 'made') {
      await ensureRoles(client, db.servingLogin === 'token' ? { appLogin: 'rds_iam' } : {});
      await client.query(`SET ROLE ${migratorRole}`);
    }
    await client.query(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version    text PRIMARY KEY,
        name       text NOT NULL,
        checksum   text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const { rows } = await client.query<{ version: string; checksum: string }>(
      'SELECT version, checksum FROM schema_migrations',
    );
    const applied = new Map(rows.map((r) => [r.version, r.checksum]));
    const done: string[] = [];
    for (const migration of migrations) {
      const recorded = applied.get(migration.version);
      if (recorded !== undefined) {
        if (recorded !== migration.checksum) {
          throw new Error(
            `migration ${migration.version}_${migration.name} was changed after it was applied`,
          );
        }
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query(
          'INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)',
          [migration.version, migration.name, migration.checksum],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      logger.info({ migration: `${migration.version}_${migration.name}` }, 'migration applied');
      done.push(migration.version);
    }
    if (roles !== 'none') await grantServing(client);
    if (roles === 'made' && db.servingLogin === 'switch-role') db.serveAsAppRole();
    return done;
  } finally {
    // Ending the session also releases its advisory lock.
    await client.end().catch(() => undefined);
  }
}
