import { beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { useTestApp } from '../../test/helpers/app.js';
import { searchedText, searchQuery } from './search.js';

const stack = useTestApp();

const titles = async (query: string): Promise<string[]> => {
  const res = await request(stack.t.app).get(`/api/tasks?${query}`).expect(200);
  return (res.body as { items: { title: string }[] }).items.map((t) => t.title);
};

describe('searchQuery', () => {
  it('makes every word a prefix that must match, and keeps only letters and digits', () => {
    expect(searchQuery('Run BOOK')).toBe('run:* & book:*');
    expect(searchQuery("it's a & b | !c <-> d:*")).toBe('it:* & s:* & a:* & b:* & c:* & d:*');
    expect(searchQuery('Überprüfung 2026')).toBe('überprüfung:* & 2026:*');
  });
});

describe('GET /api/tasks?q=', () => {
  beforeAll(async () => {
    for (const [title, description, status] of [
      ['Write the runbook', 'for the on-call rotation', 'todo'],
      ['Rotate the database password', '', 'done'],
      ['Review the runbook', 'with the platform team', 'done'],
      ['Unrelated', 'nothing to see', 'todo'],
    ]) {
      await request(stack.t.app)
        .post('/api/tasks')
        .send({ title, description, status })
        .expect(201);
    }
  });

  it('finds tasks by word prefixes in the title or the description, newest first', async () => {
    expect(await titles('q=runb')).toEqual(['Review the runbook', 'Write the runbook']);
    expect(await titles('q=rotat')).toEqual(['Rotate the database password', 'Write the runbook']);
    expect(await titles('q=runbook%20platform')).toEqual(['Review the runbook']);
    expect(await titles('q=runbook&status=todo')).toEqual(['Write the runbook']);
    expect(await titles('q=nomatch')).toEqual([]);
  });

  it('pages through the matches with the cursor', async () => {
    const first = await request(stack.t.app).get('/api/tasks?q=the&limit=2').expect(200);
    expect(first.body.items).toHaveLength(2);
    const rest = await request(stack.t.app)
      .get(`/api/tasks?q=the&limit=2&cursor=${first.body.nextCursor as string}`)
      .expect(200);
    expect(rest.body.nextCursor).toBeNull();
    const all = [...first.body.items, ...rest.body.items].map((t: { title: string }) => t.title);
    expect(all).toEqual([
      'Review the runbook',
      'Rotate the database password',
      'Write the runbook',
    ]);
  });

  it('refuses a search without a letter or digit, or a longer one than 200 characters', async () => {
    for (const q of ['%20%20', '!!', 'x'.repeat(201)]) {
      const res = await request(stack.t.app).get(`/api/tasks?q=${q}`).expect(400);
      expect(res.body.errors[0]).toMatchObject({ field: 'q' });
    }
  });

  it('is answered from the search index', async () => {
    const plan = await stack.t.db.transaction('test.explain', async (client) => {
      await client.query('SET LOCAL enable_seqscan = off');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT id FROM tasks WHERE ${searchedText} @@ to_tsquery('simple', $1)`,
        [searchQuery('runbook')],
      );
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain('tasks_search_idx');
  });
});
