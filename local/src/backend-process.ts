import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.js';

export const backendDir = fileURLToPath(new URL('../../backend/', import.meta.url));

/** How the image starts the backend (backend/Dockerfile's CMD): telemetry is registered first. */
const command = [
  '--enable-source-maps',
  '--import',
  './dist/telemetry/register.js',
  'dist/main.js',
] as const;

export interface BackendProcess {
  child: ChildProcess;
  port: number;
  metricsPort: number;
  /** http://host:port, as callers reach it. */
  base: string;
  /** stdout and stderr lines so far, when the output is captured. */
  output: string[];
  exited: Promise<number | null>;
  /** Resolves when /startup answers 200, with the milliseconds since spawn. */
  untilStarted(timeoutMs?: number): Promise<number>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface SpawnBackendOptions {
  /** The whole environment of the process; PORT and METRICS_PORT here win over the ports. */
  env: Record<string, string | undefined>;
  /** Free ports on 127.0.0.1 when not given. */
  port?: number;
  metricsPort?: number;
  /** capture: kept in `output`; inherit: this process's; errors: stderr only. */
  output?: 'capture' | 'inherit' | 'errors';
}

/** Refuses to run a dist/ older than the sources it was built from. */
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

// A runner that exits early must not leave backends behind.
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** The built backend (dist/, as the image runs it) in a child process of its own. */
export async function spawnBackend(options: SpawnBackendOptions): Promise<BackendProcess> {
  assertBuilt();
  const port = options.port ?? (await freePort());
  const metricsPort = options.metricsPort ?? (await freePort());
  const output = options.output ?? 'capture';
  const startedAt = performance.now();
  const child = spawn(process.execPath, command, {
    cwd: backendDir,
    env: { PORT: String(port), METRICS_PORT: String(metricsPort), ...options.env },
    stdio: [
      'ignore',
      output === 'inherit' ? 'inherit' : output === 'capture' ? 'pipe' : 'ignore',
      output === 'capture' ? 'pipe' : 'inherit',
    ],
  });
  running.add(child);
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream
      ?.setEncoding('utf8')
      .on('data', (chunk: string) => lines.push(...chunk.split('\n').filter(Boolean)));
  }
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const host = options.env.HOST ?? '127.0.0.1';
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const untilStarted = async (timeoutMs = 30_000): Promise<number> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `the backend exited (${child.exitCode ?? child.signalCode}): ${lines.join('\n')}`,
        );
      }
      const ok = await fetch(`${base}/startup`).then(
        (response) => response.ok,
        () => false,
      );
      if (ok) return performance.now() - startedAt;
      if (Date.now() > deadline)
        throw new Error(`${base}/startup did not answer within ${timeoutMs} ms`);
      // Short, so start-up times measured through it (pnpm bench) are not rounded up.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };

  return {
    child,
    port,
    metricsPort,
    base,
    output: lines,
    exited,
    untilStarted,
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
