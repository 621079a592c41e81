#!/bin/sh
# The backend's two database roles as login roles with their own passwords (docs/architecture.md,
# Database roles): tbyte_migrator owns the schema and runs the migrations, tbyte_app serves and
# gets from the migrator only what the app's tables need. Their credentials are files, the
# backend's layout: DB_MIGRATION_CREDENTIALS_DIR and DB_CREDENTIALS_DIR each hold `username` and
# `password` (a username other than the role's name logs in as a member of that role).
#
# Runs as the official image's init script (/docker-entrypoint-initdb.d, the first start of an
# empty data directory: the postgresql chart) and as compose's db-roles step against the
# running server (every `up`: new passwords take effect, an existing volume gets the roles).
# It connects as the administrator: PGHOST, PGUSER, PGPASSWORD, PGDATABASE, or the image's
# POSTGRES_USER and POSTGRES_DB over its local socket. Idempotent.
set -eu
for dir in "${DB_MIGRATION_CREDENTIALS_DIR:?DB_MIGRATION_CREDENTIALS_DIR must name the migrator credentials}" \
  "${DB_CREDENTIALS_DIR:?DB_CREDENTIALS_DIR must name the app credentials}"; do
  for file in username password; do
    [ -s "$dir/$file" ] || { echo "tbyte-roles: $dir/$file is missing or empty" >&2; exit 1; }
  done
done

# psql reads the files itself (backquotes in \set), so no password is on a command line.
psql --no-psqlrc --quiet -v ON_ERROR_STOP=1 \
  --username "${PGUSER:-${POSTGRES_USER:-postgres}}" \
  --dbname "${PGDATABASE:-${POSTGRES_DB:-${POSTGRES_USER:-postgres}}}" <<'SQL'
\set migrator_user `cat "$DB_MIGRATION_CREDENTIALS_DIR/username"`
\set migrator_password `cat "$DB_MIGRATION_CREDENTIALS_DIR/password"`
\set app_user `cat "$DB_CREDENTIALS_DIR/username"`
\set app_password `cat "$DB_CREDENTIALS_DIR/password"`
SELECT set_config('tbyte.migrator_user', :'migrator_user', false),
       set_config('tbyte.migrator_password', :'migrator_password', false),
       set_config('tbyte.app_user', :'app_user', false),
       set_config('tbyte.app_password', :'app_password', false) \g /dev/null
DO $$
DECLARE
  r record;
BEGIN
  IF current_setting('tbyte.migrator_user') = current_setting('tbyte.app_user') THEN
    RAISE EXCEPTION 'tbyte-roles: the migrator and the app need two users, both files name %',
      current_setting('tbyte.app_user');
  END IF;
  FOR r IN
    SELECT * FROM (VALUES
      ('tbyte_migrator', current_setting('tbyte.migrator_user'), current_setting('tbyte.migrator_password')),
      ('tbyte_app', current_setting('tbyte.app_user'), current_setting('tbyte.app_password'))
    ) AS v(role, login, secret)
  LOOP
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = r.login
               AND (rolsuper OR rolcreaterole OR rolname = session_user)) THEN
      RAISE EXCEPTION 'tbyte-roles: % must not be an administrator (the % credentials name it)',
        r.login, r.role;
    END IF;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = r.login) THEN
      EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', r.login, r.secret);
    ELSE
      EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', r.login, r.secret);
    END IF;
    IF r.login <> r.role THEN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r.role) THEN
        EXECUTE format('CREATE ROLE %I NOLOGIN', r.role);
      END IF;
      EXECUTE format('GRANT %I TO %I', r.role, r.login);
    END IF;
  END LOOP;
  -- The schema's tables and types the administrator made before (an earlier start that
  -- migrated as the administrator) become the migrator's.
  FOR r IN
    SELECT format('ALTER TABLE public.%I OWNER TO tbyte_migrator', c.relname) AS statement
    FROM pg_class c
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
      AND c.relowner = session_user::regrole
    UNION ALL
    SELECT format('ALTER TYPE public.%I OWNER TO tbyte_migrator', t.typname)
    FROM pg_type t
    WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('e', 'd')
      AND t.typowner = session_user::regrole
  LOOP
    EXECUTE r.statement;
  END LOOP;
END
$$;
RESET tbyte.migrator_password;
RESET tbyte.app_password;
GRANT USAGE, CREATE ON SCHEMA public TO tbyte_migrator;
SQL
echo "tbyte-roles: tbyte_migrator and tbyte_app can log in"
