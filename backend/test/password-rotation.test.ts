import { randomBytes } from 'node:crypto';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { admin, createTestDatabase, type TestDatabase } from './helpers/database.js';

const role = `tbyte_rotation_${randomBytes(4).toString('hex')}`;
let database: TestDatabase;
let credentialsDir: string;
let t: TestApp;

/** As the kubelet and the CSI driver do: write beside, then rename over. */
function writeCredential(name: string, value: string): void {
  writeFileSync(join(credentialsDir, `.${name}.tmp`), value);
  renameSync(join(credentialsDir, `.${name}.tmp`), join(credentialsDir, name));
}

beforeAll(async () => {
  database = await createTestDatabase();
  await admin(async (c) => {
    await c.query(`CREATE ROLE ${role} LOGIN PASSWORD 'first-password'`);
    await c.query(`ALTER DATABASE ${database.name} OWNER TO ${role}`);
  });
  await admin((c) => c.query(`GRANT ALL ON SCHEMA public TO ${role}`), database.name);
  credentialsDir = mkdtempSync(join(tmpdir(), 'tbyte-db-credentials-'));
  writeCredential('username', role);
  writeCredential('password', 'first-password');
  // The URL carries the admin's user and password: the files must win over them.
  t = await startTestApp({ DATABASE_URL: database.url, DB_CREDENTIALS_DIR: credentialsDir });
});

afterAll(async () => {
  await t.close();
  await database.drop();
  await admin((c) => c.query(`DROP ROLE IF EXISTS ${role}`));
});

describe('a rotated database password', () => {
  it('connects as the user of the credential files', async () => {
    const { rows } = await t.db.query<{ user: string }>(
      'test.whoami',
      'SELECT current_user AS user',
    );
    expect(rows[0]?.user).toBe(role);
  });

  it('is picked up with no restart and no failed request', async () => {
    await request(t.app).post('/api/tasks').send({ title: 'before rotation' }).expect(201);

    await admin(async (c) => {
      await c.query(`ALTER ROLE ${role} PASSWORD 'second-password'`);
      await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [
        role,
      ]);
    });
    writeCredential('password', 'second-password');

    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      statuses.push(
        (
          await request(t.app)
            .post('/api/tasks')
            .send({ title: `after rotation ${i}` })
        ).status,
      );
    }
    expect(statuses).toEqual(Array.from({ length: 10 }, () => 201));
    const list = await request(t.app).get('/api/tasks?limit=100').expect(200);
    expect(list.body.items).toHaveLength(11);

    const sessions = await admin((c) =>
      c.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1', [
        role,
      ]),
    );
    expect(sessions.rows[0]?.n).toBeGreaterThan(0);
  });
});
