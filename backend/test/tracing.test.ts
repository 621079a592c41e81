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

/** A W3C traceparent from a caller: a fresh trace id, sampled or not. */
function traceparent(sampled: boolean): { header: string; traceId: string } {
  const hex = (bytes: number) =>
    Array.from({ length: bytes }, () => Math.floor(Math.random() * 256))
      .map((b) => b.toString(16).padStart(2, '0'))
      .join('');
  const traceId = hex(16);
  return { header: `00-${traceId}-${hex(8)}-${sampled ? '01' : '00'}`, traceId };
}

/** The request's log line, once the backend has written it. */
function requestLine(requestId: string) {
  return eventually(() => {
    const found = backend.output.find(
      (l) => l.includes(`"${requestId}"`) && l.includes('request completed'),
    );
    if (!found) throw new Error(`no log line of ${requestId} yet`);
    return JSON.parse(found) as { traceId?: string; spanId?: string };
  });
}

describe('tracing, with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  it('records a request its caller sampled: http, handler and pg spans of one trace, and logs carry its ids', async () => {
    const caller = traceparent(true);
    const res = await httpRequest(backend.port, '/api/tasks', {
      method: 'POST',
      body: { title: 'Traced' },
      headers: { 'X-Request-Id': 'traced-request-1', traceparent: caller.header },
    });
    expect(res.status).toBe(201);

    const line = await requestLine('traced-request-1');
    expect(line.traceId).toBe(caller.traceId);
    expect(line.spanId).toMatch(/^[0-9a-f]{16}$/);

    const trace = await eventually(() => {
      const ofTrace = spans.filter((s) => s.traceId === line.traceId);
      // The server span ends last: once it is exported, the whole trace is.
      if (!ofTrace.some((s) => s.name.startsWith('POST'))) throw new Error('no server span yet');
      return ofTrace;
    });
    const names = trace.map((s) => s.name);
    expect(names).toContain('POST /api/tasks');
    expect(names).toContain('request handler');
    expect(names.some((n) => n.startsWith('pg.query'))).toBe(true);
    // No span per router or per pooled connection taken.
    expect(names.filter((n) => n.startsWith('router') || n.startsWith('pg-pool'))).toEqual([]);
    // Only probes were sent with GET: none of them may be traced.
    expect(spans.map((s) => s.name).filter((n) => /^GET\b/.test(n))).toEqual([]);
    // Background queries (the readiness check every 2 s) make no traces of their own.
    expect(spans.every((s) => s.traceId === line.traceId || !s.name.startsWith('pg'))).toBe(true);
  });

  it('samples one in ten of the traces that start here, and every log line keeps its trace id', async () => {
    const requests = 40;
    for (let i = 0; i < requests; i += 1) {
      const res = await httpRequest(backend.port, '/api/tasks?limit=1', {
        headers: { 'X-Request-Id': `unsampled-${i}` },
      });
      expect(res.status).toBe(200);
    }
    const declined = traceparent(false);
    await httpRequest(backend.port, '/api/tasks?limit=1', {
      headers: { 'X-Request-Id': 'declined-by-caller', traceparent: declined.header },
    });
    const traceIds = new Set<string>();
    for (let i = 0; i < requests; i += 1) {
      const { traceId } = await requestLine(`unsampled-${i}`);
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      if (traceId) traceIds.add(traceId);
    }
    expect(traceIds.size).toBe(requests);
    expect((await requestLine('declined-by-caller')).traceId).toBe(declined.traceId);

    // Past the exporter's batch delay (100 ms), whatever was sampled has arrived.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const recorded = new Set(spans.map((s) => s.traceId).filter((id) => traceIds.has(id)));
    // 0.1 of 40: fewer than half with overwhelming probability (and all 40 with the old default).
    expect(recorded.size).toBeLessThan(requests / 2);
    expect(spans.some((s) => s.traceId === declined.traceId)).toBe(false);
  });
});
