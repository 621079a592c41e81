import type { Database } from '../db/database.js';
import type { CreateTask, Task, TaskStatus, UpdateTask } from './schema.js';
import { searchedText, searchQuery } from './search.js';

interface TaskRow {
  id: string;
  seq: string;
  title: string;
  description: string;
  status: TaskStatus;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const columns = 'id, seq, title, description, status, version, created_at, updated_at';

function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    status: row.status,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export interface TaskPage {
  items: Task[];
  /** The seq of the last item when more rows follow. */
  after: string | null;
}

export type UpdateOutcome =
  { kind: 'updated'; task: Task } | { kind: 'missing' } | { kind: 'stale'; current: Task };

export type DeleteOutcome = { kind: 'deleted' } | Exclude<UpdateOutcome, { kind: 'updated' }>;

export interface IdempotentCreate {
  task: Task;
  replayed: boolean;
}

/** The stored first response of a create, for replaying it. */
interface IdempotencyRow {
  request_hash: string;
  response_body: Task | null;
}

export class IdempotencyConflict extends Error {
  constructor() {
    super('the Idempotency-Key was already used with a different request');
  }
}

/** Keys are remembered for a day; a retry after that creates anew. */
const idempotencyWindow = '24 hours';

/** Every statement is parameterised; the operation names label db_query_duration_seconds. */
export class TaskRepository {
  constructor(private readonly db: Database) {}

  async list(options: {
    status?: TaskStatus;
    limit: number;
    afterSeq?: string;
    /** Search text: every word, as a prefix, in the title or description. */
    search?: string;
  }): Promise<TaskPage> {
    const conditions: string[] = [];
    const values: unknown[] = [];
    if (options.status !== undefined) {
      values.push(options.status);
      conditions.push(`status = $${values.length}`);
    }
    if (options.search !== undefined) {
      values.push(searchQuery(options.search));
      conditions.push(`${searchedText} @@ to_tsquery('simple', $${values.length})`);
    }
    if (options.afterSeq !== undefined) {
      values.push(options.afterSeq);
      conditions.push(`seq < $${values.length}`);
    }
    values.push(options.limit + 1);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const { rows } = await this.db.query<TaskRow>(
      'tasks.list',
      `SELECT ${columns} FROM tasks ${where} ORDER BY seq DESC LIMIT $${values.length}`,
      values,
    );
    const page = rows.slice(0, options.limit);
    const last = page.at(-1);
    return {
      items: page.map(toTask),
      after: rows.length > options.limit && last ? last.seq : null,
    };
  }

  async get(id: string): Promise<Task | undefined> {
    const { rows } = await this.db.query<TaskRow>(
      'tasks.get',
      `SELECT ${columns} FROM tasks WHERE id = $1`,
      [id],
    );
    return rows[0] && toTask(rows[0]);
  }

  async create(input: CreateTask): Promise<Task> {
    return insertTask((sql, values) => this.db.query<TaskRow>('tasks.create', sql, values), input);
  }

  /**
   * A create under an Idempotency-Key: the key row is inserted first, so a concurrent retry
   * waits on it and then replays the committed first response instead of inserting again.
   */
  async createIdempotent(
    key: string,
    requestHash: string,
    input: CreateTask,
  ): Promise<IdempotentCreate> {
    return this.db.transaction('tasks.create', async (client) => {
      await client.query(
        `DELETE FROM idempotency_keys WHERE key = $1 AND created_at < now() - interval '${idempotencyWindow}'`,
        [key],
      );
      const claimed = await client.query(
        'INSERT INTO idempotency_keys (key, request_hash) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING key',
        [key, requestHash],
      );
      if (claimed.rowCount === 1) {
        const task = await insertTask((sql, values) => client.query<TaskRow>(sql, values), input);
        await client.query(
          'UPDATE idempotency_keys SET response_code = 201, response_body = $2, location = $3 WHERE key = $1',
          [key, JSON.stringify(task), `/api/tasks/${task.id}`],
        );
        return { task, replayed: false };
      }
      const { rows } = await client.query<IdempotencyRow>(
        'SELECT request_hash, response_body FROM idempotency_keys WHERE key = $1',
        [key],
      );
      const first = rows[0];
      if (first?.request_hash !== requestHash || !first.response_body) {
        throw new IdempotencyConflict();
      }
      return { task: first.response_body, replayed: true };
    });
  }

  /** Applies the patch when the stored version is one of the expected ones (any, when undefined). */
  async update(
    id: string,
    patch: UpdateTask,
    expectedVersions: number[] | undefined,
  ): Promise<UpdateOutcome> {
    const { rows } = await this.db.query<TaskRow>(
      'tasks.update',
      `UPDATE tasks SET
         title = COALESCE($2, title),
         description = COALESCE($3, description),
         status = COALESCE($4::task_status, status),
         version = version + 1,
         updated_at = now()
       WHERE id = $1 AND ($5::int[] IS NULL OR version = ANY($5::int[]))
       RETURNING ${columns}`,
      [
        id,
        patch.title ?? null,
        patch.description ?? null,
        patch.status ?? null,
        expectedVersions ?? null,
      ],
    );
    if (rows[0]) return { kind: 'updated', task: toTask(rows[0]) };
    const current = await this.get(id);
    return current ? { kind: 'stale', current } : { kind: 'missing' };
  }

  async delete(id: string, expectedVersions: number[] | undefined): Promise<DeleteOutcome> {
    const { rowCount } = await this.db.query(
      'tasks.delete',
      'DELETE FROM tasks WHERE id = $1 AND ($2::int[] IS NULL OR version = ANY($2::int[]))',
      [id, expectedVersions ?? null],
    );
    if (rowCount === 1) return { kind: 'deleted' };
    const current = await this.get(id);
    return current ? { kind: 'stale', current } : { kind: 'missing' };
  }

  /** Forgets idempotency keys older than the replay window. */
  async pruneIdempotencyKeys(): Promise<number> {
    const { rowCount } = await this.db.query(
      'idempotency.prune',
      `DELETE FROM idempotency_keys WHERE created_at < now() - interval '${idempotencyWindow}'`,
    );
    return rowCount ?? 0;
  }
}

type Run = (sql: string, values: unknown[]) => Promise<{ rows: TaskRow[] }>;

async function insertTask(run: Run, input: CreateTask): Promise<Task> {
  const { rows } = await run(
    `INSERT INTO tasks (title, description, status) VALUES ($1, $2, $3) RETURNING ${columns}`,
    [input.title, input.description, input.status],
  );
  const row = rows[0];
  if (!row) throw new Error('INSERT ... RETURNING gave no row');
  return toTask(row);
}
