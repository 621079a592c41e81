// The baseline the backend is measured against: a bare Express 5 app with only `pg`, the same
// pool size and the same SQL as backend/src/tasks/repository.ts, and none of the production
// pipeline (validation, metrics, logging, helmet, rate limit, service key, ETags, idempotency).
//
//   DATABASE_URL=... PORT=... DB_POOL_MAX=10 node baseline.mjs
import express from 'express';
import pg from 'pg';

const columns = 'id, seq, title, description, status, version, created_at, updated_at';
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DB_POOL_MAX ?? 10),
});
const app = express();
app.use(express.json());

const toTask = (row) => ({
  id: row.id,
  title: row.title,
  description: row.description,
  status: row.status,
  version: row.version,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

app.get('/health', (_request, response) => {
  response.json({ status: 'ok' });
});

app.get('/api/tasks', async (request, response) => {
  const limit = Number(request.query.limit ?? 20);
  const { rows } = await pool.query(`SELECT ${columns} FROM tasks ORDER BY seq DESC LIMIT $1`, [
    limit + 1,
  ]);
  const items = rows.slice(0, limit);
  response.json({
    items: items.map(toTask),
    nextCursor: rows.length > limit ? String(items.at(-1).seq) : null,
  });
});

app.get('/api/tasks/:id', async (request, response) => {
  const { rows } = await pool.query(`SELECT ${columns} FROM tasks WHERE id = $1`, [
    request.params.id,
  ]);
  if (rows.length === 0) {
    response.status(404).json({ title: 'Not Found' });
    return;
  }
  response.json(toTask(rows[0]));
});

app.post('/api/tasks', async (request, response) => {
  const { title, description = '', status = 'todo' } = request.body;
  const { rows } = await pool.query(
    `INSERT INTO tasks (title, description, status) VALUES ($1, $2, $3) RETURNING ${columns}`,
    [title, description, status],
  );
  response.status(201).location(`/api/tasks/${rows[0].id}`).json(toTask(rows[0]));
});

const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => {
  console.log(`baseline listening on ${server.address().port}`);
});
process.on('SIGTERM', () => {
  server.close(() => pool.end().then(() => process.exit(0)));
});
