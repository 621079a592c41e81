import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from '@tbyte/local';
import {
  eventually,
  httpRequest,
  spawnBackend,
  waitForStartup,
  type BackendProcess,
} from './helpers/backend-process.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

interface Span {
  traceId: string;
  spanId: string;
  name: string;
}

/** A stand-in OpenTelemetry Collector: OTLP/HTTP JSON on 127.0.0.1, keeping every span. */
function collector(spans: Span[]): Server {
  return createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const payload = JSON.parse(body) as {
          resourceSpans: { scopeSpans: { spans: Span[] }[] }[];
        };
        for (const resource of payload.resourceSpans) {
          for (const scope of resource.scopeSpans) spans.push(...scope.spans);
        }
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
}

let database: TestDatabase;
let server: Server;
let backend: BackendProcess;
const spawned: BackendProcess[] = [];
const spans: Span[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  server = collector(spans);
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  backend = await spawnBackend({
    DATABASE_URL: database.url,
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    OTEL_BSP_SCHEDULE_DELAY: '100',
  });
  spawned.push(backend);
  await waitForStartup(backend);
});

afterAll(async () => {
  await Promise.all(spawned.map((p) => p.stop('SIGKILL')));
  await new Promise((resolve) => server.close(resolve));
  await database.drop();
});

describe('tracing, with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  it('exports http, express and pg spans of one trace, and logs carry its ids', async () => {
    const res = await httpRequest(backend.port, '/api/tasks', {
      method: 'POST',
      body: { title: 'Traced' },
      headers: { 'X-Request-Id': 'traced-request-1' },
    });
    expect(res.status).toBe(201);

    const line = await eventually(() => {
      const found = backend.output.find(
        (l) => l.includes('"traced-request-1"') && l.includes('request completed'),
      );
      if (!found) throw new Error('no log line yet');
      return JSON.parse(found) as { traceId?: string; spanId?: string };
    });
    expect(line.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(line.spanId).toMatch(/^[0-9a-f]{16}$/);

    const trace = await eventually(() => {
      const ofTrace = spans.filter((s) => s.traceId === line.traceId);
      // The server span ends last: once it is exported, the whole trace is.
      if (!ofTrace.some((s) => s.name.startsWith('POST'))) throw new Error('no server span yet');
      return ofTrace;
    });
    const names = trace.map((s) => s.name);
    expect(names).toContain('POST /api/tasks');
    expect(names).toEqual(expect.arrayContaining(['router - /api', 'request handler']));
    expect(names.some((n) => n.startsWith('pg.query'))).toBe(true);
    // Only probes were sent with GET: none of them may be traced.
    expect(spans.map((s) => s.name).filter((n) => /^GET\b/.test(n))).toEqual([]);
    // Background queries (the readiness check every 2 s) make no traces of their own.
    expect(spans.every((s) => s.traceId === line.traceId || !s.name.startsWith('pg'))).toBe(true);
  });
});
