import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server the run uses, as its administrator (set up by test/global-setup.ts). */
export function adminUrl(): string | undefined {
  return process.env.TBYTE_TEST_ADMIN_URL || undefined;
}

export async function admin<T>(
  fn: (client: pg.Client) => Promise<T>,
  database?: string,
): Promise<T> {
  const url = adminUrl();
  const target = url ? new URL(url) : undefined;
  if (target && database) target.pathname = `/${database}`;
  const client = new pg.Client(
    target ? { connectionString: target.toString() } : database ? { database } : {},
  );
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database on the test server, for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `tbyte_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const base = new URL(adminUrl() ?? urlFromLibpqEnvironment());
  base.pathname = `/${name}`;
  return {
    name,
    url: base.toString(),
    drop: () =>
      admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

function urlFromLibpqEnvironment(): string {
  const env = process.env;
  const user = encodeURIComponent(env.PGUSER ?? 'postgres');
  const password = env.PGPASSWORD ? `:${encodeURIComponent(env.PGPASSWORD)}` : '';
  return `postgresql://${user}${password}@${env.PGHOST ?? '127.0.0.1'}:${env.PGPORT ?? '5432'}/postgres`;
}
