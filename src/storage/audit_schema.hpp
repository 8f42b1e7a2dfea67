#pragma once

#include <string_view>

namespace sg::storage {

/// The tamper-evident audit log (issue 3), schema version 5. `kAuditLogSchema` is shared by both
/// dialects; the guards that make the tables append-only differ and run after it, one per dialect.
///
/// `audit_log.seq` is assigned by the application, 1, 2, 3, … with no gaps (not an auto id, whose
/// gaps after rolled-back inserts would hide a deletion); `hash` chains every entry to the one
/// before it (see src/audit/README.md). `audit_append_lock` holds one row that PostgreSQL appenders
/// lock to take turns; SQLite's writers already take turns (BEGIN IMMEDIATE). `audit_anchors` holds
/// chain heads signed with the server's Ed25519 key; `audit_checkpoints` the signed chain head at
/// each retention cut, behind which entries have been exported and deleted.
constexpr std::string_view kAuditLogSchema = R"sql(
CREATE TABLE audit_log (
  seq BIGINT NOT NULL PRIMARY KEY CHECK (seq > 0),
  at TEXT NOT NULL,
  actor_id BIGINT,
  actor_email TEXT NOT NULL,
  role TEXT NOT NULL,
  tenant TEXT NOT NULL,
  action TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id TEXT NOT NULL,
  changes TEXT NOT NULL,
  source_ip TEXT NOT NULL,
  request_id TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_actor ON audit_log(actor_id, seq);
CREATE INDEX audit_log_action ON audit_log(action, seq);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id, seq);
CREATE INDEX audit_log_tenant ON audit_log(tenant, seq);

CREATE TABLE audit_append_lock (
  id INTEGER PRIMARY KEY CHECK (id = 1)
);
INSERT INTO audit_append_lock (id) VALUES (1);

CREATE TABLE audit_anchors (
  id {pk},
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL,
  at TEXT NOT NULL,
  signature TEXT NOT NULL,
  public_key TEXT NOT NULL
);
CREATE INDEX audit_anchors_seq ON audit_anchors(seq);

CREATE TABLE audit_checkpoints (
  id {pk},
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL,
  at TEXT NOT NULL,
  entries_pruned BIGINT NOT NULL,
  export_sha256 TEXT NOT NULL,
  signature TEXT NOT NULL,
  public_key TEXT NOT NULL
);
CREATE INDEX audit_checkpoints_seq ON audit_checkpoints(seq);
)sql";

/// SQLite's delete guard of `audit_log`, on its own because pruning drops and re-creates it inside
/// the pruning transaction: SQLite has no session settings that a trigger could consult.
constexpr std::string_view kAuditLogSqliteDeleteGuard =
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;";

/// SQLite: the three audit tables refuse UPDATE and DELETE. (The file's owner can still edit it
/// with any SQLite tool; the hash chain and the signed anchors are what detect that.)
constexpr std::string_view kAuditLogSqliteGuards = R"sql(
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_anchors_no_update BEFORE UPDATE ON audit_anchors
BEGIN SELECT RAISE(ABORT, 'audit_anchors is append-only'); END;
CREATE TRIGGER audit_anchors_no_delete BEFORE DELETE ON audit_anchors
BEGIN SELECT RAISE(ABORT, 'audit_anchors is append-only'); END;
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
)sql";

static_assert(kAuditLogSqliteGuards.find(kAuditLogSqliteDeleteGuard) != std::string_view::npos,
              "pruning must re-create the delete guard exactly as the migration created it");

/// PostgreSQL: the three audit tables refuse UPDATE, DELETE and TRUNCATE, whoever asks (table
/// owners and superusers included, until they drop the trigger). One exception lets retention
/// work: `audit_log` rows may be deleted up to seq N when the transaction has set
/// `supplyguard.audit_prune` to N (`set_config(…, true)`, i.e. SET LOCAL) and a checkpoint at seq
/// N exists. Anyone holding the application's credentials can therefore delete entries, but only
/// behind a checkpoint row, and a checkpoint without the server key's signature is what
/// `audit-log verify` reports. Run `serve` as a role that may only INSERT and SELECT the audit
/// tables (docs/postgres-roles.sql): it can then neither delete nor drop these triggers.
constexpr std::string_view kAuditLogPostgresGuards = R"sql(
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  cut TEXT := current_setting('supplyguard.audit_prune', true);
BEGIN
  IF TG_OP = 'DELETE' AND cut ~ '^[0-9]{1,18}$' AND OLD.seq <= cut::BIGINT
     AND EXISTS (SELECT 1 FROM audit_checkpoints WHERE seq = cut::BIGINT) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;

-- Resolve functions and operators in pg_catalog first and audit_checkpoints in this schema, never
-- in objects another role created in the schema or in a temporary table of the same name.
DO $$
BEGIN
  EXECUTE format('ALTER FUNCTION audit_log_guard() SET search_path = pg_catalog, %I, pg_temp',
                 current_schema());
END
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_guard();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_anchors_append_only BEFORE UPDATE OR DELETE ON audit_anchors
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_anchors_no_truncate BEFORE TRUNCATE ON audit_anchors
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
)sql";

}  // namespace sg::storage
