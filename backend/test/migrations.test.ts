import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { CredentialSource } from '../src/db/credentials.js';
import { Database } from '../src/db/database.js';
import { loadMigrations, migrate, migrationsDir } from '../src/db/migrate.js';
import { spawnBackend, waitForStartup, type BackendProcess } from './helpers/backend-process.js';
import { admin, createTestDatabase, type TestDatabase } from './helpers/database.js';

const silent = pino({ level: 'silent' });
const databases: TestDatabase[] = [];
const processes: BackendProcess[] = [];

async function emptyDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  databases.push(db);
  return db;
}

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop('SIGKILL')));
  await Promise.all(databases.map((d) => d.drop()));
});

describe('migrations', () => {
  let migrations: Awaited<ReturnType<typeof loadMigrations>>;
  beforeAll(async () => {
    migrations = await loadMigrations();
  });

  it('include a step that fails when run twice, so running once is observable', async () => {
    const db = await emptyDatabase();
    const first = migrations[0];
    if (!first) throw new Error('no migrations found');
    await admin(async (c) => {
      await c.query(first.sql);
      await expect(c.query(first.sql)).rejects.toThrow(/already exists/);
    }, db.name);
  });

  it('run exactly once when three backends start at once on an empty database', async () => {
    const db = await emptyDatabase();
    const started = await Promise.all(
      [1, 2, 3].map(() => spawnBackend({ DATABASE_URL: db.url, LOG_LEVEL: 'info' })),
    );
    processes.push(...started);
    await Promise.all(started.map((p) => waitForStartup(p)));

    const { rows } = await admin(
      (c) =>
        c.query<{ version: string; n: number }>(
          'SELECT version, count(*)::int AS n FROM schema_migrations GROUP BY version ORDER BY version',
        ),
      db.name,
    );
    expect(rows).toEqual(migrations.map((m) => ({ version: m.version, n: 1 })));
    // Log lines reach stdout in blocks (at most logFlushMs late): all of them are there once
    // the processes have exited.
    const exits = await Promise.all(started.map((p) => p.stop()));
    expect(exits).toEqual([0, 0, 0]);
    const applied = started.flatMap((p) =>
      p.output.filter((line) => line.includes('"migration applied"')),
    );
    expect(applied).toHaveLength(migrations.length);
  });

  it('refuse to start when an applied migration was edited', async () => {
    const db = await emptyDatabase();
    const database = new Database({
      url: db.url,
      poolMax: 2,
      credentials: new CredentialSource(undefined),
      logger: silent,
    });
    try {
      await migrate(database, silent);
      const edited = await mkdtemp(join(tmpdir(), 'tbyte-migrations-'));
      await cp(migrationsDir, edited, { recursive: true });
      const file = join(edited, `${migrations[0]?.version}_${migrations[0]?.name}.sql`);
      await writeFile(file, `${await readFile(file, 'utf8')}\n-- edited\n`);
      await expect(migrate(database, silent, pathToFileURL(`${edited}/`))).rejects.toThrow(
        /changed after it was applied/,
      );
    } finally {
      await database.end();
    }
  });
});
