// Resilience under load (run by .ci/run through scripts/resilience.sh; every test is bounded in
// time and in requests). The figures are printed, so the counts are in the CI log.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '@tbyte/local';
import pg from 'pg';
import { startEndpointsDns } from './endpoints-dns.mjs';
import {
  headers,
  postgresIn,
  root,
  sleep,
  startBackend,
  startLoad,
  stopPostgresFast,
  summary,
  useStack,
  waitFor,
} from './harness.mjs';

describe('database outage under load', { timeout: 120_000 }, () => {
  const stack = useStack();

  it('answers 503 problem+json while PostgreSQL is down, recovers within 5 s, loses no acknowledged write', async () => {
    const { space, backend } = stack;
    const load = startLoad(backend.base);
    await sleep(3000);
    const down = Date.now();
    await stopPostgresFast(space.dir);
    await sleep(10_000);
    // Requests from here on may meet the restarting server; the outage is what came before.
    const restarting = Date.now();
    stack.postgres = await postgresIn(space.dir, stack.postgres.port);
    const up = Date.now();
    await sleep(8000);
    const records = await load.stop();
    console.log(`outage under load: ${records.length} requests (${summary(records)})`);

    assert.equal(backend.child.exitCode, null, 'the backend kept running');
    const during = records.filter((r) => r.at > down + 1000 && r.at < restarting);
    assert.ok(during.length > 20, `requests during the outage: ${during.length}`);
    for (const record of during) {
      assert.equal(record.status, 503, `during the outage: ${JSON.stringify(record)}`);
      assert.match(record.type, /^application\/problem\+json/);
    }
    const firstSuccess = records.find((r) => r.at >= up && r.status >= 200 && r.status < 300);
    assert.ok(firstSuccess, 'a request succeeded after the database came back');
    const recovery = firstSuccess.at - up;
    console.log(`recovered ${recovery} ms after the database came back`);
    assert.ok(recovery <= 5000, `recovery took ${recovery} ms`);
    const late = records.filter((r) => r.at > up + 5000);
    assert.ok(
      late.length > 20 && late.every((r) => r.status >= 200 && r.status < 300),
      `after recovery: ${summary(late)}`,
    );

    const acknowledged = records.filter((r) => r.id).map((r) => r.id);
    const client = new pg.Client({ connectionString: stack.postgres.adminUrl });
    await client.connect();
    const { rows } = await client.query(
      'SELECT count(*)::int AS n FROM tasks WHERE id = ANY($1::uuid[])',
      [acknowledged],
    );
    await client.end();
    console.log(`acknowledged writes: ${acknowledged.length}, present afterwards: ${rows[0].n}`);
    assert.equal(rows[0].n, acknowledged.length);
  });
});

describe('credential rotation under load', { timeout: 120_000 }, () => {
  const credentials = () => join(stack.space.dir, 'db');
  const writeCredential = (name, value) => {
    writeFileSync(join(credentials(), `${name}.tmp`), value, { mode: 0o600 });
    renameSync(join(credentials(), `${name}.tmp`), join(credentials(), name));
  };
  const stack = useStack({
    prepare: async ({ postgres }) => {
      const admin = new pg.Client({ connectionString: postgres.adminUrl });
      await admin.connect();
      await admin.query("CREATE ROLE tbyte_app LOGIN PASSWORD 'first-password-7f3a'");
      await admin.query('CREATE DATABASE tbyte OWNER tbyte_app');
      await admin.end();
      mkdirSync(credentials(), { mode: 0o700 });
      writeCredential('username', 'tbyte_app');
      writeCredential('password', 'first-password-7f3a');
    },
    backendEnv: ({ postgres }) => ({
      PGHOST: '127.0.0.1',
      PGPORT: String(postgres.port),
      PGDATABASE: 'tbyte',
      DB_CREDENTIALS_DIR: credentials(),
    }),
  });

  it('serves again within seconds of a password change, without a restart, failures counted and bounded', async () => {
    const { backend, postgres } = stack;
    const pid = backend.child.pid;
    const load = startLoad(backend.base);
    await sleep(3000);
    const admin = new pg.Client({ connectionString: postgres.adminUrl });
    await admin.connect();
    const rotated = Date.now();
    await admin.query("ALTER ROLE tbyte_app PASSWORD 'second-password-9c1d'");
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'tbyte_app'",
    );
    writeCredential('password', 'second-password-9c1d');
    await admin.end();
    await sleep(10_000);
    const records = await load.stop();
    const afterRotation = records.filter((r) => r.at >= rotated);
    const failed = afterRotation.filter((r) => r.status < 200 || r.status >= 300);
    const lastFailure = failed.at(-1);
    const recoveredAfter = lastFailure ? lastFailure.at - rotated : 0;
    console.log(
      `rotation under load: ${afterRotation.length} requests after the change, ${failed.length} failed (${summary(failed)}), last failure ${recoveredAfter} ms after it`,
    );
    assert.equal(backend.child.exitCode, null);
    assert.equal(backend.child.pid, pid, 'no restart');
    assert.ok(recoveredAfter <= 5000, `failures lasted ${recoveredAfter} ms`);
    assert.ok(
      failed.length <= Math.max(20, afterRotation.length * 0.05),
      `${failed.length} of ${afterRotation.length} failed`,
    );
    const tail = records.filter((r) => r.at > rotated + 5000);
    assert.ok(
      tail.length > 20 && tail.every((r) => r.status >= 200 && r.status < 300),
      `after 5 s: ${summary(tail)}`,
    );
  });
});

describe('slow clients and big inputs', { timeout: 120_000 }, () => {
  const stack = useStack();

  const post = (bytes) => {
    const filler = 'x'.repeat(bytes - JSON.stringify({ title: 't', description: '' }).length);
    const body = JSON.stringify({ title: 't', description: filler });
    assert.equal(Buffer.byteLength(body), bytes);
    return fetch(`${stack.backend.base}/api/tasks`, { method: 'POST', headers, body });
  };

  it('takes a body at the 64 kB limit (and validates it), refuses one byte more with 413', async () => {
    const atLimit = await post(64 * 1024);
    assert.notEqual(atLimit.status, 413);
    assert.equal(atLimit.status, 400, 'a 64 kB description is longer than the schema allows');
    const over = await post(64 * 1024 + 1);
    assert.equal(over.status, 413);
    assert.match(over.headers.get('content-type') ?? '', /^application\/problem\+json/);
  });

  it('stays responsive beside a slow-header client and 1 000 idle connections', async () => {
    const { port } = stack.backend;
    const sockets = [];
    const opened = (socket) =>
      new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const slow = connect(port, '127.0.0.1');
    sockets.push(slow);
    await opened(slow);
    slow.write('GET /api/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const drip = setInterval(() => slow.writable && slow.write('X-Slow: 1\r\n'), 500);
    for (let i = 0; i < 1000; i += 1) {
      const socket = connect(port, '127.0.0.1');
      // A refused or reset idle socket is part of what is measured, not a failure of the test.
      socket.on('error', () => undefined);
      sockets.push(socket);
    }
    await Promise.all(sockets.slice(1).map((socket) => opened(socket).catch(() => undefined)));
    const timings = [];
    for (let i = 0; i < 20; i += 1) {
      const started = performance.now();
      const response = await fetch(`${stack.backend.base}/api/tasks?limit=5`, {
        headers,
        signal: AbortSignal.timeout(2000),
      });
      assert.equal(response.status, 200);
      await response.arrayBuffer();
      timings.push(performance.now() - started);
    }
    clearInterval(drip);
    for (const socket of sockets) socket.destroy();
    const worst = Math.max(...timings);
    console.log(
      `with 1 000 idle connections and a slow client open: 20 reads, slowest ${worst.toFixed(0)} ms`,
    );
    assert.ok(worst < 1000, `slowest read ${worst} ms`);
  });
});

describe('API fuzzing from the OpenAPI document', { timeout: 300_000 }, () => {
  const stack = useStack();

  it('finds no 5xx and no response outside the documented schema (schemathesis)', async () => {
    const schemathesis = process.env.SCHEMATHESIS;
    assert.ok(
      schemathesis,
      'SCHEMATHESIS names the schemathesis executable (scripts/resilience.sh installs it)',
    );
    const result = spawnSync(
      schemathesis,
      [
        'run',
        `${stack.backend.base}/api/openapi.json`,
        '--checks',
        'not_a_server_error,response_schema_conformance,content_type_conformance',
        '--max-examples',
        '25',
        '--max-time',
        '150',
        '--workers',
        '1',
        '--seed',
        '20261129',
        '--header',
        `X-Api-Key: ${headers['x-api-key']}`,
      ],
      // Its example cache stays in the test's own directory.
      {
        cwd: stack.space.dir,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
        timeout: 240_000,
      },
    );
    const output = `${result.stdout}\n${result.stderr}`;
    console.log(
      output
        .split('\n')
        .filter((line) => /passed|failed|Operations|Test cases|errors?/i.test(line))
        .slice(-12)
        .join('\n'),
    );
    assert.equal(result.status, 0, output.slice(-4000));
  });

  // Inputs schemathesis does not send (encodings, forged cursors and tags, broken escapes)
  // that once answered 500: each must be a 4xx problem.
  it('answers hand-made hostile inputs with 4xx problem+json', async () => {
    const base = `${stack.backend.base}/api/tasks`;
    const created = await fetch(base, {
      method: 'POST',
      headers,
      body: JSON.stringify({ title: 'hostile inputs' }),
    });
    assert.equal(created.status, 201);
    const { id } = await created.json();
    const cursor = (seq) => Buffer.from(JSON.stringify({ s: seq })).toString('base64url');
    const garbage = Buffer.from('not compressed at all');
    const inputs = [
      [
        'POST gzip garbage',
        base,
        { method: 'POST', headers: { ...headers, 'content-encoding': 'gzip' }, body: garbage },
      ],
      [
        'POST br garbage',
        base,
        { method: 'POST', headers: { ...headers, 'content-encoding': 'br' }, body: garbage },
      ],
      ['cursor beyond bigint', `${base}?cursor=${cursor('9999999999999999999')}`, { headers }],
      [
        'PATCH If-Match beyond int4',
        `${base}/${id}`,
        {
          method: 'PATCH',
          headers: { ...headers, 'if-match': '"9999999999"' },
          body: '{"title":"x"}',
        },
      ],
      [
        'DELETE If-Match beyond int4',
        `${base}/${id}`,
        { method: 'DELETE', headers: { ...headers, 'if-match': '"9999999999"' } },
      ],
      ['malformed percent-encoding', `${base}/%E0%A4%A`, { headers }],
    ];
    const answers = [];
    for (const [name, url, init] of inputs) {
      const response = await fetch(url, init);
      answers.push(`${name}: ${response.status} ${response.headers.get('content-type')}`);
      assert.ok(response.status >= 400 && response.status < 500, answers.at(-1));
      assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
    }
    assert.equal(answers.length, 6);
    console.log(answers.join('\n'));
  });
});

describe('rolling restart behind the frontend nginx', { timeout: 120_000 }, () => {
  const stack = useStack({ backendEnv: null });
  const backends = [];
  let dns;
  let nginx;
  let nginxPort;
  before(async () => {
    const { space, postgres } = stack;
    const port = await freePort();
    // Two backends on one port, as two pods behind one Service; drain lasts past nginx's
    // 10 s resolver cache, as terminationGracePeriod and the preStop pause do in the chart.
    for (const address of ['127.0.0.1', '127.0.0.2']) {
      backends.push(
        await startBackend(space.dir, {
          DATABASE_URL: postgres.adminUrl,
          PORT: String(port),
          HOST: address,
          SHUTDOWN_GRACE_SECONDS: '15',
        }),
      );
      backends.at(-1).address = address;
    }
    const dnsPort = await freePort();
    dns = startEndpointsDns({
      name: 'backend.tbyte.test',
      port: dnsPort,
      backends: backends.map((b) => ({ address: b.address, port })),
    });
    nginxPort = await freePort();
    nginx = spawn(process.execPath, ['frontend/e2e/nginx-server.mjs'], {
      cwd: root,
      env: {
        ...process.env,
        NGINX_PORT: String(nginxPort),
        BACKEND_URL: `http://backend.tbyte.test:${port}`,
        NGINX_RESOLVER: `127.0.0.1:${dnsPort}`,
        NGINX_UPSTREAM_RETRIES: 'off',
        API_KEY_FILE: join(space.dir, 'api-key'),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await waitFor(`http://127.0.0.1:${nginxPort}/api/tasks?limit=1`, 20_000);
  });
  after(async () => {
    nginx?.kill('SIGTERM');
    dns?.close();
    for (const backend of backends) await backend.stop();
  });

  it('answers every read and create with a 2xx while one backend drains and exits', async () => {
    const load = startLoad(`http://127.0.0.1:${nginxPort}`, { workers: 4 });
    await sleep(3000);
    const [draining] = backends;
    const exited = new Promise((resolve) => draining.child.once('exit', resolve));
    const signalled = Date.now();
    draining.child.kill('SIGTERM');
    const code = await exited;
    const drained = Date.now() - signalled;
    await sleep(3000);
    const records = await load.stop();
    const failed = records.filter((r) => r.status < 200 || r.status >= 300);
    console.log(
      `rolling restart: ${records.length} requests through nginx (${summary(records)}), the drained backend exited ${code} after ${drained} ms; ready now: ${dns.ready().join(', ')}`,
    );
    assert.equal(code, 0);
    assert.deepEqual(failed, []);
    assert.ok(
      records.filter((r) => r.at > signalled).length > 50,
      'load kept flowing through the drain',
    );
  });
});
