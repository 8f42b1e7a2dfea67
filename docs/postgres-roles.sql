-- PostgreSQL roles for SupplyGuard with an append-only audit log (see src/storage/README.md).
--
-- Two roles:
--   supplyguard_owner  owns the database, its tables and the audit log's triggers. Runs
--                      `supplyguard migrate` and `supplyguard audit-log prune`. Nothing else uses it.
--   supplyguard_app    what `supplyguard serve` connects as. Reads and writes the registry and the
--                      accounts, but may only SELECT and INSERT the audit tables: it can neither
--                      change nor delete an entry, anchor or checkpoint, nor drop or disable the
--                      triggers that guard them (only a table's owner or a superuser can).
--
-- Steps (psql's \connect and :'variables' are used, so run the parts with psql):
--   1. Once, as a superuser: the roles and the database.
--        sed -n '/^-- Part 1/,/^-- Part 2/p' docs/postgres-roles.sql |
--          psql -v ON_ERROR_STOP=1 -v owner_password='…' -v app_password='…' postgres
--   2. As the owner: the schema.
--        supplyguard migrate --db postgresql://supplyguard_owner:…@host/supplyguard
--   3. As the owner: the grants; again after every `migrate` that adds tables.
--        sed -n '/^-- Part 2/,$p' docs/postgres-roles.sql |
--          psql -v ON_ERROR_STOP=1 postgresql://supplyguard_owner:…@host/supplyguard
--   4. Start the server as the application role:
--        supplyguard serve --db postgresql://supplyguard_app:…@host/supplyguard …

-- Part 1: the roles and the database (skip when they exist).
CREATE ROLE supplyguard_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE supplyguard_app LOGIN PASSWORD :'app_password';
CREATE DATABASE supplyguard OWNER supplyguard_owner ENCODING 'UTF8' TEMPLATE template0;
\connect supplyguard
ALTER SCHEMA public OWNER TO supplyguard_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;

-- Part 2: what the application role may do. Run after the owner has migrated the database.
GRANT USAGE ON SCHEMA public TO supplyguard_app;
-- `serve` checks the schema version at start with CREATE TABLE IF NOT EXISTS schema_migrations,
-- which PostgreSQL refuses without CREATE on the schema even when the table exists. CREATE lets
-- the role add objects of its own; it does not let it alter or drop the owner's tables, triggers
-- or functions. (It cannot apply migrations either: those change the owner's tables.)
GRANT CREATE ON SCHEMA public TO supplyguard_app;

-- Everything else: read and write.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO supplyguard_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO supplyguard_app;
REVOKE TRUNCATE ON ALL TABLES IN SCHEMA public FROM supplyguard_app;

-- The schema version: read only; migrations are the owner's.
REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM supplyguard_app;

-- The audit log: append and read only. Retention (`audit-log prune`) runs as the owner.
REVOKE UPDATE, DELETE ON audit_log, audit_anchors, audit_checkpoints FROM supplyguard_app;

-- Appenders take turns by locking the one row of audit_append_lock (SELECT … FOR UPDATE, which
-- PostgreSQL allows only with UPDATE); the row itself means nothing and cannot be added or removed.
REVOKE INSERT, DELETE ON audit_append_lock FROM supplyguard_app;
GRANT SELECT, UPDATE ON audit_append_lock TO supplyguard_app;
