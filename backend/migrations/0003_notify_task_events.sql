-- Every committed change to a task is announced on the channel task_events, so each backend
-- pod can push it to the event streams it holds. The trigger runs inside the writing
-- transaction: PostgreSQL delivers the notification at commit, in commit order, and never
-- for a rolled-back write. The payload is a reference (event id, kind, task id, version);
-- a task's text could exceed NOTIFY's 8000-byte payload limit, so listeners read the row.
CREATE SEQUENCE task_event_id_seq;

CREATE FUNCTION notify_task_event() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  changed tasks%ROWTYPE;
BEGIN
  IF TG_OP = 'DELETE' THEN
    changed := OLD;
  ELSE
    changed := NEW;
  END IF;
  PERFORM pg_notify('task_events', json_build_object(
    'eventId', nextval('task_event_id_seq')::text,
    'type', CASE TG_OP WHEN 'INSERT' THEN 'created' WHEN 'UPDATE' THEN 'updated' ELSE 'deleted' END,
    'id', changed.id,
    'version', changed.version
  )::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER tasks_notify_task_event
  AFTER INSERT OR UPDATE OR DELETE ON tasks
  FOR EACH ROW EXECUTE FUNCTION notify_task_event();
