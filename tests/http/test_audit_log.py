"""The audit log through the API and the CLI: entries for sign-ins, failures and writes, tenancy,
exports, and the hash chain's verification (and its failure after tampering)."""

from __future__ import annotations

import json
import sqlite3

import pytest

from sg_http import PASSWORD, add_user, migrate, run_cli, unique


def entries(client, **filters) -> list[dict]:
    return client.ok("GET", "/api/v1/audit-log", per_page=500, **filters)["items"]


def test_sign_ins_failures_and_writes_are_logged_without_secrets(env, authority):
    email = f"{unique('al').lower()}@audit.test"
    add_user(env.database.url, email, "auditor")
    client = env.anonymous()
    assert client.sign_in(email, "Wrong-Password-99").status == 401
    client.signed_in(email)
    failed = entries(authority, action="session.sign_in_failed", actor=email)
    assert failed and failed[0]["outcome"] == "failure"
    assert failed[0]["changes"] == {"reason": "wrongPassword"}
    signed = entries(authority, action="session.sign_in", actor=email)
    assert signed and signed[0]["source_ip"] == "127.0.0.1" and signed[0]["request_id"]
    code = unique("AL")
    created = authority.ok("POST", "/api/v1/agencies", {"code": code, "name": "Audit agency",
                                                        "level": "C", "kind": "local"},
                           status=201)
    authority.ok("PATCH", f"/api/v1/agencies/{created['id']}", {"name": "Renamed"})
    logged = entries(authority, object_type="agencies", object_id=created["id"])
    assert [entry["action"] for entry in logged] == ["record.update", "record.create"]
    assert logged[0]["changes"]["name"] == ["Audit agency", "Renamed"]
    assert logged[0]["actor_email"] == authority.user["email"]
    assert logged[0]["role"] == "authority"
    exported = authority.get("/api/v1/audit-log/export", format="jsonl")
    assert exported.status == 200
    assert PASSWORD not in exported.text and "Wrong-Password-99" not in exported.text
    lines = [json.loads(line) for line in exported.text.splitlines()]
    assert [line["seq"] for line in lines] == sorted(line["seq"] for line in lines)
    csv_export = authority.get("/api/v1/audit-log/export", format="csv")
    assert csv_export.status == 200 and csv_export.header("Content-Type").startswith("text/csv")
    assert entries(authority, action="audit_log.export")


def test_tenant_admins_see_only_their_tenants_entries_and_others_none(env, authority):
    email = f"{unique('ta').lower()}@audit.test"
    done = run_cli("user", "add", "--db", env.database.url, "--email", email, "--role",
                   "agency_ciso", "--agency", "A0101", "--tenant-admin", "--password-stdin",
                   stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stdout + done.stderr
    admin = env.anonymous().signed_in(email)
    seen = entries(admin)
    assert seen and {entry["tenant"] for entry in seen} == {"agency:A0101"}
    assert admin.get("/api/v1/audit-log/export", format="csv").status == 403
    assert admin.get("/api/v1/audit-log/verify").status == 403
    assert env.client("officer").get("/api/v1/audit-log").status == 403
    assert env.client("vendor").get("/api/v1/audit-log").status == 403


def test_the_chain_verifies_through_the_api_and_the_cli(env, authority):
    report = authority.ok("GET", "/api/v1/audit-log/verify")
    assert report["ok"] is True and report["entries"] > 0 and report["first_broken_seq"] is None
    done = run_cli("audit-log", "verify", "--db", env.database.url)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "intact" in done.stdout


def test_the_log_refuses_updates_and_deletes(env):
    if env.backend != "sqlite":
        pytest.skip("the PostgreSQL triggers are covered by the storage tests")
    path = env.database.url.removeprefix("sqlite:")
    with sqlite3.connect(path) as connection:
        for statement in ("UPDATE audit_log SET actor_email = 'x' WHERE seq = 1",
                          "DELETE FROM audit_log WHERE seq = 1"):
            with pytest.raises(sqlite3.DatabaseError):
                connection.execute(statement)


def test_verify_names_the_first_tampered_entry(make_database, start_server, backend):
    if backend != "sqlite":
        pytest.skip("tampering by hand is done on the SQLite file")
    database = make_database()
    migrate(database.url)
    add_user(database.url, "t1@audit.test", "authority")
    add_user(database.url, "t2@audit.test", "authority")
    add_user(database.url, "t3@audit.test", "authority")
    assert run_cli("audit-log", "verify", "--db", database.url).returncode == 0
    path = database.url.removeprefix("sqlite:")
    with sqlite3.connect(path) as connection:
        triggers = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")]
        for trigger in triggers:
            connection.execute(f"DROP TRIGGER {trigger}")
        connection.execute("UPDATE audit_log SET object_id = '999' WHERE seq = 2")
    done = run_cli("audit-log", "verify", "--db", database.url)
    assert done.returncode != 0
    assert "BROKEN at entry 2" in done.stdout + done.stderr
