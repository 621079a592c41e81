import { join } from 'node:path';
import { ConfigError } from '../config.js';
import { WatchedFiles } from '../secrets/watched-files.js';

/** What the Secrets Store CSI driver mounts from the RDS-managed secret; each part optional but the first two. */
export interface DbCredentials {
  user?: string;
  password?: string;
  host?: string;
  port?: number;
  database?: string;
}

const fileNames = ['username', 'password', 'host', 'port', 'dbname'] as const;

/**
 * Database credentials from DB_CREDENTIALS_DIR, kept current as the files change. Without a
 * directory there is nothing to read and the connection settings come from the environment.
 */
export class CredentialSource {
  private readonly files: WatchedFiles | undefined;

  constructor(
    private readonly dir: string | undefined,
    private readonly variable:
      'DB_CREDENTIALS_DIR' | 'DB_MIGRATION_CREDENTIALS_DIR' = 'DB_CREDENTIALS_DIR',
  ) {
    if (dir === undefined) return;
    this.files = new WatchedFiles(fileNames.map((name) => join(dir, name)));
    this.current();
  }

  /** The credentials as the files hold them now; throws ConfigError when they are unusable. */
  current(): DbCredentials {
    if (!this.files || this.dir === undefined) return {};
    const read = (name: (typeof fileNames)[number]) => this.files?.get(join(this.dir ?? '', name));
    const user = read('username');
    const password = read('password');
    if (!user || !password) {
      throw new ConfigError([
        {
          variable: this.variable,
          message: 'must hold non-empty files "username" and "password"',
        },
      ]);
    }
    const credentials: DbCredentials = { user, password };
    const host = read('host');
    const port = read('port');
    const database = read('dbname');
    if (host) credentials.host = host;
    if (database) credentials.database = database;
    if (port) {
      const parsed = Number(port);
      if (!Number.isInteger(parsed) || parsed < 1 || parsed > 65535) {
        throw new ConfigError([
          { variable: this.variable, message: 'file "port" must hold a port number' },
        ]);
      }
      credentials.port = parsed;
    }
    return credentials;
  }

  /** Re-reads the files now; true when they changed (the listeners have then been told). */
  refresh(): boolean {
    return this.files?.refresh() ?? false;
  }

  onChange(listener: () => void): void {
    this.files?.onChange(listener);
  }

  close(): void {
    this.files?.close();
  }
}
