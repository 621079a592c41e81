import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import { freePort } from '@tbyte/local';
import { eventually, httpRequest } from './helpers/backend-process.js';

const startScript = fileURLToPath(new URL('../../local/dist/start.js', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'tbyte-start-'));
const children: ChildProcess[] = [];

interface Stack {
  child: ChildProcess;
  ports: { gateway: number; backend: number; metrics: number };
  exited: Promise<number | null>;
}

/** The addresses listening on a TCP port, from the kernel's socket tables (Linux). */
function listeningAddresses(port: number): string[] {
  const addresses: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== '0A' || !local) continue;
      const [address = '', hexPort = ''] = local.split(':');
      if (parseInt(hexPort, 16) !== port) continue;
      addresses.push(
        address.length === 8
          ? (address.match(/../g) ?? [])
              .reverse()
              .map((byte) => parseInt(byte, 16))
              .join('.')
          : /^0+$/.test(address)
            ? '::'
            : `ipv6:${address}`,
      );
    }
  }
  return addresses;
}

/** `pnpm start` as a user runs it: no DATABASE_URL, no PGHOST, only Node.js. */
async function startStack(extraEnv: Record<string, string> = {}): Promise<Stack> {
  const ports = { gateway: await freePort(), backend: await freePort(), metrics: await freePort() };
  const { DATABASE_URL: _url, PGHOST: _host, ...inherited } = process.env;
  const child = spawn(process.execPath, [startScript], {
    env: {
      ...inherited,
      PORT: String(ports.gateway),
      BACKEND_PORT: String(ports.backend),
      METRICS_PORT: String(ports.metrics),
      TBYTE_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ...extraEnv,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error('pnpm start exited');
    expect((await httpRequest(ports.gateway, '/api/tasks')).status).toBe(200);
  }, 30_000);
  return { child, ports, exited };
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('pnpm start (the embedded default)', () => {
  it('serves the API through the gateway on a real embedded PostgreSQL that keeps its data', async () => {
    const first = await startStack();
    // Nothing of pnpm start is reachable from the network unless HOST says so.
    for (const port of Object.values(first.ports)) {
      expect(listeningAddresses(port)).toEqual(['127.0.0.1']);
    }
    const created = await httpRequest(first.ports.gateway, '/api/tasks', {
      method: 'POST',
      body: { title: 'Survives a restart' },
    });
    expect(created.status).toBe(201);
    const { id } = JSON.parse(created.body) as { id: string };

    const config = await httpRequest(first.ports.gateway, '/config.json');
    expect(JSON.parse(config.body)).toMatchObject({
      environment: 'local',
      version: expect.any(String),
    });
    const info = JSON.parse((await httpRequest(first.ports.gateway, '/api/info')).body);
    expect(info.commit).toMatch(/^[0-9a-f]{40}$|^unknown$/);

    const metrics = (await httpRequest(first.ports.metrics, '/metrics')).body;
    for (const name of [
      'http_request_duration_seconds',
      'db_query_duration_seconds',
      'db_pool_clients',
    ]) {
      expect(metrics).toContain(`# TYPE ${name}`);
    }

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = await startStack({ HOST: '0.0.0.0' });
    for (const port of Object.values(second.ports)) {
      expect(listeningAddresses(port)).toEqual(['0.0.0.0']);
    }
    const again = await httpRequest(second.ports.gateway, `/api/tasks/${id}`);
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body)).toMatchObject({ title: 'Survives a restart' });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
