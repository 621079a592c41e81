import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { createLogger } from './logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', service: 's', version: 'v' }, sink) };
}

describe('createLogger', () => {
  it('writes JSON lines with a level label, service and version', () => {
    const { lines, logger } = capture();
    logger.info('hello');
    expect(lines[0]).toMatchObject({ level: 'info', service: 's', version: 'v', msg: 'hello' });
    expect(typeof lines[0]?.time).toBe('string');
  });

  it('redacts passwords, connection strings and keys wherever they are logged', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        password: 'p1',
        db: { password: 'p2', connectionString: 'postgresql://u:p3@h/db' },
        databaseUrl: 'postgresql://u:p4@h/db',
        apiKey: 'k1',
        req: { headers: { authorization: 'Bearer t', 'x-api-key': 'k2', cookie: 'c' } },
      },
      'connecting',
    );
    const text = JSON.stringify(lines);
    for (const secret of ['p1', 'p2', 'p3', 'p4', 'k1', 'k2', 'Bearer t'])
      expect(text).not.toContain(secret);
  });
});
