-- The first response to a create, replayed when a client retries with the same Idempotency-Key.
CREATE TABLE idempotency_keys (
  key            text PRIMARY KEY CHECK (char_length(key) BETWEEN 1 AND 255),
  request_hash   text NOT NULL,
  response_code  integer,
  response_body  jsonb,
  location       text,
  created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);
