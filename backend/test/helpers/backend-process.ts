import { request } from 'node:http';
import { spawnBackend as spawnBuiltBackend, type BackendProcess } from '@tbyte/local';

export type { BackendProcess };

/** The built service in a child process of its own, its output kept for assertions. */
export function spawnBackend(env: Record<string, string>): Promise<BackendProcess> {
  return spawnBuiltBackend({
    env: { PATH: process.env.PATH ?? '', SHUTDOWN_GRACE_SECONDS: '0', ...env },
    output: 'capture',
  });
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
  await backend.untilStarted(timeoutMs);
}
