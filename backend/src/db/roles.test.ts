import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import pino from 'pino';
import request from 'supertest';
import { useTestApps } from '../../test/helpers/app.js';
import { admin, createTestDatabase, type TestDatabase } from '../../test/helpers/database.js';
import { CredentialSource } from './credentials.js';
import { Database } from './database.js';
import { loadMigrations, migrate } from './migrate.js';

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

/** Who the serving connection is after it undid any role switch of its session. */
async function userAfterDroppingRole(db: Database): Promise<string | undefined> {
  return db.transaction('probe', async (client) => {
    await client.query('SET ROLE NONE');
    const { rows } = await client.query<{ user: string }>('SELECT current_user AS user');
    return rows[0]?.user;
  });
}

function credentialsDir(user: string, password: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tbyte-db-credentials-'));
  writeFileSync(join(dir, 'username'), user);
  writeFileSync(join(dir, 'password'), password);
  return dir;
}

/** charts/postgresql/files/tbyte-roles.sh, the init script compose and the chart run. */
const rolesScript = fileURLToPath(
  new URL('../../../charts/postgresql/files/tbyte-roles.sh', import.meta.url),
);

/** Runs the init script as the server's administrator against the given database. */
function runRolesScript(
  database: TestDatabase,
  dirs: { migratorDir: string; serverDir: string },
): { status: number | null; stderr: string } {
  const url = new URL(database.url);
  const result = spawnSync('sh', [rolesScript], {
    encoding: 'utf8',
    timeout: 30_000,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      PGHOST: url.hostname,
      PGPORT: url.port || '5432',
      PGUSER: decodeURIComponent(url.username),
      PGPASSWORD: decodeURIComponent(url.password),
      PGDATABASE: database.name,
      DB_MIGRATION_CREDENTIALS_DIR: dirs.migratorDir,
      DB_CREDENTIALS_DIR: dirs.serverDir,
    },
  });
  if (result.error) throw result.error;
  return { status: result.status, stderr: result.stderr };
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
    // The embedded default's limitation (docs/security.md): the session logged in as the
    // administrator, so it can undo the switch. The login modes below cannot.
    expect(await userAfterDroppingRole(t.db)).not.toBe('tbyte_app');
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

  it('with DB_MIGRATION_CREDENTIALS_DIR: the init script of compose and the chart makes two login roles; the backend migrates and serves as them', async () => {
    const own = await createTestDatabase();
    const suffix = randomBytes(4).toString('hex');
    const migrator = `tbyte_migrator_${suffix}`;
    const server = `tbyte_app_${suffix}`;
    // Roles belong to the server, which other test files share: the group roles first, as
    // they may make them at the same moment.
    await admin((c) =>
      c.query(`DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tbyte_migrator') THEN CREATE ROLE tbyte_migrator NOLOGIN; END IF;
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tbyte_app') THEN CREATE ROLE tbyte_app NOLOGIN; END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`),
    );
    const migratorDir = credentialsDir(migrator, randomBytes(12).toString('hex'));
    const serverDir = credentialsDir(server, randomBytes(12).toString('hex'));
    // The result with its stderr, so a failure shows the script's message.
    expect(runRolesScript(own, { migratorDir, serverDir })).toMatchObject({ status: 0 });
    // Again, as compose runs it on every start: a rotated password is taken.
    writeFileSync(join(serverDir, 'password'), `${randomBytes(12).toString('hex')}\n`);
    expect(runRolesScript(own, { migratorDir, serverDir })).toMatchObject({ status: 0 });
    const db = new Database({
      url: own.url,
      poolMax: 2,
      credentials: new CredentialSource(serverDir),
      migrationCredentials: new CredentialSource(migratorDir, 'DB_MIGRATION_CREDENTIALS_DIR'),
      logger: silent,
    });
    try {
      expect(await migrate(db, silent)).toEqual((await loadMigrations()).map((m) => m.version));
      const who = await db.query<{ user: string }>('probe', 'SELECT current_user AS user');
      expect(who.rows[0]?.user).toBe(server);
      expect(await outcome(db, "INSERT INTO tasks (title) VALUES ('x')")).toBe('allowed');
      await expectServingConfined(db);
      expect(await userAfterDroppingRole(db)).toBe(server);
    } finally {
      await db.end();
      await own.drop();
      await admin((c) =>
        c.query(`DROP ROLE ${server}; DROP OWNED BY ${migrator}; DROP ROLE ${migrator}`),
      );
    }
  });

  it('the init script refuses one user for both roles and an administrator as either', async () => {
    const own = await createTestDatabase();
    try {
      const same = credentialsDir(`tbyte_same_${randomBytes(4).toString('hex')}`, 'x');
      const both = runRolesScript(own, { migratorDir: same, serverDir: same });
      expect(both.status).not.toBe(0);
      expect(both.stderr).toContain('need two users');
      const administrator = credentialsDir(new URL(own.url).username || 'postgres', 'x');
      const app = credentialsDir(`tbyte_app_${randomBytes(4).toString('hex')}`, 'x');
      const refused = runRolesScript(own, { migratorDir: administrator, serverDir: app });
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toContain('must not be an administrator');
      const missing = runRolesScript(own, { migratorDir: tmpdir(), serverDir: app });
      expect(missing.stderr).toContain('username is missing or empty');
    } finally {
      await own.drop();
    }
  });

  it('with token authentication (RDS IAM): the master user makes tbyte_app a login role in rds_iam, and every new connection signs a token', async () => {
    const own = await createTestDatabase();
    const master = `tbyte_master_${randomBytes(4).toString('hex')}`;
    const masterPassword = randomBytes(12).toString('hex');
    // RDS as far as PostgreSQL sees it: rds_iam, and a master user with CREATEROLE (no
    // superuser) that owns the database and administers the roles it made.
    await admin(async (c) => {
      await c.query(`DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rds_iam') THEN CREATE ROLE rds_iam NOLOGIN; END IF;
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tbyte_migrator') THEN CREATE ROLE tbyte_migrator NOLOGIN; END IF;
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tbyte_app') THEN CREATE ROLE tbyte_app NOLOGIN; END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
      await c.query(`CREATE ROLE ${master} LOGIN CREATEROLE PASSWORD '${masterPassword}'`);
      await c.query(`GRANT rds_iam, tbyte_migrator, tbyte_app TO ${master} WITH ADMIN OPTION`);
      await c.query(`ALTER DATABASE ${own.name} OWNER TO ${master}`);
    });
    // PostgreSQL checks what the role's password is when a login starts, so the stand-in for
    // IAM's verification is one password; that the pool signs anew for every connection is
    // what the count shows.
    const token = randomBytes(12).toString('hex');
    await admin((c) => c.query(`ALTER ROLE tbyte_app PASSWORD '${token}'`));
    let signed = 0;
    const signToken = () => {
      signed += 1;
      return Promise.resolve(token);
    };
    const db = new Database({
      url: own.url,
      poolMax: 3,
      credentials: new CredentialSource(undefined),
      migrationCredentials: new CredentialSource(
        credentialsDir(master, masterPassword),
        'DB_MIGRATION_CREDENTIALS_DIR',
      ),
      authToken: signToken,
      logger: silent,
    });
    try {
      expect(db.servingLogin).toBe('token');
      const applied = await migrate(db, silent);
      expect(applied).toEqual((await loadMigrations()).map((m) => m.version));
      const app = await admin((c) =>
        c.query<{ login: boolean; iam: boolean }>(
          `SELECT rolcanlogin AS login, pg_has_role('tbyte_app', 'rds_iam', 'MEMBER') AS iam
           FROM pg_roles WHERE rolname = 'tbyte_app'`,
        ),
      );
      expect(app.rows[0]).toEqual({ login: true, iam: true });
      const who = await db.query<{ current: string; session: string }>(
        'probe',
        'SELECT current_user AS current, session_user AS session',
      );
      expect(who.rows[0]).toEqual({ current: 'tbyte_app', session: 'tbyte_app' });
      await Promise.all([1, 2, 3].map(() => db.query('probe', 'SELECT pg_sleep(0.2)')));
      expect(db.counts().total).toBe(3);
      expect(signed).toBe(3);
      expect(await outcome(db, "INSERT INTO tasks (title) VALUES ('x')")).toBe('allowed');
      await expectServingConfined(db);
      expect(await userAfterDroppingRole(db)).toBe('tbyte_app');
    } finally {
      await db.end();
      await own.drop();
      await admin((c) =>
        c.query(`ALTER ROLE tbyte_app NOLOGIN PASSWORD NULL; REVOKE rds_iam FROM tbyte_app;
                 DROP OWNED BY ${master}; DROP ROLE ${master}`),
      );
    }
  });
});
