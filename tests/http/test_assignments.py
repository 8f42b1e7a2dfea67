"""Audit assignments: what an auditor reads is exactly what their current assignments grant.

Each test module gets its own database and server (with the shared registry of registry_data),
so the assignments made here never change what other modules' auditor sees.
"""

from __future__ import annotations

import datetime
import json
import time
from typing import Callable, Iterator

import pytest

import registry_data as data
from sg_http import PASSWORD, Client, Database, Server, add_user, migrate, run_cli

AUDITOR = "assigned.auditor@audit.gov.tw"
KEYS = {"agencies": "code", "vendors": "tax_id", "systems": "system_id",
        "contracts": "contract_id"}


class World:
    def __init__(self, database: Database, server: Server) -> None:
        self.database = database
        self.server = server
        self.authority = Client(server.base_url).signed_in(data.USERS["authority"][0])
        self.auditor = Client(server.base_url).signed_in(AUDITOR)

    def assign(self, *args: str, changes: bool = True) -> str:
        before = self.seen("contracts")
        done = run_cli("audit-assignment", "add", "--db", self.database.url, "--auditor", AUDITOR,
                       *args)
        assert done.returncode == 0, done.stdout + done.stderr
        if changes:
            self.settle(before)
        return done.stdout.split()[-1].rstrip(".")

    def revoke(self, assignment: str, changes: bool = True) -> None:
        before = self.seen("contracts")
        done = run_cli("audit-assignment", "revoke", "--db", self.database.url, assignment)
        assert done.returncode == 0, done.stdout + done.stderr
        if changes:
            self.settle(before)

    def settle(self, before: set[str]) -> None:
        """A PostgreSQL server hears of another process's commit through LISTEN, asynchronously
        (normally within a millisecond); a SQLite server reads it with the next request."""
        deadline = time.monotonic() + 3
        while self.seen("contracts") == before and time.monotonic() < deadline:
            time.sleep(0.01)

    def seen(self, collection: str) -> set[str]:
        body = self.auditor.ok("GET", f"/api/v1/{collection}", per_page=200)
        return {item[KEYS[collection]] for item in body["items"]}

    def id_of(self, collection: str, key: str) -> str:
        found = self.authority.find(collection, KEYS[collection], key)
        assert found, key
        return str(found["id"])


@pytest.fixture(scope="module")
def world(make_database: Callable[[], Database],
          start_server: Callable[..., Server]) -> Iterator[World]:
    database = make_database()
    migrate(database.url)
    email, role, agency, vendor = data.USERS["authority"]
    add_user(database.url, email, role, agency, vendor)
    add_user(database.url, AUDITOR, "auditor")
    server = start_server(database.url)
    authority = Client(server.base_url).signed_in(email)
    for kind, rows in (("agencies", data.AGENCIES), ("vendors", data.VENDORS),
                       ("systems", data.SYSTEMS), ("contracts", data.CONTRACTS)):
        report = authority.imported(kind, data.csv_of(rows), filename=f"{kind}.csv")
        assert report["created"] == len(rows) - 1, report
    yield World(database, server)


def test_an_auditor_without_assignment_reads_nothing(world):
    for collection in KEYS:
        assert world.seen(collection) == set()


def test_a_sampled_contract_grants_its_vendor_systems_and_agency_read_only(world):
    assignment = world.assign("--vendor", data.V3, "--contract", "C-201")
    try:
        assert world.seen("contracts") == {"C-201"}
        assert world.seen("systems") == {"S-A0200-1", "S-A0200-2"}
        assert world.seen("agencies") == {"A0200"}
        assert world.seen("vendors") == {data.V3}
        # The vendor's other contract is not part of the assignment: 404 as if it did not exist.
        other = world.auditor.get(f"/api/v1/contracts/{world.id_of('contracts', 'C-103')}")
        missing = world.auditor.get("/api/v1/contracts/999999999")
        assert other.status == missing.status == 404
        assert (other.error["code"], other.error["message"]) == \
            (missing.error["code"], missing.error["message"])
        # Readable but not writable: 403, and nothing changes.
        contract_id = world.id_of("contracts", "C-201")
        before = world.authority.ok("GET", f"/api/v1/contracts/{contract_id}")
        refused = world.auditor.patch(f"/api/v1/contracts/{contract_id}", {"title": "changed"})
        assert refused.status == 403, refused
        assert world.auditor.delete(f"/api/v1/contracts/{contract_id}").status == 403
        assert world.authority.ok("GET", f"/api/v1/contracts/{contract_id}") == before
        # Aggregates are not part of an assignment.
        assert world.auditor.ok("GET", "/api/v1/reports/concentration")["items"] == []
        # History of a readable record is readable; of another, 404.
        assert world.auditor.get(f"/api/v1/contracts/{contract_id}/history").status == 200
        assert world.auditor.get(
            f"/api/v1/contracts/{world.id_of('contracts', 'C-103')}/history").status == 404
        # Lists and searches keep to the assignment too.
        hidden = {"agencies": ["A0100", "A0101"], "vendors": [data.V1, data.V5],
                  "systems": ["S-A0100-1", "S-A0101-1"], "contracts": ["C-103", "C-202"]}
        for collection, keys in hidden.items():
            listed = world.auditor.get(f"/api/v1/{collection}", per_page=200)
            assert listed.status == 200
            for key in keys:
                assert key not in listed.text, (collection, key)
                assert world.auditor.list(collection, q=key)["total"] == 0
    finally:
        world.revoke(assignment)
    for collection in KEYS:
        assert world.seen(collection) == set(), collection


def test_an_assignment_without_contracts_covers_all_of_the_vendors_contracts(world):
    assignment = world.assign("--vendor", data.V3)
    try:
        assert world.seen("contracts") == {"C-103", "C-201"}
        assert world.seen("agencies") == {"A0100", "A0200"}
        assert world.seen("vendors") == {data.V3}
    finally:
        world.revoke(assignment)


def test_an_assignment_counts_only_between_its_dates(world):
    today = datetime.date.today()
    past = world.assign("--vendor", data.V5, "--from", str(today - datetime.timedelta(days=30)),
                        "--until", str(today - datetime.timedelta(days=2)), changes=False)
    future = world.assign("--vendor", data.V5, "--from", str(today + datetime.timedelta(days=2)),
                          changes=False)
    current = world.assign("--vendor", data.V3, "--contract", "C-103")
    try:
        # The current assignment shows (so the server has seen all three); the others add nothing.
        assert world.seen("contracts") == {"C-103"}
    finally:
        for assignment in (past, future):
            world.revoke(assignment, changes=False)
        world.revoke(current)


def test_the_cli_refuses_bad_assignments_with_reasons_and_writes_nothing(world):
    before = run_cli("audit-assignment", "list", "--db", world.database.url).stdout
    cases = [
        (["--vendor", "12345678"], "vendor"),
        (["--vendor", data.V3, "--contract", "C-101"], "contracts"),
        (["--vendor", data.V3, "--contract", "C-NOPE"], "contracts"),
        (["--vendor", data.V3, "--from", "2026-05-01", "--until", "2026-04-01"], "until"),
        (["--vendor", data.V3, "--from", "tomorrow"], "from"),
    ]
    for args, field in cases:
        done = run_cli("audit-assignment", "add", "--db", world.database.url, "--auditor",
                       AUDITOR, *args)
        assert done.returncode != 0, args
        assert field in done.stderr, (args, done.stderr)
    done = run_cli("audit-assignment", "add", "--db", world.database.url, "--auditor",
                   data.USERS["authority"][0], "--vendor", data.V3)
    assert done.returncode != 0 and "auditor" in done.stderr
    assert run_cli("audit-assignment", "list", "--db", world.database.url).stdout == before
    assert run_cli("audit-assignment", "revoke", "--db", world.database.url,
                   "999999").returncode != 0


def test_assignments_are_listed_and_audit_logged(world):
    assignment = world.assign("--vendor", data.V3, "--contract", "C-103", "--until", "2099-12-31")
    world.revoke(assignment)
    listed = [json.loads(line) for line in
              run_cli("audit-assignment", "list", "--db", world.database.url).stdout.splitlines()]
    mine = next(item for item in listed if str(item["id"]) == assignment)
    assert mine["auditor"] == AUDITOR and mine["vendor_tax_id"] == data.V3
    assert mine["contracts"] == ["C-103"] and mine["until"] == "2099-12-31"
    assert mine["revoked_at"]
    entries = world.authority.ok("GET", "/api/v1/audit-log", per_page=500)["items"]
    actions = {(entry["action"], entry["object_id"]) for entry in entries}
    assert ("audit_assignment.create", assignment) in actions
    assert ("audit_assignment.revoke", assignment) in actions
