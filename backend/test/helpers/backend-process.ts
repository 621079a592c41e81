import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@tbyte/local';

const backendDir = fileURLToPath(new URL('../..', import.meta.url));

export interface BackendProcess {
  child: ChildProcess;
  port: number;
  metricsPort: number;
  /** stdout and stderr lines so far. */
  output: string[];
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Refuses to test a dist/ older than the sources it was built from. */
function assertBuilt(): void {
  const built = join(backendDir, 'dist', 'main.js');
  if (!existsSync(built)) throw new Error('backend/dist is missing: run `pnpm build` first');
  const builtAt = statSync(built).mtimeMs;
  const sources = readdirSync(join(backendDir, 'src'), { recursive: true, encoding: 'utf8' });
  const stale = sources.find(
    (file) =>
      file.endsWith('.ts') &&
      !file.endsWith('.test.ts') &&
      statSync(join(backendDir, 'src', file)).mtimeMs > builtAt,
  );
  if (stale) throw new Error(`backend/dist is older than src/${stale}: run \`pnpm build\` first`);
}

/** The built service (dist/, as the image runs it) in a child process of its own. */
export async function spawnBackend(env: Record<string, string>): Promise<BackendProcess> {
  assertBuilt();
  const port = await freePort();
  const metricsPort = await freePort();
  const child = spawn(
    process.execPath,
    ['--enable-source-maps', '--import', './dist/telemetry/register.js', 'dist/main.js'],
    {
      cwd: backendDir,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        METRICS_PORT: String(metricsPort),
        SHUTDOWN_GRACE_SECONDS: '0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream
      .setEncoding('utf8')
      .on('data', (chunk: string) => output.push(...chunk.split('\n').filter(Boolean)));
  }
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    child,
    port,
    metricsPort,
    output,
    exited,
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

export interface PlainResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request on a connection of its own (no keep-alive pool hides what the server does). */
export function httpRequest(
  port: number,
  path: string,
  options: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        agent: false,
        headers: {
          ...(payload
            ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) }
            : {}),
          ...options.headers,
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Polls until check passes or the deadline passes (then throws with the last failure). */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 15_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (error) {
      last = error;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
  throw last instanceof Error ? last : new Error(String(last));
}

export async function waitForStartup(backend: BackendProcess, timeoutMs = 20_000): Promise<void> {
  await eventually(async () => {
    if (backend.child.exitCode !== null)
      throw new Error(`backend exited: ${backend.output.join('\n')}`);
    const res = await httpRequest(backend.port, '/startup');
    if (res.status !== 200) throw new Error(`startup ${res.status}`);
  }, timeoutMs);
}
