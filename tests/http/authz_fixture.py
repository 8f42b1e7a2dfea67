"""The world of the authorisation matrix (test_authz_matrix.py): a registry of two agency trees and
four vendors, users of every role, their sessions and tokens, a canary string in every name, and
a model of who may see and write what (../shared/API.md, DESIGN.md, storage/registry_store.cpp
ScopeFragment), against which every answer is checked.

    AX0 ─ AX1                    AY0 ─ AY1
                                     └ AYD (deleted)

    contract  agency  vendor  dates                  systems   subcontractors
    CX0       AX0     VA      in force               SX0       VS
    CX1       AX1     VA      in force               SX1       -
    CX1R      AX1     VA      ended 30 days ago      SX1R      -
    CX1O      AX1     VA      2005 → 2010            SX1O      -
    CX1F      AX1     VA      starts in 30 days      SX1F      -
    CXD       AX0     VB      in force, deleted      SX0       -
    CY0       AY0     VB      in force               SY0       -
    CY1       AY1     VB      in force               SY1       VS
    CYD       AY1     VA      in force, deleted      SY1       -

    SX1U (AX1) is on no contract; SXD (AX0) and SYD (AY0) are deleted; VN has no contract.
    Vendor graph: VA and VB both name VS as a subcontractor.

Every record's name (title) carries its own canary `CANARY-<tenant>-<12 hex>`; every user's
e-mail, the User-Agent of their session and the names of their tokens carry a user canary. A
canary found in an answer to a caller who may not see its owner is a leak.

Vulnerabilities (issue 4): the advisory SG-MATRIX-0001 (alias CVE-2031-41001) affects the Go
package example.com/matrix/vulnerable before 2.0.0; SG-MATRIX-0002 affects a package no system
has. Every live system gets, from the authority, a CycloneDX SBOM of its own (subject, a component
name and a supplier carry the system's canary) holding the vulnerable package: one finding per
system, and alerts to the owning agency and to the vendors and subcontractors of the contracts in
force that cover it (SX0: AX0, VA, VS; SX1: AX1, VA; SY0: AY0, VB; SY1: AY1, VB, VS; SX1R, SX1O,
SX1F, SX1U: their agency only); the authority sees the agencies' copies.
"""

from __future__ import annotations

import datetime
import json
import re
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from sg_http import (PASSWORD, Client, Database, Server, binary, csv_text, fresh_tax_ids,
                     migrate, run_cli)

TAIWAN = datetime.timezone(datetime.timedelta(hours=8))
COLLECTIONS = ("agencies", "vendors", "systems", "contracts")
KEY_FIELD = {"agencies": "code", "vendors": "tax_id", "systems": "system_id",
             "contracts": "contract_id"}
NAME_FIELD = {"agencies": "name", "vendors": "name", "systems": "name", "contracts": "title"}
CANARY_PATTERN = re.compile(r"canary-[a-z0-9]+-[0-9a-f]{12}")
LEVELS = {"confidentiality": "normal", "integrity": "normal", "availability": "normal",
          "legal": "normal"}
NONEXISTENT_ID = "987654321"
ADVISORY_ID = "SG-MATRIX-0001"
ADVISORY_CVE = "CVE-2031-41001"
SPARE_ADVISORY_ID = "SG-MATRIX-0002"      # affects a package no SBOM has
MATRIX_PACKAGE = "example.com/matrix/vulnerable"
MATRIX_LICENSES = {"MIT", "Apache-2.0"}
CYCLONEDX_JSON = "application/vnd.cyclonedx+json"
AGENCY_ROLES = ("agency_ciso", "agency_officer")


def today() -> datetime.date:
    """The server's "today": the date in Taiwan."""
    return datetime.datetime.now(TAIWAN).date()


def new_canary(tenant: str) -> str:
    return f"CANARY-{tenant}-{uuid.uuid4().hex[:12].upper()}"


# ------------------------------------------------------------------------------------------------
# Records and users


@dataclass
class Rec:
    """A registry record of the fixture, as the model knows it."""

    collection: str
    key: str
    canary: str
    fields: dict[str, Any]           # the record's fields as sent (import or create)
    deleted: bool = False
    id: str = ""                     # the server's id
    tenant: str = ""                 # label inside the canary

    @property
    def name(self) -> str:
        return self.fields[NAME_FIELD[self.collection]]

    @property
    def agency(self) -> str | None:
        """The owning agency: the agency itself, a system's or contract's agency_code."""
        if self.collection == "agencies":
            return self.key
        return self.fields.get("agency_code")

    def label(self) -> str:
        return f"{self.collection}/{self.key}" + (" (deleted)" if self.deleted else "")


@dataclass
class User:
    name: str                        # the fixture's name for it, e.g. "x0_officer"
    role: str
    agency: str | None = None
    vendor: str | None = None
    tenant_admin: bool = False
    active: bool = True              # signs in; passive users are only targets
    assignment: tuple[str, list[str]] | None = None   # auditor: (vendor key, contract keys)
    email: str = ""
    canary: str = ""                 # the canary in the e-mail (lower case)
    id: str = ""
    client: Client | None = None
    ua_canary: str = ""
    token_canary: str = ""
    read_token: str = ""
    read_token_id: str = ""
    admin_token: str = ""
    sboms_token: str = ""            # scope sboms:write
    session_id: str = ""

    @property
    def tenant_label(self) -> str:
        if self.role == "authority":
            return "authority"
        if self.agency:
            return f"agency:{self.agency}"
        if self.vendor:
            return f"vendor:{self.vendor}"
        return ""

    @property
    def is_admin(self) -> bool:
        return self.role == "authority" or (self.tenant_admin and bool(self.agency or self.vendor))


@dataclass
class Owner:
    """Whose a canary is: a record's or a user's."""

    record: Rec | None = None
    user: User | None = None

    def describe(self) -> str:
        if self.record:
            return f"record {self.record.label()}"
        assert self.user
        return f"user {self.user.name} <{self.user.email}>"


@dataclass
class Notification:
    """An alert of the fixture's SBOM uploads, addressed to one agency or one vendor."""

    id: str
    system: str                      # system key
    agency: str | None = None        # agency key (recipient "agency")
    vendor: str | None = None        # vendor tax id (recipient "vendor")
    to: str = ""                     # the recipient as the fixture names it (AX0, VA, …)

    @property
    def recipient(self) -> str:
        return "agency" if self.agency else "vendor"

    def label(self) -> str:
        return f"alert {self.id} of {self.system} to {self.to}"


# ------------------------------------------------------------------------------------------------
# SBOMs and advisories of the fixture


def private_package(system: Rec) -> str:
    """A Go package only `system` has (no canary: GET /packages repeats the name asked for)."""
    return f"example.com/{system.key.lower()}/private"


def sbom_document(system: Rec | None) -> bytes:
    """The fixture's CycloneDX SBOM of `system` (None: a document of no one, without canaries):
    the vulnerable package and a private one, with licences and suppliers."""
    key = system.key if system else "NOBODY"
    tag = f" {system.canary}" if system else ""
    private = private_package(system) if system else "example.com/nobody/private"
    document = {
        "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
        "metadata": {"component": {"type": "application", "name": f"System {key}{tag}",
                                   "version": "1.0.0"}},
        "components": [
            {"type": "library", "bom-ref": "vulnerable", "name": MATRIX_PACKAGE,
             "version": "v1.0.0", "purl": f"pkg:golang/{MATRIX_PACKAGE}@v1.0.0",
             "supplier": {"name": f"Matrix supplier{tag}"},
             "licenses": [{"license": {"id": "MIT"}}]},
            {"type": "library", "bom-ref": "private", "name": f"Private module{tag}",
             "version": "v0.1.0", "purl": f"pkg:golang/{private}@v0.1.0",
             "licenses": [{"license": {"id": "Apache-2.0"}}]},
        ]}
    return json.dumps(document, ensure_ascii=False, sort_keys=True).encode("utf-8")


SBOM_COMPONENTS = 2


def osv_records() -> list[dict]:
    common = {"schema_version": "1.6.0", "modified": "2026-01-01T00:00:00Z",
              "published": "2026-01-01T00:00:00Z",
              "severity": [{"type": "CVSS_V3",
                            "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]}
    events = [{"introduced": "0"}, {"fixed": "2.0.0"}]
    return [
        {**common, "id": ADVISORY_ID, "aliases": [ADVISORY_CVE],
         "summary": "Authorisation matrix test flaw",
         "affected": [{"package": {"ecosystem": "Go", "name": MATRIX_PACKAGE},
                       "ranges": [{"type": "SEMVER", "events": events}]}]},
        {**common, "id": SPARE_ADVISORY_ID, "aliases": [],
         "summary": "Authorisation matrix test flaw of no one",
         "affected": [{"package": {"ecosystem": "Go", "name": "example.com/matrix/absent"},
                       "ranges": [{"type": "SEMVER", "events": events}]}]},
    ]


# ------------------------------------------------------------------------------------------------
# The world


def audit_assignment_cli() -> tuple[bool, str]:
    """Whether `supplyguard audit-assignment add` exists (the lead builds it in parallel)."""
    try:
        done = subprocess.run([binary(), "audit-assignment", "add", "--help"],
                              capture_output=True, text=True, timeout=30)
    except OSError as error:
        return False, str(error)
    text = done.stdout + done.stderr
    if done.returncode == 0 and "--auditor" in text and "--vendor" in text:
        return True, ""
    return False, ("`supplyguard audit-assignment add --help` does not offer --auditor/--vendor: "
                   "audit assignments are not in this binary yet")


class World:
    """A running server of one backend with the fixture loaded and every user signed in."""

    def __init__(self, backend: str, database: Database, server: Server) -> None:
        self.backend = backend
        self.database = database
        self.server = server
        self.base_url = server.base_url
        self.records: dict[tuple[str, str], Rec] = {}
        self.users: dict[str, User] = {}
        self.canaries: dict[str, Owner] = {}
        self.today = today()
        self.assignments_available, self.assignments_reason = audit_assignment_cli()
        self.routes_hit: set[str] = set()
        self.callers_done: set[str] = set()
        self.request_count = 0
        self.authority: Client = Client(self.base_url)
        self.openapi: dict = {}
        self.tax: dict[str, str] = {}          # VA, VB, VS, VN → tax id
        self.tax_tenant: dict[str, str] = {}   # tax id → VA, VB, VS, VN
        self.baseline: dict[tuple[str, str], dict] = {}   # the authority's view of the registry
        self.authority_seen: set[str] = set()
        self.authority_expected: set[str] = set()
        self.started = 0.0
        # Vulnerabilities: per system key, its SBOM ids (the fixture's first, then the versions
        # the matrix uploaded), its fixture document and its finding's id; the alerts; and who
        # (user names) uploaded or decided something on the system.
        self.sboms: dict[str, list[str]] = {}
        self.sbom_docs: dict[str, bytes] = {}
        self.findings: dict[str, str] = {}
        self.notifications: list[Notification] = []
        self.notification_problems: list[str] = []
        self.actors: dict[str, set[str]] = {}

    # Canaries --------------------------------------------------------------------------------
    def register(self, canary: str, owner: Owner) -> None:
        self.canaries[canary.lower()] = owner

    def leaks(self, caller: User, text: str, tolerated: frozenset[str] = frozenset()
              ) -> list[tuple[str, str]]:
        """(canary, owner) of every canary in `text` that `caller` may not see (`tolerated`:
        canaries this answer may carry whoever asks, see actor_canaries)."""
        found = []
        for canary in set(CANARY_PATTERN.findall(text.lower())):
            if canary in tolerated:
                continue
            owner = self.canaries.get(canary)
            if owner is None:
                found.append((canary, "an unregistered canary"))
            elif not self.may_see_canary(caller, owner):
                found.append((canary, owner.describe()))
        return found

    # The model: reads ---------------------------------------------------------------------------
    def rec(self, collection: str, key: str) -> Rec:
        return self.records[(collection, key)]

    def live(self, collection: str) -> list[Rec]:
        return [r for (c, _), r in self.records.items() if c == collection and not r.deleted]

    def subtree(self, code: str) -> set[str]:
        """An agency and every agency under it (deleted ones included: they own nothing)."""
        found = {code}
        changed = True
        while changed:
            changed = False
            for agency in (r for (c, _), r in self.records.items() if c == "agencies"):
                if agency.fields.get("parent_code") in found and agency.key not in found:
                    found.add(agency.key)
                    changed = True
        return found

    def vendor_contracts(self, tax_id: str) -> list[Rec]:
        """Live contracts of a vendor, as main contractor or named subcontractor, any dates."""
        return [c for c in self.live("contracts")
                if c.fields["vendor_tax_id"] == tax_id
                or tax_id in c.fields.get("subcontractor_tax_ids", [])]

    def date_of(self, text: str) -> datetime.date:
        return datetime.date.fromisoformat(text)

    def auditor_contracts(self, user: User) -> list[Rec]:
        if not user.assignment or not self.assignments_available:
            return []
        vendor, listed = user.assignment
        return [c for c in self.live("contracts")
                if c.fields["vendor_tax_id"] == vendor and (not listed or c.key in listed)]

    def visible(self, user: User, rec: Rec) -> bool:
        """Whether `user` reads `rec` (a live record) through the API."""
        if rec.deleted:
            return False
        if user.role == "authority":
            return True
        if user.role in ("agency_ciso", "agency_officer"):
            tree = self.subtree(user.agency)
            if rec.collection in ("agencies", "systems", "contracts"):
                return rec.agency in tree
            return any(c.agency in tree and (c.fields["vendor_tax_id"] == rec.key
                                             or rec.key in c.fields.get(
                                                 "subcontractor_tax_ids", []))
                       for c in self.live("contracts"))
        if user.role == "vendor":
            contracts = self.vendor_contracts(user.vendor)
            if rec.collection == "vendors":
                return rec.key == user.vendor
            if rec.collection == "contracts":
                return rec in contracts
            if rec.collection == "agencies":
                return any(c.agency == rec.key for c in contracts)
            window = self.today - datetime.timedelta(days=90)
            return any(rec.key in c.fields.get("system_ids", [])
                       and self.date_of(c.fields["start_date"]) <= self.today
                       and self.date_of(c.fields["end_date"]) >= window for c in contracts)
        if user.role == "auditor":
            contracts = self.auditor_contracts(user)
            if not contracts:
                return False
            if rec.collection == "vendors":
                return rec.key == user.assignment[0]
            if rec.collection == "contracts":
                return rec in contracts
            if rec.collection == "agencies":
                return any(c.agency == rec.key for c in contracts)
            return any(rec.key in c.fields.get("system_ids", []) for c in contracts)
        return False

    def may_see_record_canary(self, user: User, rec: Rec) -> bool:
        if user.role == "authority":
            return True
        if not rec.deleted:
            return self.visible(user, rec)
        # A deleted record's name is its own tenant's business (the audit log of a tenant admin
        # shows what the tenant's users created and deleted); no one else's.
        if user.role in ("agency_ciso", "agency_officer") and rec.collection != "vendors":
            return rec.agency in self.subtree(user.agency)
        if user.role == "vendor" and rec.collection == "vendors":
            return rec.key == user.vendor
        return False

    def may_see_user(self, viewer: User, user: User) -> bool:
        if viewer.role == "authority" or viewer is user:
            return True
        if not viewer.is_admin:
            return False
        if viewer.agency:
            return user.agency == viewer.agency
        return bool(viewer.vendor) and user.vendor == viewer.vendor

    def may_see_canary(self, viewer: User, owner: Owner) -> bool:
        if owner.record:
            return self.may_see_record_canary(viewer, owner.record)
        return self.may_see_user(viewer, owner.user)

    # The model: writes ---------------------------------------------------------------------------
    def may_write(self, user: User, rec: Rec) -> bool:
        """PATCH rights on a record the user reads (API.md, "Who may write what")."""
        if user.role == "authority":
            return True
        if user.role in ("agency_ciso", "agency_officer"):
            return rec.collection in ("systems", "contracts") and rec.agency == user.agency
        if user.role == "vendor":
            return rec.collection == "vendors" and rec.key == user.vendor
        return False

    def may_delete(self, user: User, rec: Rec) -> bool:
        # A vendor edits its profile but does not delete its company.
        return self.may_write(user, rec) and user.role != "vendor"

    def may_create(self, user: User, collection: str, agency: str | None) -> bool:
        if user.role == "authority":
            return True
        if user.role in ("agency_ciso", "agency_officer"):
            return collection in ("systems", "contracts") and agency == user.agency
        return False

    def concentration(self, user: User, as_of: datetime.date,
                      agency: str | None) -> dict[str, dict[str, int]] | None:
        """The concentration rows the user should get. Auditors get none: an audit assignment
        grants its records, not aggregates (tests/http/test_assignments.py)."""
        if user.role == "auditor":
            return {}
        contracts = []
        for c in self.live("contracts"):
            if not (self.date_of(c.fields["start_date"]) <= as_of
                    <= self.date_of(c.fields["end_date"])):
                continue
            if user.role in ("agency_ciso", "agency_officer"):
                if c.agency not in self.subtree(user.agency):
                    continue
            elif user.role == "vendor":
                if c not in self.vendor_contracts(user.vendor):
                    continue
            elif user.role != "authority":
                continue
            if agency and c.agency not in self.subtree(agency):
                continue
            contracts.append(c)
        rows: dict[str, dict[str, Any]] = {}

        def row(tax_id: str) -> dict[str, Any]:
            return rows.setdefault(tax_id, {"agencies": set(), "systems": set(), "core": set(),
                                            "amount": 0, "sub_agencies": set(),
                                            "sub_systems": set()})

        for c in contracts:
            main = row(c.fields["vendor_tax_id"])
            main["agencies"].add(c.agency)
            main["amount"] += int(c.fields["amount"])
            for system in c.fields.get("system_ids", []):
                main["systems"].add(system)
                if self.rec("systems", system).fields.get("core"):
                    main["core"].add(system)
            for sub in c.fields.get("subcontractor_tax_ids", []):
                counts = row(sub)
                counts["sub_agencies"].add(c.agency)
                counts["sub_systems"].update(c.fields.get("system_ids", []))
        if user.role == "vendor":
            rows = {k: v for k, v in rows.items() if k == user.vendor}
        return {k: {"agencies": len(v["agencies"]), "systems": len(v["systems"]),
                    "core_systems": len(v["core"]), "amount": v["amount"],
                    "subcontract_agencies": len(v["sub_agencies"]),
                    "subcontract_systems": len(v["sub_systems"])} for k, v in rows.items()}

    # The model: SBOMs, findings and alerts (vulnerability_service.cpp) ------------------------
    def in_force_vendors(self, system: Rec) -> list[str]:
        """Tax ids of the vendors and named subcontractors of live contracts in force today that
        cover `system`, in the server's id order (the order of their alerts)."""
        found = set()
        for c in self.live("contracts"):
            if (system.key in c.fields.get("system_ids", [])
                    and self.date_of(c.fields["start_date"]) <= self.today
                    <= self.date_of(c.fields["end_date"])):
                found.add(c.fields["vendor_tax_id"])
                found.update(c.fields.get("subcontractor_tax_ids", []))
        return sorted(found, key=lambda tax_id: int(self.rec("vendors", tax_id).id))

    def may_write_sboms(self, user: User, system: Rec) -> bool | None:
        """Upload, triage, VEX import on `system`: None when the caller does not read it (404),
        False when it reads but may not write (403), True when it may."""
        if not self.visible(user, system):
            return None
        if user.role == "authority" or user.role in AGENCY_ROLES:
            return True
        if user.role == "vendor":
            return user.vendor in self.in_force_vendors(system)
        return False

    def notification_visible(self, user: User, alert: Notification) -> bool:
        """Every alert goes to the owning agency, with a copy to each vendor in force; the
        authority sees the agency's copies (which stand for the alerts), not the vendors'."""
        if user.role == "authority":
            return alert.agency is not None
        if user.role in AGENCY_ROLES:
            return alert.agency is not None and alert.agency in self.subtree(user.agency)
        if user.role == "vendor":
            return alert.vendor is not None and alert.vendor == user.vendor
        return False

    def acted(self, user: User, system_key: str) -> None:
        self.actors.setdefault(system_key, set()).add(user.name)

    def actor_canaries(self, *system_keys: str) -> frozenset[str]:
        """The e-mail canaries of the users who uploaded SBOMs of, or decided findings of, these
        systems. The server names the uploader (`uploaded_by`) and the decider (`history[].by`)
        to every reader of the system, as record histories name `user_email`: the matrix
        tolerates those e-mails in the answers that carry them, and no others."""
        names = set()
        for key in system_keys:
            names |= self.actors.get(key, set())
        return frozenset(self.users[n].canary for n in names if self.users[n].canary)

    # Authority look-ups (never checked for canaries: the authority sees everything) --------------
    def authority_find(self, collection: str, key: str) -> dict | None:
        response = self.authority.get(f"/api/v1/{collection}", **{KEY_FIELD[collection]: key})
        assert response.status == 200, response
        items = response.json()["items"]
        return items[0] if items else None

    def authority_user(self, email: str) -> dict | None:
        response = self.authority.get("/api/v1/users", q=email, per_page=500)
        assert response.status == 200, response
        found = [u for u in response.json()["items"] if u["email"] == email]
        return found[0] if found else None

    def restore_record(self, rec: Rec) -> None:
        """Puts a fixture record back as the fixture made it (after a write that should have
        been refused changed it)."""
        current = self.authority_find(rec.collection, rec.key)
        fields = json_fields(rec.collection, rec.fields)
        if current is None and not rec.deleted:
            self.authority.post(f"/api/v1/{rec.collection}", fields)
            current = self.authority_find(rec.collection, rec.key)
        if current is None:
            return
        self.authority.patch(f"/api/v1/{rec.collection}/{current['id']}", fields)
        if rec.deleted:
            self.authority.delete(f"/api/v1/{rec.collection}/{current['id']}")


# ------------------------------------------------------------------------------------------------
# Building it


def _day(offset: int) -> str:
    return (today() + datetime.timedelta(days=offset)).isoformat()


IN_FORCE = ("2020-01-01", "2099-12-31")


def registry_spec(tax: dict[str, str]) -> dict[str, list[tuple[str, str, dict, bool]]]:
    """(key, tenant, fields without the name, deleted) per collection, in import order."""
    va, vb, vs, vn = tax["VA"], tax["VB"], tax["VS"], tax["VN"]
    agencies = [
        ("AX0", "AX0", {"parent_code": "", "level": "A", "kind": "central"}, False),
        ("AX1", "AX1", {"parent_code": "AX0", "level": "B", "kind": "central"}, False),
        ("AY0", "AY0", {"parent_code": "", "level": "A", "kind": "local"}, False),
        ("AY1", "AY1", {"parent_code": "AY0", "level": "C", "kind": "local"}, False),
        ("AYD", "AYD", {"parent_code": "AY0", "level": "E", "kind": "local"}, True),
    ]
    vendors = [
        (va, "VA", {"prc_capital": False, "subcontractors": [vs]}, False),
        (vb, "VB", {"prc_capital": False, "subcontractors": [vs]}, False),
        (vs, "VS", {"prc_capital": False, "subcontractors": []}, False),
        (vn, "VN", {"prc_capital": True, "subcontractors": []}, False),
    ]

    def system(agency: str, core: bool = False) -> dict:
        return {"agency_code": agency, **LEVELS, "core": core, "ci": False}

    systems = [
        ("SX0", "AX0", system("AX0", core=True), False),
        ("SX1", "AX1", system("AX1"), False),
        ("SX1R", "AX1", system("AX1"), False),
        ("SX1O", "AX1", system("AX1", core=True), False),
        ("SX1F", "AX1", system("AX1"), False),
        ("SX1U", "AX1", system("AX1"), False),
        ("SXD", "AX0", system("AX0"), True),
        ("SY0", "AY0", system("AY0", core=True), False),
        ("SY1", "AY1", system("AY1"), False),
        ("SYD", "AY0", system("AY0"), True),
    ]

    def contract(agency: str, vendor: str, dates: tuple[str, str], systems_: list[str],
                 amount: int, subs: list[str] = ()) -> dict:
        return {"agency_code": agency, "vendor_tax_id": vendor, "service_type":
                "system_maintenance", "amount": amount, "start_date": dates[0],
                "end_date": dates[1], "system_ids": list(systems_),
                "subcontractor_tax_ids": list(subs)}

    contracts = [
        ("CX0", "AX0", contract("AX0", va, IN_FORCE, ["SX0"], 1_000_000, [vs]), False),
        ("CX1", "AX1", contract("AX1", va, IN_FORCE, ["SX1"], 200_000), False),
        ("CX1R", "AX1", contract("AX1", va, ("2019-01-01", _day(-30)), ["SX1R"], 30_000), False),
        ("CX1O", "AX1", contract("AX1", va, ("2005-01-01", "2010-12-31"), ["SX1O"], 4_000),
         False),
        ("CX1F", "AX1", contract("AX1", va, (_day(30), "2099-12-31"), ["SX1F"], 500), False),
        ("CXD", "AX0", contract("AX0", vb, IN_FORCE, ["SX0"], 60), True),
        ("CY0", "AY0", contract("AY0", vb, IN_FORCE, ["SY0"], 7_000_000), False),
        ("CY1", "AY1", contract("AY1", vb, IN_FORCE, ["SY1"], 800_000, [vs]), False),
        ("CYD", "AY1", contract("AY1", va, IN_FORCE, ["SY1"], 9), True),
    ]
    return {"agencies": agencies, "vendors": vendors, "systems": systems,
            "contracts": contracts}


CSV_COLUMNS = {
    "agencies": ["code", "name", "parent_code", "level", "kind"],
    "vendors": ["tax_id", "name", "prc_capital", "subcontractors"],
    "systems": ["agency_code", "system_id", "name", "confidentiality", "integrity",
                "availability", "legal", "core", "ci"],
    "contracts": ["contract_id", "agency_code", "vendor_tax_id", "title", "service_type",
                  "amount", "start_date", "end_date", "system_ids", "subcontractor_tax_ids"],
}


def csv_cell(value: Any) -> str:
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, list):
        return ";".join(value)
    return "" if value is None else str(value)


def csv_of(collection: str, rows: list[dict]) -> str:
    columns = CSV_COLUMNS[collection]
    return csv_text([columns] + [[csv_cell(row.get(column)) for column in columns]
                                 for row in rows])


def json_fields(collection: str, fields: dict) -> dict:
    """The fields as the JSON API takes them."""
    out = dict(fields)
    if collection == "agencies" and not out.get("parent_code"):
        out["parent_code"] = None
    return out


# Users: (name, role, agency key, vendor key, tenant_admin, active, assignment)
USER_SPEC = [
    ("authority", "authority", None, None, False, True, None),
    ("x0_ciso", "agency_ciso", "AX0", None, False, True, None),
    ("x0_officer", "agency_officer", "AX0", None, False, True, None),
    ("x0_admin", "agency_officer", "AX0", None, True, True, None),
    ("x1_officer", "agency_officer", "AX1", None, False, True, None),
    ("y0_admin", "agency_ciso", "AY0", None, True, True, None),
    ("y1_officer", "agency_officer", "AY1", None, False, True, None),
    ("va_vendor", "vendor", None, "VA", False, True, None),
    ("va_admin", "vendor", None, "VA", True, True, None),
    ("vs_vendor", "vendor", None, "VS", False, True, None),
    ("vb_admin", "vendor", None, "VB", True, True, None),
    ("auditor", "auditor", None, None, False, True, None),
    ("auditor_va", "auditor", None, None, False, True, ("VA", ["CX1"])),
    ("auditor_vb", "auditor", None, None, False, True, ("VB", [])),
    # Passive targets of the user-administration routes: they never sign in.
    ("t_authority", "authority", None, None, False, False, None),
    ("t_auditor", "auditor", None, None, False, False, None),
    ("t_x0", "agency_officer", "AX0", None, False, False, None),
    ("t_x1", "agency_officer", "AX1", None, False, False, None),
    ("t_y0", "agency_ciso", "AY0", None, False, False, None),
    ("t_va", "vendor", None, "VA", False, False, None),
    ("t_vs", "vendor", None, "VS", False, False, None),
    ("t_vb", "vendor", None, "VB", False, False, None),
]
CALLERS = [spec[0] for spec in USER_SPEC if spec[5]]
AUTHORITY_EMAIL = "authority@matrix.test"
TOKEN_EXPIRY = (datetime.datetime.now(datetime.timezone.utc)
                + datetime.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")


def tenant_tag(user_spec: tuple) -> str:
    name, role, agency, vendor = user_spec[:4]
    return (agency or vendor or ("auth" if role == "authority" else "aud")).lower()


def sign_in(world: World, user: User) -> Client:
    """A new session of `user`, its User-Agent carrying the user's canary."""
    client = Client(world.base_url)
    response = client.request("POST", "/api/v1/session",
                              json_body={"email": user.email, "password": PASSWORD},
                              headers={"User-Agent": f"matrix {user.ua_canary}"})
    assert response.status == 200, f"sign-in of {user.name}: {response}"
    client.csrf = response.json()["csrf_token"]
    client.user = response.json()["user"]
    return client


def build(backend: str, database: Database, start_server: Callable[..., Server]) -> World:
    migrate(database.url)
    done = run_cli("user", "add", "--db", database.url, "--email", AUTHORITY_EMAIL, "--role",
                   "authority", "--password-stdin", stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stdout + done.stderr
    server = start_server(database.url)
    world = World(backend, database, server)
    authority = world.authority.signed_in(AUTHORITY_EMAIL)
    world.openapi = authority.ok("GET", "/api/v1/openapi.json")

    # The registry, through the import API as the authority.
    tax = dict(zip(("VA", "VB", "VS", "VN"), fresh_tax_ids(4)))
    world.tax = tax
    world.tax_tenant = {v: k for k, v in tax.items()}
    spec = registry_spec(tax)
    for collection in COLLECTIONS:
        rows = []
        for key, tenant, fields, deleted in spec[collection]:
            canary = new_canary(tenant)
            name = f"{collection[:-1].title()} {key} {canary}"
            full = {KEY_FIELD[collection]: key, NAME_FIELD[collection]: name, **fields}
            rec = Rec(collection, key, canary, full, deleted=deleted, tenant=tenant)
            world.records[(collection, key)] = rec
            world.register(canary, Owner(record=rec))
            rows.append(full)
        response = authority.upload(collection, csv_of(collection, rows),
                                    filename=f"{collection}.csv")
        assert response.status == 200, f"import {collection}: {response}"
        assert response.json()["created"] == len(rows), response.json()
    for collection in COLLECTIONS:
        for item in authority.list(collection)["items"]:
            world.rec(collection, item[KEY_FIELD[collection]]).id = item["id"]
    # Deleted records: contracts first, then what they pointed at.
    for collection in ("contracts", "systems", "vendors", "agencies"):
        for rec in world.records.values():
            if rec.collection == collection and rec.deleted:
                authority.ok("DELETE", f"/api/v1/{collection}/{rec.id}", status=204)
    for rec in world.records.values():
        assert rec.id, rec.label()
    load_vulnerabilities(world, authority)

    # Users: invited by the authority, the active ones accept and sign in.
    for user_spec in USER_SPEC:
        name, role, agency, vendor, admin, active, assignment = user_spec
        user = User(name, role, agency, tax[vendor] if vendor else None, admin, active,
                    (tax[assignment[0]], assignment[1]) if assignment else None)
        world.users[name] = user
        tag = tenant_tag(user_spec)
        if name == "authority":
            user.email = AUTHORITY_EMAIL
        else:
            user.canary = new_canary(tag).lower()
            user.email = f"{user.canary}@matrix.test"
            world.register(user.canary, Owner(user=user))
        user.ua_canary = new_canary(tag)
        user.token_canary = new_canary(tag)
        world.register(user.ua_canary, Owner(user=user))
        world.register(user.token_canary, Owner(user=user))
        if name == "authority":
            user.id = authority.user["id"]
            user.client = authority
            continue
        invited = authority.ok("POST", "/api/v1/users", {
            "email": user.email, "role": role, "agency_code": agency,
            "vendor_tax_id": user.vendor, "tenant_admin": admin}, status=201)
        user.id = invited["user"]["id"]
        if active:
            token = invited["invitation"]["url"].rsplit("/", 1)[1]
            accepted = Client(world.base_url).post(f"/api/v1/invitations/{token}",
                                                   {"password": PASSWORD})
            assert accepted.status == 204, accepted
    if world.assignments_available:
        for user in world.users.values():
            if not user.assignment:
                continue
            vendor, contracts = user.assignment
            args = ["audit-assignment", "add", "--db", database.url, "--auditor", user.email,
                    "--vendor", vendor]
            for contract in contracts:
                args += ["--contract", contract]
            done = run_cli(*args)
            assert done.returncode == 0, f"audit-assignment add: {done.stdout}{done.stderr}"
    for user in world.users.values():
        if not user.active:
            continue
        if user.name != "authority":
            user.client = sign_in(world, user)
        # A read token (and an admin token for administrators), named with the user's canary.
        made = user.client.ok("POST", "/api/v1/tokens", {
            "name": f"read {user.token_canary}", "scopes": ["read"],
            "expires_at": TOKEN_EXPIRY}, status=201)
        user.read_token, user.read_token_id = made["token"], made["id"]
        if user.is_admin:
            made = user.client.ok("POST", "/api/v1/tokens", {
                "name": f"admin {user.token_canary}", "scopes": ["admin"],
                "expires_at": TOKEN_EXPIRY}, status=201)
            user.admin_token = made["token"]
        made = user.client.ok("POST", "/api/v1/tokens", {
            "name": f"ci {user.token_canary}", "scopes": ["sboms:write"],
            "expires_at": TOKEN_EXPIRY}, status=201)
        user.sboms_token = made["token"]
        sessions = user.client.ok("GET", "/api/v1/me/sessions")["items"]
        user.session_id = [s["id"] for s in sessions if s["current"]][0]
    load_vendor_alerts(world)
    return world


def load_vulnerabilities(world: World, authority: Client) -> None:
    """The advisories (CLI import), one SBOM per live system (uploaded by the authority), and
    the model of the findings and alerts they make."""
    with tempfile.TemporaryDirectory(prefix="sg-matrix-osv-") as folder:
        for record in osv_records():
            (Path(folder) / f"{record['id']}.json").write_text(json.dumps(record))
        done = run_cli("advisories", "import", folder, "--db", world.database.url)
        assert done.returncode == 0, f"advisories import: {done.stdout}{done.stderr}"
    for system in world.live("systems"):
        document = sbom_document(system)
        response = authority.request("POST", f"/api/v1/systems/{system.id}/sboms", body=document,
                                     headers={"Content-Type": CYCLONEDX_JSON})
        assert response.status == 201, f"SBOM upload to {system.label()}: {response}"
        answer = response.json()
        assert answer["components"] == SBOM_COMPONENTS and answer["findings"]["total"] == 1, \
            f"SBOM of {system.label()}: {answer}"
        world.sboms[system.key] = [answer["id"]]
        world.sbom_docs[system.key] = document
    found = authority.ok("GET", "/api/v1/findings", per_page=500)["items"]
    for item in found:
        assert item["system_key"] not in world.findings, f"two findings of {item['system_key']}"
        assert item["advisory_id"] == ADVISORY_ID, item
        world.findings[item["system_key"]] = item["id"]
    assert set(world.findings) == set(world.sboms), f"findings of {sorted(world.findings)}"
    # The alerts: the owning agency's copy, which the authority sees (vendors' copies:
    # load_vendor_alerts, once the vendors' users are signed in).
    alerts = authority.ok("GET", "/api/v1/notifications", per_page=500)["items"]
    for system in world.live("systems"):
        mine = [a for a in alerts if a["details"].get("system_key") == system.key]
        if len(mine) != 1 or mine[0]["recipient"] != "agency":
            world.notification_problems.append(
                f"the authority sees the alerts {[(a['id'], a['recipient']) for a in mine]} of "
                f"the SBOM of {system.label()}; expected one, to its agency {system.agency}")
        for alert in mine[:1]:
            world.notifications.append(Notification(alert["id"], system.key,
                                                    agency=system.agency, to=system.agency))
    if len(alerts) != len(world.notifications):
        world.notification_problems.append(
            f"the authority sees {len(alerts)} alerts after the fixture's uploads, the model "
            f"{len(world.notifications)}")


def load_vendor_alerts(world: World) -> None:
    """The vendors' copies of the fixture's alerts, as one signed-in user of each vendor sees
    them; each must be one vendor's, and each system's must go to exactly the vendors in force."""
    readers: dict[str, User] = {}
    for user in world.users.values():
        if user.active and user.role == "vendor":
            readers.setdefault(user.vendor, user)
    seen = {n.id: n for n in world.notifications}
    for tax_id, user in readers.items():
        tenant = world.tax_tenant[tax_id]
        for item in user.client.ok("GET", "/api/v1/notifications", per_page=500)["items"]:
            if item["id"] in seen:
                world.notification_problems.append(
                    f"{user.name} sees alert {item['id']}, which is {seen[item['id']].label()}")
                continue
            if item["recipient"] != "vendor":
                world.notification_problems.append(
                    f"{user.name} sees alert {item['id']} to recipient {item['recipient']}")
            alert = Notification(item["id"], item["details"].get("system_key", ""),
                                 vendor=tax_id, to=tenant)
            world.notifications.append(alert)
            seen[alert.id] = alert
    for system in world.live("systems"):
        got = sorted(world.tax_tenant[n.vendor] for n in world.notifications
                     if n.vendor and n.system == system.key)
        wanted = sorted(world.tax_tenant[v] for v in world.in_force_vendors(system))
        if got != wanted:
            world.notification_problems.append(
                f"the SBOM of {system.label()} alerted vendors {got}, expected {wanted} (the "
                f"vendors and subcontractors of the contracts in force)")
