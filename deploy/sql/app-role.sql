-- The application role: what photoflow-server needs and nothing more.
--
-- Migrations (photoflow-migrate, or the Prisma app's migrate) run as the
-- schema's owner and keep doing so. The service connects as this role, which
-- may read and write the rows of the tables it uses, but may not create,
-- alter, drop or truncate anything, so an attacker who takes over the
-- service cannot change the schema or the migration history.
--
-- Run as the owner of the schema (or a superuser), after the migrations:
--
--   psql "$OWNER_URL" -v app_role=photoflow_app -v app_password='…' \
--        -v schema=public -f deploy/sql/app-role.sql
--
-- It is idempotent: run it again after new migrations or to change the
-- password. Tables that later migrations create are covered by the default
-- privileges granted at the end. See docs/security.md.

\set ON_ERROR_STOP on

-- The role, created once and given its password every time.
SELECT pg_catalog.format('CREATE ROLE %I LOGIN', :'app_role')
 WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = :'app_role') \gexec
SELECT pg_catalog.format('ALTER ROLE %I LOGIN NOCREATEDB NOCREATEROLE PASSWORD %L',
                         :'app_role', :'app_password') \gexec

-- Connect, find the schema, and use its tables' rows.
SELECT pg_catalog.format('GRANT CONNECT ON DATABASE %I TO %I', pg_catalog.current_database(), :'app_role') \gexec
GRANT USAGE ON SCHEMA :"schema" TO :"app_role";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA :"schema" TO :"app_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA :"schema" TO :"app_role";
-- Prisma's migration history is the owner's: the role may not even read it.
REVOKE ALL ON TABLE :"schema"."_prisma_migrations" FROM :"app_role";

-- Tables and sequences that later migrations create (as the same owner).
ALTER DEFAULT PRIVILEGES IN SCHEMA :"schema"
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app_role";
ALTER DEFAULT PRIVILEGES IN SCHEMA :"schema"
  GRANT USAGE, SELECT ON SEQUENCES TO :"app_role";
