/**
 * `pnpm start`: the whole app on one machine with only Node.js. A real PostgreSQL from npm
 * (data under .data/) unless DATABASE_URL or PGHOST names a server, the built backend on
 * BACKEND_PORT (8081), and the built frontend with /api proxied on PORT (8080). Every
 * listener binds HOST (127.0.0.1); GATEWAY_HOSTS lists the Host names the gateway answers to.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { spawnBackend } from './backend-process.js';
import { startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres.js';
import { createGateway, defaultHosts } from './gateway.js';

const repository = fileURLToPath(new URL('../../', import.meta.url));
const env = process.env;

function port(name: string, fallback: number): number {
  const raw = env[name] ?? String(fallback);
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    console.error(`invalid ${name}: "${raw}" is not a port number`);
    process.exit(1);
  }
  return value;
}

function log(message: string): void {
  process.stderr.write(`[tbyte] ${message}\n`);
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repository, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

function packageVersion(dir: string): string {
  return (
    JSON.parse(readFileSync(`${repository}${dir}/package.json`, 'utf8')) as { version: string }
  ).version;
}

/** Read on every request, as the container's nginx does, so a rotated key is used at once. */
function readApiKey(path: string): () => string | undefined {
  return () => {
    try {
      return readFileSync(path, 'utf8').trim();
    } catch {
      return undefined;
    }
  };
}

async function main(): Promise<void> {
  const gatewayPort = port('PORT', 8080);
  const backendPort = port('BACKEND_PORT', 8081);
  const metricsPort = port('METRICS_PORT', 9090);
  const dataDir = env.TBYTE_DATA_DIR ?? `${repository}.data`;
  // Loopback unless HOST opens it: the API behind the gateway has no key by default.
  const host = env.HOST ?? '127.0.0.1';
  const wildcard = host === '0.0.0.0' || host === '::';
  const literal = isIP(host) === 6 ? `[${host}]` : host;
  const hosts = env.GATEWAY_HOSTS
    ? env.GATEWAY_HOSTS.split(/[\s,]+/).filter(Boolean)
    : [...defaultHosts, ...(wildcard ? [] : [literal])];

  let postgres: RunningPostgres | undefined;
  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl && !env.PGHOST) {
    postgres = await startEmbeddedPostgres({
      dataDir: `${dataDir}/postgres`,
      persistent: true,
      log,
    });
    log(`PostgreSQL 17 (embedded) with data in ${postgres.dataDir}`);
    databaseUrl = postgres.adminUrl;
  }

  const gateway: Server = createGateway({
    staticDir: `${repository}frontend/dist`,
    backendUrl: new URL(`http://${wildcard ? '127.0.0.1' : literal}:${backendPort}`),
    runtimeConfig: {
      environment: env.APP_ENVIRONMENT ?? 'local',
      version: env.APP_VERSION ?? packageVersion('frontend'),
      features: {},
    },
    hosts,
    ...(env.API_KEY_FILE ? { apiKey: readApiKey(env.API_KEY_FILE) } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    gateway.once('error', reject);
    gateway.listen(gatewayPort, host, resolve);
  });
  // PORT is the gateway's; the backend gets its own.
  const { PORT: _gatewayPort, METRICS_PORT: _metricsPort, ...inherited } = env;
  const backend = await spawnBackend({
    port: backendPort,
    metricsPort,
    output: 'inherit',
    env: {
      ...inherited,
      HOST: host,
      METRICS_HOST: env.METRICS_HOST ?? host,
      SHUTDOWN_GRACE_SECONDS: env.SHUTDOWN_GRACE_SECONDS ?? '0',
      GIT_SHA: env.GIT_SHA ?? gitCommit(),
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
  });

  log(
    `the app is at http://localhost:${gatewayPort} (listening on ${host}; API on :${backendPort}, metrics on :${metricsPort})`,
  );

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping');
    gateway.close();
    gateway.closeAllConnections();
    await backend.stop();
    await postgres?.stop();
    process.exit(code);
  };
  void backend.exited.then((code) => {
    if (!stopping) {
      log(`the backend exited (${code ?? 'signal'}); stopping`);
      void stop(1);
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // Backend first, then PostgreSQL, so the backend drains against a live database.
    process.on(signal, () => void stop(0));
  }
}

main().catch((error: unknown) => {
  log(`failed to start: ${error instanceof Error ? error.message : String(error)}`);
  // The embedded PostgreSQL stops itself on exit; the backend is spawned last, after everything that can fail.
  process.exit(1);
});
