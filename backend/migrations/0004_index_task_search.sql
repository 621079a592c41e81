-- Search by text (GET /api/tasks?q=): the words of a task's title and description, as the
-- 'simple' configuration splits them (no language's stemming: titles mix languages), in a GIN
-- index on exactly the expression the list query matches.
CREATE INDEX tasks_search_idx ON tasks
  USING gin (to_tsvector('simple', title || ' ' || description));
