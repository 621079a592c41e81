-- Tasks. No IF NOT EXISTS: this step must fail if it ever ran twice.
CREATE TYPE task_status AS ENUM ('todo', 'in_progress', 'done');

CREATE TABLE tasks (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Keyset pagination runs on seq: unique, monotonic and cheap to compare.
  seq         bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  title       text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 2000),
  status      task_status NOT NULL DEFAULT 'todo',
  version     integer NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX tasks_status_seq_idx ON tasks (status, seq DESC);
