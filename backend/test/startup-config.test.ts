import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { spawnBackend } from './helpers/backend-process.js';

describe('a bad configuration', () => {
  it.each([
    ['PORT', { PORT: 'http' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'chatty' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://db' }],
    ['API_KEY_FILE', { API_KEY_FILE: '/nonexistent/key' }],
  ])('stops the process with a message naming %s', async (variable, env) => {
    const backend = await spawnBackend(env);
    expect(await backend.exited).toBe(1);
    const fatal = backend.output
      .map((l) => JSON.parse(l) as { level: string; msg: string })
      .find((l) => l.level === 'fatal');
    expect(fatal?.msg).toContain(variable);
  });

  it('stops the process when DB_CREDENTIALS_DIR lacks the password file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tbyte-creds-'));
    writeFileSync(join(dir, 'username'), 'tbyte');
    const backend = await spawnBackend({ DB_CREDENTIALS_DIR: dir });
    expect(await backend.exited).toBe(1);
    expect(backend.output.join('\n')).toMatch(/DB_CREDENTIALS_DIR.*password/);
  });
});
