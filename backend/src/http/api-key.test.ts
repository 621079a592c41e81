import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { eventually } from '../../test/helpers/backend-process.js';
import { useTestApps, type TestApp } from '../../test/helpers/app.js';

const { appWith: start } = useTestApps();

/** The two files of a mounted Vault secret, replaced the way the CSI driver does (rename over). */
function keyDirectory(current: string, next: string) {
  const dir = mkdtempSync(join(tmpdir(), 'tbyte-keys-'));
  const write = (name: string, value: string) => {
    writeFileSync(join(dir, `.${name}.new`), `${value}\n`);
    renameSync(join(dir, `.${name}.new`), join(dir, name));
  };
  write('key', current);
  write('next', next);
  return { current: join(dir, 'key'), next: join(dir, 'next'), write };
}

/** The statuses of GET /api/tasks for each key, in order: how a rotation looks from outside. */
async function statuses(t: TestApp, keys: string[]): Promise<number[]> {
  const out: number[] = [];
  for (const key of keys) {
    out.push((await request(t.app).get('/api/tasks').set('X-Api-Key', key)).status);
  }
  return out;
}

describe('service key rotation', () => {
  it('accepts the current and the next key through the overlap, and the old one stops after', async () => {
    const keys = keyDirectory('old-key', 'old-key');
    const t = await start({ API_KEY_FILE: keys.current, API_NEXT_KEY_FILE: keys.next });
    expect(await statuses(t, ['old-key', 'new-key', ''])).toEqual([200, 401, 401]);

    // Phase 1: the next key is introduced; nginx still sends the old one.
    keys.write('next', 'new-key');
    await eventually(async () => {
      expect(await statuses(t, ['old-key', 'new-key'])).toEqual([200, 200]);
    }, 5_000);

    // Phase 2: promoted; the old key stays as next until every nginx sends the new one.
    keys.write('key', 'new-key');
    keys.write('next', 'old-key');
    await eventually(async () => {
      expect(await statuses(t, ['new-key', 'old-key'])).toEqual([200, 200]);
    }, 5_000);

    // Retired: only the new key opens the API.
    keys.write('next', 'new-key');
    await eventually(async () => {
      expect(await statuses(t, ['new-key', 'old-key'])).toEqual([200, 401]);
    }, 5_000);
    expect(await statuses(t, ['new-key', 'new-ke', 'new-key '.repeat(2)])).toEqual([200, 401, 401]);
  });

  it('never takes an empty or missing next key for a key', async () => {
    const keys = keyDirectory('only-key', '');
    const t = await start({ API_KEY_FILE: keys.current, API_NEXT_KEY_FILE: keys.next });
    const empty = await request(t.app).get('/api/tasks').set('X-Api-Key', '');
    expect(empty.status).toBe(401);
    expect(await statuses(t, ['only-key'])).toEqual([200]);
  });

  it('keeps working with API_KEY_FILE alone', async () => {
    const keys = keyDirectory('single-key', 'unused');
    const t = await start({ API_KEY_FILE: keys.current });
    expect(await statuses(t, ['single-key', 'unused'])).toEqual([200, 401]);
  });
});
