import type pg from 'pg';

/** Owns the schema and runs the migrations. */
export const migratorRole = 'tbyte_migrator';
/** Serves requests: reads and writes the app's tables, nothing else. */
export const appRole = 'tbyte_app';

type Client = Pick<pg.ClientBase, 'query'>;

/** Two databases of one server may start at once, and roles belong to the server. */
const concurrentCatalogUpdate = new Set(['XX000', '23505', '42710', '40001']);

/**
 * With a single set of credentials (an administrator's, as the embedded default gives), the
 * backend makes the two roles itself: NOLOGIN roles the administrator's session switches to,
 * the migrations as tbyte_migrator and every serving connection as tbyte_app. Objects the
 * administrator created before the roles existed are handed to tbyte_migrator.
 *
 * With `appLogin: 'rds_iam'` (RDS's master user, the app serving with IAM tokens), tbyte_app
 * is a login role instead, a member of RDS's rds_iam: it has no password, and RDS admits it
 * only with a token its IAM policy allows.
 */
export async function ensureRoles(
  client: Client,
  { appLogin }: { appLogin?: 'rds_iam' } = {},
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query(`
        DO $$
        BEGIN
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${migratorRole}') THEN
            CREATE ROLE ${migratorRole} NOLOGIN;
          END IF;
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${appRole}') THEN
            CREATE ROLE ${appRole} NOLOGIN;
          END IF;
          -- A superuser may switch to any role; an administrator with CREATEROLE (RDS's
          -- master user) must be made a member first.
          IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN
            IF NOT pg_has_role(session_user, '${migratorRole}', 'MEMBER') THEN
              EXECUTE format('GRANT ${migratorRole} TO %I', session_user);
            END IF;
            IF NOT pg_has_role(session_user, '${appRole}', 'MEMBER') THEN
              EXECUTE format('GRANT ${appRole} TO %I', session_user);
            END IF;
          END IF;
        END
        $$`);
      if (appLogin) {
        await client.query(`ALTER ROLE ${appRole} LOGIN`);
        await client.query(`GRANT ${appLogin} TO ${appRole}`);
      }
      break;
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (attempt >= 5 || !concurrentCatalogUpdate.has(code)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
  await client.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${migratorRole}`);
  await client.query(`
    DO $$
    DECLARE r record;
    BEGIN
      FOR r IN
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relowner = session_user::regrole
      LOOP
        EXECUTE format('ALTER TABLE public.%I OWNER TO ${migratorRole}', r.relname);
      END LOOP;
      FOR r IN
        SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd') AND t.typowner = session_user::regrole
      LOOP
        EXECUTE format('ALTER TYPE public.%I OWNER TO ${migratorRole}', r.typname);
      END LOOP;
    END
    $$`);
}

/**
 * What tbyte_app may do after every migration (the owner runs it, so new tables are covered):
 * use the schema, read and write the app's tables and their sequences; the migrations'
 * bookkeeping it may only read.
 */
export async function grantServing(client: Client): Promise<void> {
  await client.query(`GRANT USAGE ON SCHEMA public TO ${appRole}`);
  await client.query(
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${appRole}`,
  );
  await client.query(`REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM ${appRole}`);
  await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${appRole}`);
}
