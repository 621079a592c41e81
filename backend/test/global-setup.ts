import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres, type RunningPostgres } from '@tbyte/local';

declare global {
  var embeddedPostgres: RunningPostgres | undefined;
}

/**
 * The tests' PostgreSQL: the configured server when DATABASE_URL or PGHOST is set, else a
 * real one from npm in a throwaway directory. Each test file then makes its own database.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL || process.env.PGHOST) {
    process.env.TBYTE_TEST_ADMIN_URL = process.env.DATABASE_URL ?? '';
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'tbyte-test-pg-'));
  globalThis.embeddedPostgres = await startEmbeddedPostgres({
    dataDir: join(dir, 'data'),
    persistent: false,
  });
  process.env.TBYTE_TEST_ADMIN_URL = globalThis.embeddedPostgres.adminUrl;
}
