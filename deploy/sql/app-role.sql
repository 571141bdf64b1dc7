-- The application role: what photoflow-server needs and nothing more.
--
-- Migrations (photoflow-migrate, or the Prisma app's migrate) run as the
-- owner of the tables and keep doing so. The service connects as this role,
-- which may read and write the rows of the tables it uses, but may not
-- create, alter, drop or truncate anything, nor read the migration history,
-- so an attacker who takes over the service cannot change the schema.
--
-- Run after the migrations, as the tables' owner (or a superuser); creating
-- the role the first time, and setting its password, need CREATEROLE:
--
--   psql "$OWNER_URL" -v app_role=photoflow_app -v app_password= \
--        -v schema=public -f deploy/sql/app-role.sql
--
-- app_password may be omitted when PHOTOFLOW_APP_ROLE_PASSWORD holds it (as
-- in the Kubernetes migrate Job). An empty app_password leaves the password alone: set it with psql's
-- \password photoflow_app, which sends only a SCRAM verifier, rather than
-- as text that statement logs and pg_stat_statements would keep. (The
-- development scripts pass one.) The script is idempotent: run it again
-- after new migrations. Tables that later migrations create (as the same
-- owner) are covered by the default privileges granted at the end. Runs at
-- the same moment wait for each other. See docs/security.md.

\set ON_ERROR_STOP on

-- The password may also come from the environment (PHOTOFLOW_APP_ROLE_PASSWORD),
-- which keeps it off psql's command line and so out of the process list.
\if :{?app_password}
\else
  \getenv app_password PHOTOFLOW_APP_ROLE_PASSWORD
  \if :{?app_password}
  \else
    \set app_password ''
  \endif
\endif

-- One run at a time: concurrent GRANTs on one role can fail with "tuple
-- concurrently updated". Released when psql disconnects.
SELECT pg_catalog.pg_advisory_lock(pg_catalog.hashtext('photoflow deploy/sql/app-role.sql'));

-- The role, created once; its password when one is given.
SELECT pg_catalog.format('CREATE ROLE %I LOGIN NOCREATEDB NOCREATEROLE', :'app_role')
 WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = :'app_role') \gexec
SELECT pg_catalog.format('ALTER ROLE %I PASSWORD %L', :'app_role', :'app_password')
 WHERE :'app_password' <> '' \gexec

-- Connect, find the schema, and use its tables' rows. Nobody else may
-- create objects in the schema (PostgreSQL 15's default for public; older
-- databases granted CREATE on public to everyone).
SELECT pg_catalog.format('GRANT CONNECT ON DATABASE %I TO %I', pg_catalog.current_database(), :'app_role') \gexec
REVOKE CREATE ON SCHEMA :"schema" FROM PUBLIC;
GRANT USAGE ON SCHEMA :"schema" TO :"app_role";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA :"schema" TO :"app_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA :"schema" TO :"app_role";
-- Prisma's migration history is the owner's: the role may not even read it.
REVOKE ALL ON TABLE :"schema"."_prisma_migrations" FROM :"app_role";

-- Tables and sequences that later migrations create: default privileges of
-- the role that owns the tables (the one migrations run as), whoever runs
-- this script.
SELECT pg_catalog.format(
         'ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I',
         pg_catalog.pg_get_userbyid(c.relowner), :'schema', :'app_role'),
       pg_catalog.format(
         'ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO %I',
         pg_catalog.pg_get_userbyid(c.relowner), :'schema', :'app_role')
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = :'schema' AND c.relname = '_prisma_migrations' \gexec
