import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import pino from 'pino';
import request from 'supertest';
import { useTestApps } from '../../test/helpers/app.js';
import { admin, createTestDatabase } from '../../test/helpers/database.js';
import { CredentialSource } from './credentials.js';
import { Database } from './database.js';
import { migrate } from './migrate.js';

const silent = pino({ level: 'silent' });
const stack = useTestApps();

/** The SQLSTATE of what the serving connection is refused, or 'allowed'. */
async function outcome(db: Database, sql: string): Promise<string> {
  try {
    await db.query('probe', sql);
    return 'allowed';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

/** What an attacker with the serving connection would try first. */
async function expectServingConfined(db: Database): Promise<void> {
  expect(await outcome(db, 'CREATE TABLE stolen (x int)')).toBe('42501');
  expect(await outcome(db, "COPY (SELECT 1) TO PROGRAM 'id'")).toBe('42501');
  expect(await outcome(db, 'SELECT rolpassword FROM pg_authid')).toBe('42501');
  expect(await outcome(db, 'DROP TABLE tasks')).toBe('42501');
  expect(await outcome(db, 'DELETE FROM schema_migrations')).toBe('42501');
  expect(await outcome(db, 'SELECT count(*) FROM tasks')).toBe('allowed');
}

describe('database roles', () => {
  it('with one administrator credential set: migrates as tbyte_migrator, serves as tbyte_app', async () => {
    const t = await stack.appWith();
    const who = await t.db.query<{ user: string }>('probe', 'SELECT current_user AS user');
    expect(who.rows[0]?.user).toBe('tbyte_app');
    const owners = await t.db.query<{ relname: string; owner: string }>(
      'probe',
      `SELECT relname, pg_get_userbyid(relowner) AS owner FROM pg_class
       WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' ORDER BY relname`,
    );
    expect(owners.rows.map((r) => r.relname)).toEqual([
      'idempotency_keys',
      'schema_migrations',
      'tasks',
    ]);
    expect(new Set(owners.rows.map((r) => r.owner))).toEqual(new Set(['tbyte_migrator']));
    await request(t.app).post('/api/tasks').send({ title: 'served by tbyte_app' }).expect(201);
    await expectServingConfined(t.db);
  });

  it('takes over tables an administrator made before the roles existed', async () => {
    const legacy = await createTestDatabase();
    try {
      await admin((c) => c.query('CREATE TABLE early (x int)'), legacy.name);
      const t = await stack.appWith({ DATABASE_URL: legacy.url });
      const owner = await admin(
        (c) =>
          c.query<{ owner: string }>(
            `SELECT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relname = 'early'`,
          ),
        legacy.name,
      );
      expect(owner.rows[0]?.owner).toBe('tbyte_migrator');
      expect(await outcome(t.db, 'INSERT INTO early VALUES (1)')).toBe('allowed');
    } finally {
      await legacy.drop();
    }
  });

  it('with DB_MIGRATION_CREDENTIALS_DIR: migrates and serves as the two login roles', async () => {
    const own = await createTestDatabase();
    const suffix = randomBytes(4).toString('hex');
    const migrator = `tbyte_migrator_${suffix}`;
    const server = `tbyte_app_${suffix}`;
    const password = randomBytes(12).toString('hex');
    // What the compose and chart init scripts set up: two login roles, in the two roles.
    await admin(async (c) => {
      await c.query(`DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tbyte_migrator') THEN CREATE ROLE tbyte_migrator NOLOGIN; END IF;
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tbyte_app') THEN CREATE ROLE tbyte_app NOLOGIN; END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
      await c.query(`CREATE ROLE ${migrator} LOGIN PASSWORD '${password}' IN ROLE tbyte_migrator`);
      await c.query(`CREATE ROLE ${server} LOGIN PASSWORD '${password}' IN ROLE tbyte_app`);
    });
    await admin((c) => c.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${migrator}`), own.name);
    const dirFor = (user: string) => {
      const dir = mkdtempSync(join(tmpdir(), 'tbyte-db-credentials-'));
      writeFileSync(join(dir, 'username'), user);
      writeFileSync(join(dir, 'password'), password);
      return dir;
    };
    const db = new Database({
      url: own.url,
      poolMax: 2,
      credentials: new CredentialSource(dirFor(server)),
      migrationCredentials: new CredentialSource(dirFor(migrator), 'DB_MIGRATION_CREDENTIALS_DIR'),
      logger: silent,
    });
    try {
      expect(await migrate(db, silent)).toEqual(['0001', '0002']);
      const who = await db.query<{ user: string }>('probe', 'SELECT current_user AS user');
      expect(who.rows[0]?.user).toBe(server);
      expect(await outcome(db, "INSERT INTO tasks (title) VALUES ('x')")).toBe('allowed');
      await expectServingConfined(db);
    } finally {
      await db.end();
      await own.drop();
      await admin((c) =>
        c.query(`DROP ROLE ${server}; DROP OWNED BY ${migrator}; DROP ROLE ${migrator}`),
      );
    }
  });
});
