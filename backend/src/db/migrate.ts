import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Database } from './database.js';

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
 * Applies the pending migrations exactly once, whatever the number of replicas starting:
 * each takes the advisory lock, reads what is recorded, and applies the rest, one
 * transaction per file. A recorded file whose text changed stops the start.
 */
export async function migrate(
  db: Database,
  logger: Logger,
  dir: URL = migrationsDir,
): Promise<string[]> {
  const migrations = await loadMigrations(dir);
  const client = await db.connect();
  let broken: Error | undefined;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [lockKey]);
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
    await client.query('SELECT pg_advisory_unlock($1)', [lockKey]);
    return done;
  } catch (error) {
    broken = error as Error;
    throw error;
  } finally {
    // A failed session is discarded, which also releases its advisory lock.
    client.release(broken);
  }
}
