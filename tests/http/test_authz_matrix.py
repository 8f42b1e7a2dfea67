"""The authorisation matrix (issue 3): every caller × every route × own object, another tenant's
object and a nonexistent one, with a canary in every fixture record (authz_fixture.py).

The routes come from the running server's /api/v1/openapi.json. ROUTES below is the request
recipe of each route: what to send for each caller and what the answer must be (from API.md and
DESIGN.md, through the model in authz_fixture.World). A route of the document that has no recipe
and is not in NOT_EXERCISED (with a reason) fails test_every_route_has_a_recipe; a recipe that
sent nothing fails test_every_route_was_exercised.

For every request of every caller the matrix checks that
  (a) no answer (JSON, CSV, JSON lines, error body, headers) carries a canary the caller may not
      see: a record it may not read, or a user it does not administer;
  (b) another tenant's object answers exactly as a nonexistent one (same status, same error);
  (c) a write to an object the caller reads but may not change answers 403;
  (d) refused writes change nothing (the authority re-reads the registry and the users);
and that lists (with search, sort and reverse-lookup filters), the concentration view (with and
without agency_code and as_of, JSON and CSV) and the audit log hold exactly what the model says.

SBOMs, findings, VEX, advisories and alerts (issue 4; authz_fixture.load_vulnerabilities gives
every live system one SBOM and one finding): a system's SBOMs, findings, VEX and licences, an
SBOM's detail, components, diff and document, and a finding answer 200 to the readers of the
system and one 404 to everyone else; the findings list and summary, an advisory's systems and a
package's systems hold exactly the readable systems; the alerts exactly the caller's (its agency
subtree's, its vendor's; the agencies' copies for the authority; none for auditors). Uploads,
triage and VEX imports answer 201/200 where World.may_write_sboms allows (a vendor only under a
contract in force), 403 where the caller only reads the system, 404 otherwise, and refused ones
store nothing (the authority re-counts SBOM versions and re-reads every finding). The server
names who uploaded an SBOM and who decided a finding to every reader of the system (as record
histories name `user_email`): those e-mails, and only in those answers, are tolerated
(World.actor_canaries).

Each caller's test collects all its violations into one message. The read routes are replayed
with API tokens (scope read, and admin for administrators); the SBOM and VEX uploads with an
sboms:write token, which reads nothing.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import secrets
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import pytest

from authz_fixture import (ADVISORY_CVE, ADVISORY_ID, CALLERS, CANARY_PATTERN, COLLECTIONS,
                           CYCLONEDX_JSON, KEY_FIELD, LEVELS, MATRIX_LICENSES, MATRIX_PACKAGE,
                           NAME_FIELD, NONEXISTENT_ID, SBOM_COMPONENTS, SPARE_ADVISORY_ID,
                           TOKEN_EXPIRY, Owner, Rec, User, World, build, csv_of, new_canary,
                           private_package, sbom_document, sign_in)
from sg_http import PASSWORD, Client, Response, fresh_tax_ids

HTTP_METHODS = ("get", "put", "post", "patch", "delete", "head", "options")
OTHER_TREE = {"AX0": "AY0", "AX1": "AY0", "AY0": "AX0", "AY1": "AX0"}


# ------------------------------------------------------------------------------------------------
# Cases and their runner


@dataclass
class Case:
    route: str                               # "METHOD /template" as in the OpenAPI document
    path: str
    query: dict | None = None
    body: Any = None                         # JSON body
    raw: bytes | None = None                 # or a raw body with its Content-Type
    content_type: str | None = None
    expect: frozenset[int] | None = None     # allowed statuses
    group: str | None = None                 # answers in one group must be identical
    what: str = ""
    client: Client | None = None             # default: the caller's session (or token)
    headers: dict | None = None
    check: Callable[[Response], list[str]] | None = None   # more checks of a success
    tolerate: frozenset[str] = frozenset()   # canaries this answer may carry (actors' e-mails)

    @property
    def method(self) -> str:
        return self.route.split(" ", 1)[0]


def expect(*statuses: int) -> frozenset[int]:
    return frozenset(statuses)


def route_regex(template: str) -> re.Pattern:
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")


def error_of(response: Response) -> Any:
    try:
        return response.json().get("error")
    except (ValueError, AttributeError):
        return response.body[:200]


class Ctx:
    """One caller's run: sends cases, checks every answer, collects violations."""

    def __init__(self, world: World, caller: User, token: str | None = None,
                 token_scope: str | None = None) -> None:
        self.world = world
        self.caller = caller
        self.token_scope = token_scope
        if token:
            self.default = Client(world.base_url)
            self.bearer = {"Authorization": f"Bearer {token}"}
        else:
            self.default = caller.client
            self.bearer = {}
        self.violations: list[str] = []
        self.groups: dict[str, list[tuple[str, int, Any]]] = defaultdict(list)
        self.seen: set[str] = set()
        self.sent = 0

    def violation(self, text: str) -> None:
        self.violations.append(text)

    def leak_check(self, where: str, text: str, status: int | None = None,
                   tolerate: frozenset[str] = frozenset()) -> None:
        """One violation per answer, naming every canary the caller may not see in it."""
        leaks = sorted(self.world.leaks(self.caller, text, tolerate), key=lambda leak: leak[1])
        if leaks:
            shown = ", ".join(f"{owner}'s {canary.upper()}" for canary, owner in leaks[:4])
            more = f" and {len(leaks) - 4} more" if len(leaks) > 4 else ""
            self.violation(f"{where}: LEAK{'' if status is None else f' (status {status})'} "
                           f"of {shown}{more}")

    def world_user(self, email: str) -> User:
        return next(u for u in self.world.users.values() if u.email == email)

    def run(self, case: Case, recipe: "Recipe") -> Response:
        method, template = case.route.split(" ", 1)
        assert route_regex(template).match(case.path), f"{case.path} is not {case.route}"
        headers = dict(case.headers or {})
        refused_by_token = False
        if self.bearer and case.client is None:
            headers.update(self.bearer)
            refused_by_token = recipe.token_scope not in ("public", self.token_scope)
        body = case.raw
        if case.content_type:
            headers["Content-Type"] = case.content_type
        client = case.client or self.default
        response = client.request(method, case.path, body=body, json_body=case.body,
                                  headers=headers, query=case.query)
        self.sent += 1
        self.world.request_count += 1
        self.world.routes_hit.add(case.route)
        shown = case.path + ("?" + "&".join(f"{k}={v}" for k, v in case.query.items())
                             if case.query else "")
        where = f"{method} {shown}" + (f" ({case.what})" if case.what else "")
        allowed = expect(403) if refused_by_token else case.expect
        if allowed is not None and response.status not in allowed:
            self.violation(f"{where}: status {response.status}, expected "
                           f"{'/'.join(map(str, sorted(allowed)))}: {response.body[:160]!r}")
        text = response.body.decode("utf-8", "replace") + "\n" + "\n".join(
            f"{k}: {v}" for k, v in response.headers)
        self.seen.update(CANARY_PATTERN.findall(text.lower()))
        self.leak_check(where, text, response.status, case.tolerate)
        group = "token refusals" if refused_by_token else case.group
        if group:
            self.groups[group].append((where, response.status, error_of(response)))
        if (case.check and not refused_by_token and allowed is not None
                and response.status in allowed and 200 <= response.status < 300):
            for problem in case.check(response):
                self.violation(f"{where}: {problem}")
        return response

    def finish_groups(self) -> None:
        for group, answers in self.groups.items():
            distinct = {(status, json.dumps(error, sort_keys=True)) for _, status, error in answers}
            if len(distinct) > 1:
                lines = "; ".join(f"{where} → {status} {json.dumps(error)[:120]}"
                                  for where, status, error in answers[:6])
                self.violation(f"answers differ within '{group}' (another tenant's object must "
                               f"answer like a nonexistent one): {lines}")

    def report(self) -> str:
        head = (f"{self.caller.name} ({self.caller.role}"
                f"{', tenant admin' if self.caller.tenant_admin else ''}) on {self.world.backend}: "
                f"{len(self.violations)} violation(s) in {self.sent} requests")
        shown = self.violations[:80]
        more = len(self.violations) - len(shown)
        return "\n".join([head, *("  - " + v for v in shown)] +
                         ([f"  … and {more} more"] if more > 0 else []))


@dataclass
class Recipe:
    """How to exercise one route: a generator of cases (it receives each answer)."""

    cases: Callable[[Ctx], Iterator[Case]]
    token_scope: str            # "public", "read", "admin", "sboms:write" or "" (a token may
                                # never use it)
    writes: bool = False        # changes state: not replayed with tokens


def drive(ctx: Ctx, route: str, recipe: Recipe) -> None:
    generator = recipe.cases(ctx)
    try:
        case = next(generator)
        while True:
            assert case.route == route, f"recipe of {route} sent {case.route}"
            response = ctx.run(case, recipe)
            case = generator.send(response)
    except StopIteration:
        pass


# ------------------------------------------------------------------------------------------------
# Helpers of the recipes


def records(ctx: Ctx, collection: str) -> list[Rec]:
    return [r for (c, _), r in ctx.world.records.items() if c == collection]


def visible_keys(ctx: Ctx, collection: str, predicate: Callable[[Rec], bool] = lambda r: True
                 ) -> set[str]:
    return {r.key for r in ctx.world.live(collection)
            if ctx.world.visible(ctx.caller, r) and predicate(r)}


def check_keys(collection: str, wanted: set[str], exact: bool = True
               ) -> Callable[[Response], list[str]]:
    def check(response: Response) -> list[str]:
        body = response.json()
        got = {item[KEY_FIELD[collection]] for item in body["items"]}
        problems = []
        if exact and got != wanted:
            problems.append(f"items {sorted(got)}, expected {sorted(wanted)}")
        if not exact and not got <= wanted:
            problems.append(f"items {sorted(got - wanted)} outside the caller's scope")
        if body["total"] != len(wanted):
            problems.append(f"total {body['total']}, expected {len(wanted)}")
        return problems
    return check


def invisible(ctx: Ctx, collection: str) -> list[Rec]:
    return [r for r in records(ctx, collection) if not ctx.world.visible(ctx.caller, r)]


def id_targets(ctx: Ctx, collection: str) -> Iterator[tuple[str, Rec | None]]:
    """Every fixture record's id (live or deleted), then ids that never existed."""
    for rec in records(ctx, collection):
        yield rec.id, rec
    yield NONEXISTENT_ID, None
    yield "not-an-id", None


def home_agency(ctx: Ctx) -> str:
    """The agency a caller would create records for: its own, or one it reads, or AX0."""
    if ctx.caller.agency:
        return ctx.caller.agency
    if ctx.caller.role == "authority":
        return "AY1"
    seen = sorted(visible_keys(ctx, "agencies"))
    return seen[0] if seen else "AX1"


def foreign_tree(ctx: Ctx) -> str:
    """The root of an agency tree the caller does not read."""
    if ctx.caller.agency:
        return OTHER_TREE[ctx.caller.agency]
    seen = visible_keys(ctx, "agencies")
    return "AX0" if "AX0" not in seen else "AY0"


def tree_vendor(ctx: Ctx, agency: str) -> str:
    return ctx.world.tax["VA"] if agency.startswith("AX") else ctx.world.tax["VB"]


def foreign_rec(ctx: Ctx, collection: str, deleted: bool) -> Rec | None:
    """A record of a tree the caller does not read (live, or deleted)."""
    root = foreign_tree(ctx)
    tree = ctx.world.subtree(root)
    for rec in records(ctx, collection):
        if rec.deleted == deleted and rec.agency in tree and not ctx.world.visible(ctx.caller,
                                                                                  rec):
            return rec
    return None


def is_agency_role(user: User) -> bool:
    return user.role in ("agency_ciso", "agency_officer")


# State checks: the authority re-reads the registry and compares it with the fixture.

def registry_state(world: World) -> dict[tuple[str, str], dict]:
    state = {}
    for collection in COLLECTIONS:
        response = world.authority.get(f"/api/v1/{collection}", per_page=500)
        assert response.status == 200, response
        for item in response.json()["items"]:
            state[(collection, item[KEY_FIELD[collection]])] = item
    return state


def strip(record: dict | None) -> dict | None:
    return None if record is None else {k: v for k, v in record.items() if k != "updated_at"}


def check_registry_unchanged(ctx: Ctx, after_what: str) -> None:
    """Compares the registry with the snapshot taken when the world was built; puts back any
    record that changed (so one caller's violation does not become the next one's)."""
    world = ctx.world
    now = registry_state(world)
    baseline = world.baseline
    for key in sorted(set(now) | set(baseline)):
        before, after = baseline.get(key), now.get(key)
        if strip(before) == strip(after):
            continue
        rec = world.records.get(key)
        if before is None and rec is not None and rec.deleted:
            same = after["id"] == rec.id
            how = " (same id: restored, history and all)" if same else ""
            ctx.violation(f"after {after_what}: the deleted record {rec.label()} of another "
                          f"tenant is live again{how}, now {after.get('agency_code')!r} "
                          f"{after.get(NAME_FIELD[key[0]])!r}")
        elif before is None:
            ctx.violation(f"after {after_what}: unexpected new record {key[0]}/{key[1]}")
            world.authority.delete(f"/api/v1/{key[0]}/{after['id']}")
            continue
        elif after is None:
            ctx.violation(f"after {after_what}: {key[0]}/{key[1]} was deleted")
        else:
            changed = {f: (before.get(f), after.get(f)) for f in set(before) | set(after)
                       if before.get(f) != after.get(f) and f != "updated_at"}
            ctx.violation(f"after {after_what}: {key[0]}/{key[1]} changed: {changed}")
        if rec is not None:
            world.restore_record(rec)
    world.baseline = registry_state(world)


def users_state(world: World) -> dict[str, dict]:
    response = world.authority.get("/api/v1/users", per_page=500)
    assert response.status == 200, response
    volatile = ("locked_until", "last_sign_in_at")
    return {u["email"]: {k: v for k, v in u.items() if k not in volatile}
            for u in response.json()["items"]}


def check_users_unchanged(ctx: Ctx, before: dict[str, dict], after_what: str,
                          allowed: set[str] = frozenset()) -> None:
    after = users_state(ctx.world)
    for email in sorted(set(before) | set(after)):
        if email in allowed or before.get(email) == after.get(email):
            continue
        ctx.violation(f"after {after_what}: user {email} changed: {before.get(email)} → "
                      f"{after.get(email)}")


# ------------------------------------------------------------------------------------------------
# Recipes: public routes and the session


def public_get(route: str) -> Callable[[Ctx], Iterator[Case]]:
    def cases(ctx: Ctx) -> Iterator[Case]:
        yield Case(route, route.split(" ", 1)[1], expect=expect(200))
    return cases


def sign_in_refusals(ctx: Ctx) -> Iterator[Case]:
    """Wrong passwords for users of every tenant and for nobody: one answer for all."""
    route = "POST /api/v1/session"
    for user in ctx.world.users.values():
        if not user.active:
            yield Case(route, "/api/v1/session", body={"email": user.email,
                                                       "password": "Wrong-Password-1!"},
                       client=Client(ctx.world.base_url), expect=expect(401),
                       group="sign-in refused", what=f"wrong password of {user.name}")
    yield Case(route, "/api/v1/session", body={"email": "nobody@matrix.test",
                                               "password": "Wrong-Password-1!"},
               client=Client(ctx.world.base_url), expect=expect(401), group="sign-in refused",
               what="unknown e-mail")


def password_reset_requests(ctx: Ctx) -> Iterator[Case]:
    """A reset for any account, of any tenant, or for nobody: the same empty 202 for all."""
    route = "POST /api/v1/password-reset"
    for user in ctx.world.users.values():
        if not user.active:
            yield Case(route, "/api/v1/password-reset", body={"email": user.email},
                       client=Client(ctx.world.base_url), expect=expect(202),
                       group="reset requested", what=f"reset of {user.name}")
    yield Case(route, "/api/v1/password-reset", body={"email": "nobody@matrix.test"},
               client=Client(ctx.world.base_url), expect=expect(202), group="reset requested",
               what="unknown e-mail")


def session_get(ctx: Ctx) -> Iterator[Case]:
    def check(response: Response) -> list[str]:
        user = response.json()["user"]
        return [] if user["email"] == ctx.caller.email else [f"session of {user['email']}"]
    yield Case("GET /api/v1/session", "/api/v1/session", expect=expect(200), check=check)


# ------------------------------------------------------------------------------------------------
# Recipes: registry reads


REFERENCE_FILTERS = {
    "agencies": [("parent_code", "agencies")],
    "vendors": [("subcontractors", "vendors")],
    "systems": [("agency_code", "agencies")],
    "contracts": [("agency_code", "agencies"), ("vendor_tax_id", "vendors"),
                  ("system_ids", "systems"), ("subcontractor_tax_ids", "vendors")],
}
SORTS = {"agencies": ["-updated_at", "name", "parent_code,-code"],
         "vendors": ["-updated_at", "name", "-tax_id"],
         "systems": ["-updated_at", "name", "agency_code,-system_id", "protection_level"],
         "contracts": ["-updated_at", "title", "vendor_tax_id", "-amount,agency_code"]}


def matches(rec: Rec, name: str, value: str) -> bool:
    stored = rec.fields.get(name)
    if isinstance(stored, list):
        return value in stored
    return stored == value


def registry_lists(ctx: Ctx) -> Iterator[Case]:
    route = "GET /api/v1/{collection}"
    world = ctx.world
    for collection in COLLECTIONS:
        path = f"/api/v1/{collection}"
        everything = visible_keys(ctx, collection)
        yield Case(route, path, {"per_page": 500}, expect=expect(200),
                   check=check_keys(collection, everything), what="everything in scope")
        yield Case(route, path, {"q": "canary", "per_page": 500}, expect=expect(200),
                   check=check_keys(collection, everything), what="search matching all names")
        for rec in invisible(ctx, collection):
            yield Case(route, path, {"q": rec.canary}, expect=expect(200),
                       check=check_keys(collection, set()), what=f"search for {rec.label()}")
        for sort in SORTS[collection]:
            yield Case(route, path, {"sort": sort, "per_page": 500}, expect=expect(200),
                       check=check_keys(collection, everything))
        yield Case(route, path, {"sort": "-created_at", "page": 2, "per_page": 1},
                   expect=expect(200), check=check_keys(collection, everything, exact=False))
        for rec in records(ctx, collection):
            wanted = {rec.key} if rec.key in everything else set()
            yield Case(route, path, {KEY_FIELD[collection]: rec.key}, expect=expect(200),
                       check=check_keys(collection, wanted), what=f"natural key of {rec.label()}")
        for name, target in REFERENCE_FILTERS[collection]:
            for value_rec in records(ctx, target):
                wanted = visible_keys(ctx, collection,
                                      lambda r: matches(r, name, value_rec.key))
                yield Case(route, path, {name: value_rec.key, "per_page": 500},
                           expect=expect(200), check=check_keys(collection, wanted),
                           what="reverse lookup")
        if collection == "contracts":
            for day in ("2008-06-01", world.today.isoformat()):
                on = datetime.date.fromisoformat(day)
                wanted = visible_keys(ctx, collection, lambda r: (
                    world.date_of(r.fields["start_date"]) <= on <= world.date_of(
                        r.fields["end_date"])))
                yield Case(route, path, {"in_force_on": day, "per_page": 500},
                           expect=expect(200), check=check_keys(collection, wanted))
        if collection == "systems":
            yield Case(route, path, {"protection_level": "normal", "core": "true",
                                     "per_page": 500}, expect=expect(200),
                       check=check_keys(collection, visible_keys(
                           ctx, collection, lambda r: bool(r.fields.get("core")))))


def registry_details(ctx: Ctx) -> Iterator[Case]:
    route = "GET /api/v1/{collection}/{id}"
    for collection in COLLECTIONS:
        for record_id, rec in id_targets(ctx, collection):
            path = f"/api/v1/{collection}/{record_id}"
            if rec is not None and ctx.world.visible(ctx.caller, rec):
                key = rec.key
                yield Case(route, path, expect=expect(200), what=f"own {rec.label()}", check=(
                    lambda r, key=key, collection=collection:
                    [] if r.json()[KEY_FIELD[collection]] == key else ["wrong record"]))
            else:
                yield Case(route, path, expect=expect(404), group=f"{route} 404 {collection}",
                           what=rec.label() if rec else "nonexistent")


def registry_histories(ctx: Ctx) -> Iterator[Case]:
    route = "GET /api/v1/{collection}/{id}/history"
    for collection in COLLECTIONS:
        for record_id, rec in id_targets(ctx, collection):
            path = f"/api/v1/{collection}/{record_id}/history"
            if rec is not None and ctx.world.visible(ctx.caller, rec):
                yield Case(route, path, expect=expect(200), what=f"own {rec.label()}")
            else:
                yield Case(route, path, expect=expect(404), group=f"{route} 404 {collection}",
                           what=rec.label() if rec else "nonexistent")


def concentration(ctx: Ctx) -> Iterator[Case]:
    route = "GET /api/v1/reports/concentration"
    path = "/api/v1/reports/concentration"
    world = ctx.world
    later = world.today + datetime.timedelta(days=60)

    def rows_check(as_of: datetime.date, agency: str | None, csv_format: bool = False,
                   sort: str | None = None) -> Callable[[Response], list[str]]:
        wanted = world.concentration(ctx.caller, as_of, agency)

        def check(response: Response) -> list[str]:
            if csv_format:
                table = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
                header, body = table[0], table[1:]
                items = [dict(zip(header, row)) for row in body]
            else:
                items = response.json()["items"]
            got = {item["vendor_tax_id"]: {k: int(v) for k, v in item.items()
                                           if k not in ("vendor_tax_id", "vendor_name")}
                   for item in items}
            readable = {r.key for r in world.live("vendors") if world.visible(ctx.caller, r)}
            problems = []
            if not set(got) <= readable and ctx.caller.role != "authority":
                problems.append(f"rows of vendors the caller may not read: "
                                f"{sorted(set(got) - readable)}")
            if wanted is not None and got != wanted:
                names = {v: k for k, v in world.tax.items()}
                problems.append("rows " + json.dumps({names.get(k, k): v for k, v in got.items()})
                                + ", expected " + json.dumps(
                                    {names.get(k, k): v for k, v in wanted.items()}))
            if sort == "-amount":
                amounts = [int(item["amount"]) for item in items]
                if amounts != sorted(amounts, reverse=True):
                    problems.append("not sorted by -amount")
            return problems
        return check

    yield Case(route, path, expect=expect(200), check=rows_check(world.today, None))
    yield Case(route, path, {"format": "csv"}, expect=expect(200),
               check=rows_check(world.today, None, csv_format=True))
    for as_of in (datetime.date(2008, 6, 1), later):
        yield Case(route, path, {"as_of": as_of.isoformat()}, expect=expect(200),
                   check=rows_check(as_of, None))
    for sort in ("vendor_name", "-amount"):
        yield Case(route, path, {"sort": sort}, expect=expect(200),
                   check=rows_check(world.today, None, sort=sort))
    for rec in records(ctx, "agencies") + [None]:
        code = rec.key if rec else "NO-SUCH-AGENCY"
        seen = rec is not None and world.visible(ctx.caller, rec)
        for query, csv_format in (({"agency_code": code}, False),
                                  ({"agency_code": code, "format": "csv"}, True),
                                  ({"agency_code": code, "as_of": "2008-06-01"}, False)):
            as_of = datetime.date(2008, 6, 1) if "as_of" in query else world.today
            if seen:
                yield Case(route, path, query, expect=expect(200),
                           check=rows_check(as_of, code, csv_format), what=f"own {code}")
            else:
                yield Case(route, path, query, expect=expect(404),
                           group=f"{route} 404{' csv' if csv_format else ''}",
                           what=rec.label() if rec else "nonexistent agency")


# ------------------------------------------------------------------------------------------------
# Recipes: registry writes


def probe_body(collection: str) -> dict:
    """A well-formed PATCH for records the caller may not read: a new name."""
    return {NAME_FIELD[collection]: "matrix probe"}


def escapes(ctx: Ctx, rec: Rec) -> list[tuple[dict, str]]:
    """Changes to a record the caller may write that would take it (or another tenant's data)
    out of the caller's rights: all refused (API.md, "Who may write what")."""
    if ctx.caller.role == "authority":
        return []
    if rec.collection == "vendors":
        other = next(r for r in ctx.world.live("vendors") if r.key != rec.key)
        return [({"prc_capital": not rec.fields["prc_capital"]}, "its PRC-capital flag"),
                ({"tax_id": other.key}, "another vendor's tax id")]
    found = [({"agency_code": foreign_tree(ctx)}, "moved to another tenant's agency")]
    if rec.collection == "contracts":
        foreign_system = foreign_rec(ctx, "systems", False)
        found.append(({"system_ids": rec.fields.get("system_ids", []) + [foreign_system.key]},
                      f"covering {foreign_system.label()}"))
    return found


def registry_patches(ctx: Ctx) -> Iterator[Case]:
    route = "PATCH /api/v1/{collection}/{id}"
    world = ctx.world
    for collection in COLLECTIONS:
        for record_id, rec in id_targets(ctx, collection):
            path = f"/api/v1/{collection}/{record_id}"
            if rec is not None and world.visible(ctx.caller, rec):
                same = {NAME_FIELD[collection]: rec.name}   # a no-op: rights are checked first
                if world.may_write(ctx.caller, rec):
                    yield Case(route, path, body=same, expect=expect(200),
                               what=f"own {rec.label()}, unchanged")
                    for body, what in escapes(ctx, rec):
                        yield Case(route, path, body=body, expect=expect(403, 409, 422),
                                   what=f"own {rec.label()}: {what}")
                else:
                    response = yield Case(route, path, body=same, expect=expect(403),
                                          what=f"read-only {rec.label()}")
                    if response.status == 403 and error_of(response)["code"] != "forbidden":
                        ctx.violation(f"PATCH {path}: 403 without code forbidden")
            else:
                yield Case(route, path, body=probe_body(collection), expect=expect(404),
                           group=f"{route} 404 {collection}",
                           what=rec.label() if rec else "nonexistent")
    check_registry_unchanged(ctx, "PATCHes")


def throwaway(ctx: Ctx, collection: str, agency: str) -> Rec:
    """A new record of `agency`'s tenant made by the authority, for a caller to delete."""
    world = ctx.world
    key = f"TMP-{secrets.token_hex(4).upper()}"
    canary = new_canary(agency)
    if collection == "systems":
        fields = {"agency_code": agency, "system_id": key, "name": f"Throwaway {canary}",
                  **LEVELS}
    else:
        fields = {"contract_id": key, "agency_code": agency, "title": f"Throwaway {canary}",
                  "vendor_tax_id": tree_vendor(ctx, agency), "service_type": "it_planning",
                  "amount": 1, "start_date": "2021-01-01", "end_date": "2021-12-31"}
    rec = Rec(collection, key, canary, fields, tenant=agency)
    world.register(canary, Owner(record=rec))
    made = world.authority.post(f"/api/v1/{collection}", fields)
    assert made.status == 201, made
    rec.id = made.json()["id"]
    world.records[(collection, key)] = rec
    world.baseline[(collection, key)] = made.json()
    return rec


def registry_deletes(ctx: Ctx) -> Iterator[Case]:
    route = "DELETE /api/v1/{collection}/{id}"
    world = ctx.world
    for collection in COLLECTIONS:
        for record_id, rec in id_targets(ctx, collection):
            path = f"/api/v1/{collection}/{record_id}"
            if rec is not None and world.visible(ctx.caller, rec):
                if world.may_delete(ctx.caller, rec):
                    continue   # not the fixture's records: throwaways below
                yield Case(route, path, expect=expect(403), what=f"read-only {rec.label()}")
            else:
                yield Case(route, path, expect=expect(404), group=f"{route} 404 {collection}",
                           what=rec.label() if rec else "nonexistent")
    check_registry_unchanged(ctx, "refused DELETEs")
    # Records the caller may delete: throwaways of its own agency (any agency: the authority).
    if ctx.caller.role == "authority" or is_agency_role(ctx.caller):
        for collection in ("systems", "contracts"):
            rec = throwaway(ctx, collection, home_agency(ctx))
            yield Case(route, f"/api/v1/{collection}/{rec.id}", expect=expect(204),
                       what=f"own throwaway {rec.label()}")
            if world.authority_find(collection, rec.key) is not None:
                ctx.violation(f"DELETE of own {rec.label()} answered but left it")
                world.authority.delete(f"/api/v1/{collection}/{rec.id}")
            rec.deleted = True
            del world.records[(collection, rec.key)]   # its canary stays registered
            world.baseline.pop((collection, rec.key), None)
    if ctx.caller.role == "vendor":
        own = world.rec("vendors", ctx.caller.vendor)
        yield Case(route, f"/api/v1/vendors/{own.id}", expect=expect(403),
                   what="own company (a vendor edits, never deletes, its profile)")
    check_registry_unchanged(ctx, "DELETEs")


def new_record_fields(ctx: Ctx, collection: str, agency: str, key: str | None = None
                      ) -> tuple[dict, Rec]:
    """A record to create for `agency`'s tenant, with a canary of that tenant."""
    tenant = agency if collection in ("systems", "contracts") else f"new{collection[:3]}"
    canary = new_canary(tenant.replace("-", ""))
    if collection == "agencies":
        key = key or f"NA-{secrets.token_hex(3).upper()}"
        fields = {"code": key, "name": f"New agency {canary}", "parent_code": agency,
                  "level": "E", "kind": "local"}
    elif collection == "vendors":
        key = key or fresh_tax_ids(1)[0]
        fields = {"tax_id": key, "name": f"New vendor {canary}", "prc_capital": False}
    elif collection == "systems":
        key = key or f"NS-{secrets.token_hex(3).upper()}"
        fields = {"agency_code": agency, "system_id": key, "name": f"New system {canary}",
                  **LEVELS}
    else:
        key = key or f"NC-{secrets.token_hex(3).upper()}"
        fields = {"contract_id": key, "agency_code": agency, "title": f"New contract {canary}",
                  "vendor_tax_id": tree_vendor(ctx, agency), "service_type": "it_planning",
                  "amount": 1, "start_date": "2021-01-01", "end_date": "2021-12-31"}
    rec = Rec(collection, key, canary, fields, deleted=True, tenant=tenant)
    if collection == "agencies":
        rec.fields["parent_code"] = agency
    ctx.world.register(canary, Owner(record=rec))
    return fields, rec


def registry_creates(ctx: Ctx) -> Iterator[Case]:
    route = "POST /api/v1/{collection}"
    world = ctx.world
    caller = ctx.caller
    for collection in COLLECTIONS:
        path = f"/api/v1/{collection}"
        targets = [("own", home_agency(ctx))]
        if is_agency_role(caller):
            children = sorted(world.subtree(caller.agency) - {caller.agency})
            targets += [("child", c) for c in children[:1]]
        if caller.role != "authority":
            targets.append(("other tenant's", foreign_tree(ctx)))
        for label, agency in targets:
            body, rec = new_record_fields(ctx, collection, agency)
            agency_of = agency if collection in ("systems", "contracts") else (
                agency if collection == "agencies" else None)
            allowed = world.may_create(caller, collection, agency_of)
            # While it exists, the new record is part of the model (a live record of `agency`).
            rec.deleted = False
            world.records[(collection, rec.key)] = rec
            response = yield Case(route, path, body=body,
                                  expect=expect(201) if allowed else expect(403),
                                  what=f"{label} agency {agency}")
            if response.status == 201:
                rec.id = response.json()["id"]
                yield Case("POST /api/v1/{collection}", path, body=body, expect=expect(409),
                           what="the same key again")
            rec.deleted = True
            del world.records[(collection, rec.key)]   # its canary stays registered
            if response.status == 201:
                world.authority.delete(f"{path}/{rec.id}")
        if collection in ("systems", "contracts"):
            # Keys of another tenant: a live record, a deleted one; a contract covering another
            # agency's system.
            for deleted in (False, True):
                other = foreign_rec(ctx, collection, deleted)
                if other is None or caller.role == "authority":
                    continue
                body, rec = new_record_fields(ctx, collection, home_agency(ctx), key=other.key)
                response = yield Case(route, path, body=body, expect=expect(403, 409),
                                      what=f"own agency, key of {other.label()}")
                if response.status == 201:
                    created = response.json()["id"]
                    if created == other.id:
                        ctx.violation(f"POST {path} with the key of {other.label()} restored "
                                      f"that record (id {other.id}) into "
                                      f"{home_agency(ctx)}: its history is now the caller's")
                    # What the caller can now read of it.
                    yield Case("POST /api/v1/{collection}", path, body=body,
                               expect=expect(409), what="the same key again")
                    history = ctx.caller.client.get(f"{path}/{created}/history")
                    ctx.world.request_count += 1
                    ctx.leak_check(f"GET {path}/{created}/history after that create",
                                   history.text, history.status)
                check_registry_unchanged(ctx, f"POST {path} with the key of {other.label()}")
        if collection == "contracts" and caller.role != "authority":
            foreign_system = foreign_rec(ctx, "systems", False)
            body, rec = new_record_fields(ctx, collection, home_agency(ctx))
            body["system_ids"] = [foreign_system.key]
            body["end_date"] = "2099-12-31"
            yield Case(route, path, body=body, expect=expect(403, 422),
                       what=f"own contract covering {foreign_system.label()}")
        check_registry_unchanged(ctx, f"POST {path}")


def import_row(rec: Rec, **changes: Any) -> dict:
    row = dict(rec.fields)
    row.update(changes)
    return row


def upload_case(route: str, collection: str, rows: list[dict], dry_run: bool, allowed: bool,
                what: str) -> Case:
    boundary = "----matrix-" + secrets.token_hex(8)
    content = csv_of(collection, rows).encode("utf-8")
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"{collection}.csv\"\r\nContent-Type: text/csv\r\n\r\n").encode() + \
        content + f"\r\n--{boundary}--\r\n".encode()

    def check(response: Response) -> list[str]:
        report = response.json()
        return [] if report["errors"] == [] else [f"errors {report['errors']}"]

    return Case(route, f"/api/v1/import/{collection}", {"dry_run": "true"} if dry_run else None,
                raw=body, content_type=f"multipart/form-data; boundary={boundary}",
                expect=expect(200) if allowed else expect(422), check=check, what=what)


def imports(ctx: Ctx) -> Iterator[Case]:
    route = "POST /api/v1/import/{kind}"
    world = ctx.world
    caller = ctx.caller
    for collection in COLLECTIONS:
        # A row restating a record: one the caller may write, else one it reads, else any.
        live = world.live(collection)
        writable = [r for r in live if world.visible(caller, r) and world.may_write(caller, r)]
        readable = [r for r in live if world.visible(caller, r)]
        rec = (writable or readable or live)[0]
        allowed = world.may_write(caller, rec)
        row = import_row(rec) if world.visible(caller, rec) else import_row(
            rec, **{NAME_FIELD[collection]: "matrix probe"})
        response = yield upload_case(route, collection, [row], True, allowed,
                                     f"dry run, {rec.label()} unchanged")
        if response.status == 422:
            codes = {e["code"] for e in response.json()["errors"]}
            if codes != {"forbidden"}:
                ctx.violation(f"import of {rec.label()}: error codes {codes}, not forbidden")
        # Another tenant's record, claimed for the caller's agency, dry and for real.
        if caller.role != "authority":
            other = foreign_rec(ctx, collection, False) if collection in (
                "systems", "contracts") else next(
                    (r for r in invisible(ctx, collection) if not r.deleted), None)
            if other is not None:
                changes = {NAME_FIELD[collection]: "matrix probe"}
                if collection in ("systems", "contracts"):
                    changes["agency_code"] = home_agency(ctx)
                for dry_run in (True, False):
                    response = yield upload_case(route, collection, [import_row(other, **changes)],
                                                 dry_run, False,
                                                 f"{'dry run, ' if dry_run else ''}"
                                                 f"{other.label()} of another tenant")
                    if response.status == 422:
                        codes = {e["code"] for e in response.json()["errors"]}
                        if codes != {"forbidden"}:
                            ctx.violation(f"import of {other.label()}: codes {codes}")
            # Another tenant's deleted record, for the caller's agency (a restore).
            deleted = foreign_rec(ctx, collection, True) if collection in (
                "systems", "contracts") else None
            if deleted is not None:
                body, _ = new_record_fields(ctx, collection, home_agency(ctx), key=deleted.key)
                response = yield upload_case(route, collection, [body], False, False,
                                             f"own agency, key of {deleted.label()}")
                if response.status == 200:
                    found = ctx.caller.client.get(f"/api/v1/{collection}",
                                                  **{KEY_FIELD[collection]: deleted.key})
                    for item in found.json().get("items", []):
                        history = ctx.caller.client.get(
                            f"/api/v1/{collection}/{item['id']}/history")
                        world.request_count += 2
                        ctx.leak_check(f"GET /api/v1/{collection}/{item['id']}/history after "
                                       f"importing the key of {deleted.label()}", history.text,
                                       history.status)
        check_registry_unchanged(ctx, f"imports of {collection}")


# ------------------------------------------------------------------------------------------------
# Recipes: users and invitations


def users_expected(ctx: Ctx) -> set[str]:
    caller = ctx.caller
    if caller.role == "authority":
        return {u.email for u in ctx.world.users.values()}
    return {u.email for u in ctx.world.users.values()
            if (caller.agency and u.agency == caller.agency)
            or (caller.vendor and u.vendor == caller.vendor)}


def users_list(ctx: Ctx) -> Iterator[Case]:
    route = "GET /api/v1/users"
    caller = ctx.caller
    wanted = users_expected(ctx)

    def check(subset: set[str]) -> Callable[[Response], list[str]]:
        def run(response: Response) -> list[str]:
            got = {u["email"] for u in response.json()["items"]}
            return [] if got == subset else [f"users {sorted(got ^ subset)} differ"]
        return run

    strangers = [u for u in ctx.world.users.values() if u.email not in wanted]
    queries = [({"per_page": 500}, wanted), ({"role": "vendor", "per_page": 500},
               {e for e in wanted if ctx.world_user(e).role == "vendor"}),
               ({"disabled": "false", "per_page": 500}, wanted)]
    queries += [({"q": u.email}, set()) for u in strangers[:4]]
    for query, subset in queries:
        if caller.is_admin:
            yield Case(route, "/api/v1/users", query, expect=expect(200), check=check(subset))
        else:
            yield Case(route, "/api/v1/users", query, expect=expect(403), group=f"{route} 403")


def users_invite(ctx: Ctx) -> Iterator[Case]:
    route = "POST /api/v1/users"
    world = ctx.world
    caller = ctx.caller
    before = users_state(world)
    invited: set[str] = set()
    if caller.role == "authority":
        tenant = {"role": "agency_officer", "agency_code": "AY1"}
    elif caller.agency:
        tenant = {"role": "agency_officer", "agency_code": caller.agency}
    elif caller.vendor:
        tenant = {"role": "vendor", "vendor_tax_id": caller.vendor}
    else:
        tenant = {"role": "auditor"}
    variants = [("own tenant", tenant, caller.is_admin)]
    if caller.role != "authority":
        other_agency = OTHER_TREE.get(caller.agency or "", "AY0")
        other_vendor = world.tax["VB"] if caller.vendor != world.tax["VB"] else world.tax["VA"]
        variants += [("another agency", {"role": "agency_officer", "agency_code": other_agency},
                      False),
                     ("another vendor", {"role": "vendor", "vendor_tax_id": other_vendor}, False),
                     ("an authority", {"role": "authority"}, False)]
    for label, fields, allowed in variants:
        tag = (fields.get("agency_code") or world.tax_tenant.get(fields.get("vendor_tax_id"), "")
               or fields["role"][:4]).lower()
        user = User(f"inv_{caller.name}_{len(world.users)}", fields["role"],
                    fields.get("agency_code"), fields.get("vendor_tax_id"), False, False)
        user.canary = new_canary(tag).lower()
        user.email = f"{user.canary}@matrix.test"
        world.register(user.canary, Owner(user=user))
        world.users[user.name] = user   # the model counts it while it may exist
        response = yield Case(route, "/api/v1/users", body={"email": user.email, **fields},
                              expect=expect(201) if allowed else expect(403),
                              group=None if allowed else f"{route} 403 {label}",
                              what=f"invite into {label}")
        if response.status == 201:
            user.id = response.json()["user"]["id"]
            invited.add(user.email)
        else:
            del world.users[user.name]   # never made; its canary stays registered
    check_users_unchanged(ctx, before, "invitations", allowed=invited)


def user_targets(ctx: Ctx) -> Iterator[tuple[str, User | None]]:
    for user in list(ctx.world.users.values()):
        if not user.active and user.name.startswith("t_"):
            yield user.id, user
    yield NONEXISTENT_ID, None


def user_admin_route(route: str, body: Any, success: int) -> Callable[[Ctx], Iterator[Case]]:
    def cases(ctx: Ctx) -> Iterator[Case]:
        caller = ctx.caller
        before = users_state(ctx.world)
        for user_id, user in user_targets(ctx):
            path = route.split(" ", 1)[1].replace("{id}", user_id)
            what = user.name if user else "nonexistent"
            if not caller.is_admin:
                yield Case(route, path, body=body, expect=expect(403), group=f"{route} 403",
                           what=what)
            elif user is not None and ctx.world.may_see_user(caller, user):
                yield Case(route, path, body=body, expect=expect(success),
                           what=f"own tenant's {what}")
            else:
                yield Case(route, path, body=body, expect=expect(404), group=f"{route} 404",
                           what=what)
        check_users_unchanged(ctx, before, route)
    return cases


def invitations_unknown(route: str) -> Callable[[Ctx], Iterator[Case]]:
    def cases(ctx: Ctx) -> Iterator[Case]:
        for token in (secrets.token_urlsafe(32), "x"):
            path = route.split(" ", 1)[1].replace("{token}", token)
            yield Case(route, path, body={"password": PASSWORD} if route.startswith("POST")
                       else None, client=Client(ctx.world.base_url), expect=expect(404),
                       group=f"{route} 404", what="unknown invitation")
    return cases


# ------------------------------------------------------------------------------------------------
# Recipes: tokens, the caller's own account and sessions, the audit log


def tokens_get(ctx: Ctx) -> Iterator[Case]:
    def check(response: Response) -> list[str]:
        names = [t["name"] for t in response.json()["items"]]
        return [] if all(ctx.caller.token_canary in n for n in names) else [f"tokens {names}"]
    yield Case("GET /api/v1/tokens", "/api/v1/tokens", expect=expect(200), check=check)


def tokens_post(ctx: Ctx) -> Iterator[Case]:
    route = "POST /api/v1/tokens"
    response = yield Case(route, "/api/v1/tokens", body={
        "name": f"tmp {ctx.caller.token_canary}", "scopes": ["read"],
        "expires_at": TOKEN_EXPIRY}, expect=expect(201))
    if response.status == 201:
        ctx.tmp_token = response.json()["id"]
    if not ctx.caller.is_admin:
        yield Case(route, "/api/v1/tokens", body={
            "name": f"adm {ctx.caller.token_canary}", "scopes": ["admin"],
            "expires_at": TOKEN_EXPIRY}, expect=expect(403, 422), what="admin scope, no rights")


def tokens_delete(ctx: Ctx) -> Iterator[Case]:
    route = "DELETE /api/v1/tokens/{id}"
    for user in ctx.world.users.values():
        if user.active and user is not ctx.caller and user.read_token_id:
            yield Case(route, f"/api/v1/tokens/{user.read_token_id}", expect=expect(404),
                       group=f"{route} 404", what=f"token of {user.name}")
            still = Client(ctx.world.base_url).request(
                "GET", "/api/v1/agencies", headers={"Authorization": f"Bearer {user.read_token}"})
            if still.status != 200:
                ctx.violation(f"the token of {user.name} stopped working after "
                              f"{ctx.caller.name} tried to revoke it ({still.status})")
    yield Case(route, f"/api/v1/tokens/{NONEXISTENT_ID}", expect=expect(404),
               group=f"{route} 404", what="nonexistent")
    if getattr(ctx, "tmp_token", None):
        yield Case(route, f"/api/v1/tokens/{ctx.tmp_token}", expect=expect(204), what="own")


def me_password(ctx: Ctx) -> Iterator[Case]:
    yield Case("POST /api/v1/me/password", "/api/v1/me/password",
               body={"current_password": "Wrong-Password-1!", "new_password": "Ano-ther-Horse-43"},
               expect=expect(422), what="wrong current password (changes only the caller's)")


def me_totp(ctx: Ctx) -> Iterator[Case]:
    yield Case("POST /api/v1/me/mfa/totp", "/api/v1/me/mfa/totp", expect=expect(200))


def me_totp_confirm(ctx: Ctx) -> Iterator[Case]:
    yield Case("POST /api/v1/me/mfa/totp/confirm", "/api/v1/me/mfa/totp/confirm",
               body={"code": "12345"}, expect=expect(422), what="a wrong code")


def me_sessions_get(ctx: Ctx) -> Iterator[Case]:
    def check(response: Response) -> list[str]:
        items = response.json()["items"]
        current = [s["id"] for s in items if s["current"]]
        return [] if current == [ctx.caller.session_id] else [f"current sessions {current}"]
    yield Case("GET /api/v1/me/sessions", "/api/v1/me/sessions", expect=expect(200),
               check=check)


def me_sessions_delete_one(ctx: Ctx) -> Iterator[Case]:
    route = "DELETE /api/v1/me/sessions/{id}"
    for user in ctx.world.users.values():
        if user.active and user is not ctx.caller and user.session_id:
            yield Case(route, f"/api/v1/me/sessions/{user.session_id}", expect=expect(404),
                       group=f"{route} 404", what=f"session of {user.name}")
            if user.client.get("/api/v1/session").status != 200:
                ctx.violation(f"the session of {user.name} ended after {ctx.caller.name} "
                              f"tried to end it")
    yield Case(route, f"/api/v1/me/sessions/{NONEXISTENT_ID}", expect=expect(404),
               group=f"{route} 404", what="nonexistent")
    second = sign_in(ctx.world, ctx.caller)
    ids = [s["id"] for s in second.ok("GET", "/api/v1/me/sessions")["items"] if s["current"]]
    yield Case(route, f"/api/v1/me/sessions/{ids[0]}", expect=expect(204),
               what="own second session")
    if second.get("/api/v1/session").status != 401:
        ctx.violation("the caller's second session survived its DELETE")


def session_delete(ctx: Ctx) -> Iterator[Case]:
    second = sign_in(ctx.world, ctx.caller)
    yield Case("DELETE /api/v1/session", "/api/v1/session", client=second, expect=expect(204),
               what="sign-out of a second session")
    if second.get("/api/v1/session").status != 401:
        ctx.violation("the signed-out session still answers")


def me_sessions_delete_all(ctx: Ctx) -> Iterator[Case]:
    second = sign_in(ctx.world, ctx.caller)
    yield Case("DELETE /api/v1/me/sessions", "/api/v1/me/sessions", expect=expect(204))
    if second.get("/api/v1/session").status != 401:
        ctx.violation("another session of the caller survived DELETE /me/sessions")
    if ctx.caller.client.get("/api/v1/session").status != 200:
        ctx.violation("DELETE /me/sessions ended the current session")


def audit_log(ctx: Ctx) -> Iterator[Case]:
    route = "GET /api/v1/audit-log"
    caller = ctx.caller
    world = ctx.world

    def own_tenant(response: Response) -> list[str]:
        if caller.role == "authority":
            return []
        tenants = {e["tenant"] for e in response.json()["items"]}
        return [] if tenants <= {caller.tenant_label} else [f"entries of tenants {tenants}"]

    others = [u for u in world.users.values() if not world.may_see_user(caller, u)]
    hidden_system = next((r for r in records(ctx, "systems")
                          if not world.visible(caller, r)), None)
    queries = [{"per_page": 500}, {"action": "record.create", "per_page": 500},
               {"object_type": "user", "per_page": 500}]
    queries += [{"actor": u.email} for u in others[:3]]
    if hidden_system:
        queries += [{"object_type": "systems", "object_id": hidden_system.id},
                    {"q": hidden_system.canary}]
    for query in queries:
        if caller.is_admin:
            yield Case(route, "/api/v1/audit-log", query, expect=expect(200), check=own_tenant)
        else:
            yield Case(route, "/api/v1/audit-log", query, expect=expect(403),
                       group=f"{route} 403")


def audit_export(ctx: Ctx) -> Iterator[Case]:
    route = "GET /api/v1/audit-log/export"
    for query in ({"format": "csv"}, {"format": "jsonl"}, {"format": "csv", "q": "canary"}):
        if ctx.caller.role == "authority":
            yield Case(route, "/api/v1/audit-log/export", query, expect=expect(200))
        else:
            yield Case(route, "/api/v1/audit-log/export", query, expect=expect(403),
                       group=f"{route} 403")


def audit_verify(ctx: Ctx) -> Iterator[Case]:
    route = "GET /api/v1/audit-log/verify"
    if ctx.caller.role == "authority":
        yield Case(route, "/api/v1/audit-log/verify", expect=expect(200))
    else:
        yield Case(route, "/api/v1/audit-log/verify", expect=expect(403), group=f"{route} 403")


# ------------------------------------------------------------------------------------------------
# Recipes: SBOMs, findings, VEX, advisories and alerts (issue 4)
#
# The fixture gives every live system one SBOM and one finding (authz_fixture.load_vulnerabilities).
# Reads of a system's SBOMs, findings, VEX and licences follow the read scope of the system;
# writes (upload, triage, VEX import) World.may_write_sboms. Allowed writes are real but change no
# finding's state (the same SBOM again, status under_investigation again), so every caller finds
# the same findings and alerts; the model counts the SBOM versions they add.

VEX_DOCUMENT = json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
                           "vulnerabilities": [{"id": ADVISORY_CVE,
                                                "analysis": {"state": "in_triage"}}]})
TRIAGE = {"status": "under_investigation", "response": [], "comment": None}


def readable_systems(ctx: Ctx) -> set[str]:
    """Keys of the live systems with the fixture's SBOM that the caller reads."""
    return {key for key in ctx.world.sboms
            if ctx.world.visible(ctx.caller, ctx.world.rec("systems", key))}


def fixture_sboms(ctx: Ctx) -> Iterator[tuple[str, Rec | None]]:
    """The fixture's SBOM of every live system, then ids of no SBOM."""
    for key, ids in ctx.world.sboms.items():
        yield ids[0], ctx.world.rec("systems", key)
    yield NONEXISTENT_ID, None
    yield "not-an-id", None


def fixture_findings(ctx: Ctx) -> Iterator[tuple[str, Rec | None]]:
    for key, finding_id in ctx.world.findings.items():
        yield finding_id, ctx.world.rec("systems", key)
    yield NONEXISTENT_ID, None
    yield "not-an-id", None


def forbidden_code(ctx: Ctx, where: str, response: Response) -> None:
    if response.status == 403 and (error_of(response) or {}).get("code") != "forbidden":
        ctx.violation(f"{where}: 403 without code forbidden: {response.body[:120]!r}")


def id_set_check(wanted: set[str], what: str = "items", subset: bool = False
                 ) -> Callable[[Response], list[str]]:
    def check(response: Response) -> list[str]:
        body = response.json()
        got = {item["id"] for item in body["items"]}
        if subset:
            return [] if got <= wanted else [f"{what} {sorted(got - wanted)} outside the "
                                             f"caller's scope"]
        problems = []
        if got != wanted:
            problems.append(f"{what} {sorted(got)}, expected {sorted(wanted)}")
        if body["total"] != len(wanted):
            problems.append(f"total {body['total']}, expected {len(wanted)}")
        return problems
    return check


def system_reads(route: str, query: dict | None,
                 check_of: Callable[[Ctx, Rec], Callable[[Response], list[str]]]
                 ) -> Callable[[Ctx], Iterator[Case]]:
    """GET /api/v1/systems/{id}/…: 200 (and check_of) on the systems the caller reads, one 404
    for another tenant's, deleted and nonexistent systems."""
    suffix = route.rsplit("/", 1)[1]

    def cases(ctx: Ctx) -> Iterator[Case]:
        for system_id, rec in id_targets(ctx, "systems"):
            path = f"/api/v1/systems/{system_id}/{suffix}"
            if rec is not None and ctx.world.visible(ctx.caller, rec):
                yield Case(route, path, query, expect=expect(200), what=f"own {rec.label()}",
                           check=check_of(ctx, rec),
                           tolerate=ctx.world.actor_canaries(rec.key))
            else:
                yield Case(route, path, query, expect=expect(404), group=f"{route} 404",
                           what=rec.label() if rec else "nonexistent")
    return cases


def system_sboms_check(ctx: Ctx, rec: Rec) -> Callable[[Response], list[str]]:
    wanted = list(ctx.world.sboms[rec.key])

    def check(response: Response) -> list[str]:
        problems = id_set_check(set(wanted), "SBOMs")(response)
        current = [item["id"] for item in response.json()["items"] if item["current"]]
        if current != wanted[-1:]:
            problems.append(f"current {current}, expected the last upload {wanted[-1]}")
        return problems
    return check


def system_findings_check(ctx: Ctx, rec: Rec) -> Callable[[Response], list[str]]:
    return id_set_check({ctx.world.findings[rec.key]}, "findings")


def system_vex_check(ctx: Ctx, rec: Rec) -> Callable[[Response], list[str]]:
    def check(response: Response) -> list[str]:
        body = response.json()
        problems = []
        ids = [v["id"] for v in body.get("vulnerabilities", [])]
        if ids != [ADVISORY_CVE]:
            problems.append(f"vulnerabilities {ids}, expected [{ADVISORY_CVE}]")
        if body.get("metadata", {}).get("component", {}).get("bom-ref") != rec.key:
            problems.append(f"VEX of {body.get('metadata', {}).get('component')}")
        if not (response.header("Content-Type") or "").startswith(CYCLONEDX_JSON):
            problems.append(f"Content-Type {response.header('Content-Type')}")
        return problems
    return check


def system_licenses_check(ctx: Ctx, rec: Rec) -> Callable[[Response], list[str]]:
    current = ctx.world.sboms[rec.key][-1]

    def check(response: Response) -> list[str]:
        body = response.json()
        problems = []
        licenses = {item["license"] for item in body["licenses"]}
        if body["sbom_id"] != current or body["components"] != SBOM_COMPONENTS:
            problems.append(f"SBOM {body['sbom_id']} of {body['components']} components, "
                            f"expected {current} of {SBOM_COMPONENTS}")
        if licenses != MATRIX_LICENSES:
            problems.append(f"licences {sorted(licenses)}")
        return problems
    return check


def sbom_reads(route: str, query: dict | None,
               check_of: Callable[[Ctx, Rec, str], Callable[[Response], list[str]]]
               ) -> Callable[[Ctx], Iterator[Case]]:
    """GET /api/v1/sboms/{id}…: 200 on the SBOMs of systems the caller reads, one 404 for the
    rest and for ids of no SBOM."""
    def cases(ctx: Ctx) -> Iterator[Case]:
        for sbom_id, rec in fixture_sboms(ctx):
            path = route.split(" ", 1)[1].replace("{id}", sbom_id)
            if rec is not None and ctx.world.visible(ctx.caller, rec):
                yield Case(route, path, query, expect=expect(200),
                           what=f"SBOM of own {rec.label()}", check=check_of(ctx, rec, sbom_id),
                           tolerate=ctx.world.actor_canaries(rec.key))
            else:
                yield Case(route, path, query, expect=expect(404), group=f"{route} 404",
                           what=f"SBOM of {rec.label()}" if rec else "nonexistent")
    return cases


def sbom_check(ctx: Ctx, rec: Rec, sbom_id: str) -> Callable[[Response], list[str]]:
    def check(response: Response) -> list[str]:
        body = response.json()
        got = (body["id"], body["system_id"], body["sequence"], body["components"])
        wanted = (sbom_id, rec.id, 1, SBOM_COMPONENTS)
        return [] if got == wanted else [f"(id, system, sequence, components) {got}, "
                                         f"expected {wanted}"]
    return check


def sbom_components_check(ctx: Ctx, rec: Rec, sbom_id: str) -> Callable[[Response], list[str]]:
    wanted = {c["name"] for c in json.loads(ctx.world.sbom_docs[rec.key])["components"]}

    def check(response: Response) -> list[str]:
        body = response.json()
        got = {item["name"] for item in body["items"]}
        return [] if got == wanted and body["total"] == len(wanted) else [
            f"components {sorted(got)} (total {body['total']}), expected {sorted(wanted)}"]
    return check


def sbom_diff_check(ctx: Ctx, rec: Rec, sbom_id: str) -> Callable[[Response], list[str]]:
    def check(response: Response) -> list[str]:
        body = response.json()
        got = (body["from"], body["to"]["id"], body["counts"]["added"])
        wanted = (None, sbom_id, SBOM_COMPONENTS)
        return [] if got == wanted else [f"(from, to, added) {got}, expected {wanted}"]
    return check


def sbom_document_check(ctx: Ctx, rec: Rec, sbom_id: str) -> Callable[[Response], list[str]]:
    def check(response: Response) -> list[str]:
        problems = []
        if response.body != ctx.world.sbom_docs[rec.key]:
            problems.append("not the uploaded document")
        if not (response.header("Content-Type") or "").startswith(CYCLONEDX_JSON):
            problems.append(f"Content-Type {response.header('Content-Type')}")
        return problems
    return check


def sbom_diffs(ctx: Ctx) -> Iterator[Case]:
    """Each fixture SBOM against its (absent) predecessor; then one SBOM the caller reads
    against every other: 422 otherSystem when the caller reads the other one too, else the same
    404 as an SBOM that does not exist (no answer tells another tenant's SBOM exists)."""
    route = "GET /api/v1/sboms/{id}/diff"
    yield from sbom_reads(route, None, sbom_diff_check)(ctx)
    world = ctx.world
    own = next(((i, r) for i, r in fixture_sboms(ctx)
                if r is not None and world.visible(ctx.caller, r)), None)
    if own is None:
        return
    own_id, own_rec = own
    for other_id, other in fixture_sboms(ctx):
        if other is own_rec:
            continue
        path = f"/api/v1/sboms/{own_id}/diff"
        what = f"against the SBOM of {other.label()}" if other else f"against {other_id}"
        if other is not None and world.visible(ctx.caller, other):
            response = yield Case(route, path, {"against": other_id}, expect=expect(422),
                                  what=what, tolerate=world.actor_canaries(own_rec.key))
            if response.status == 422 and "against" not in (error_of(response) or {}).get(
                    "fields", {}):
                ctx.violation(f"GET {path}?against={other_id}: 422 without field against")
        else:
            yield Case(route, path, {"against": other_id}, expect=expect(404),
                       group=f"{route} 404", what=what)


def findings_list(ctx: Ctx) -> Iterator[Case]:
    """Exactly the findings of the systems the caller reads, with every filter."""
    route = "GET /api/v1/findings"
    path = "/api/v1/findings"
    world = ctx.world
    readable = readable_systems(ctx)
    everything = {world.findings[k] for k in readable}
    for query in ({"per_page": 500}, {"state": "all", "per_page": 500},
                  {"vuln": ADVISORY_CVE, "per_page": 500}, {"vuln": ADVISORY_ID},
                  {"q": "canary", "per_page": 500}, {"severity": "critical", "per_page": 500},
                  {"sort": "system", "per_page": 500}):
        yield Case(route, path, query, expect=expect(200), check=id_set_check(everything))
    yield Case(route, path, {"state": "closed"}, expect=expect(200), check=id_set_check(set()))
    yield Case(route, path, {"sort": "-severity", "page": 2, "per_page": 1}, expect=expect(200),
               check=id_set_check(everything, subset=True))
    for key in world.sboms:
        rec = world.rec("systems", key)
        wanted = {world.findings[key]} if key in readable else set()
        yield Case(route, path, {"system_id": rec.id}, expect=expect(200),
                   check=id_set_check(wanted), what=f"system filter {rec.label()}")
        if key not in readable:
            yield Case(route, path, {"q": rec.canary}, expect=expect(200),
                       check=id_set_check(set()), what=f"search for {rec.label()}")
    for agency in world.live("agencies"):
        wanted = {world.findings[k] for k in readable
                  if world.rec("systems", k).agency == agency.key}
        yield Case(route, path, {"agency_id": agency.id}, expect=expect(200),
                   check=id_set_check(wanted), what=f"agency filter {agency.label()}")


def findings_summary(ctx: Ctx) -> Iterator[Case]:
    route = "GET /api/v1/findings/summary"
    path = "/api/v1/findings/summary"
    world = ctx.world
    readable = readable_systems(ctx)

    def check(keys: set[str]) -> Callable[[Response], list[str]]:
        def run(response: Response) -> list[str]:
            body = response.json()
            got = {s["system_key"] for s in body["systems"]}
            problems = []
            if got != keys:
                problems.append(f"systems {sorted(got)}, expected {sorted(keys)}")
            if body["open"] != len(keys):
                problems.append(f"open {body['open']}, expected {len(keys)}")
            return problems
        return run

    yield Case(route, path, expect=expect(200), check=check(readable))
    for key in world.sboms:
        rec = world.rec("systems", key)
        yield Case(route, path, {"system_id": rec.id}, expect=expect(200),
                   check=check({key} & readable), what=f"system filter {rec.label()}")
    for agency in world.live("agencies"):
        yield Case(route, path, {"agency_id": agency.id}, expect=expect(200),
                   check=check({k for k in readable
                                if world.rec("systems", k).agency == agency.key}),
                   what=f"agency filter {agency.label()}")


def finding_details(ctx: Ctx) -> Iterator[Case]:
    route = "GET /api/v1/findings/{id}"
    for finding_id, rec in fixture_findings(ctx):
        path = f"/api/v1/findings/{finding_id}"
        if rec is not None and ctx.world.visible(ctx.caller, rec):
            def check(response: Response, finding_id=finding_id, key=rec.key) -> list[str]:
                body = response.json()
                got = (body["id"], body["system_key"], body["advisory_id"])
                return [] if got == (finding_id, key, ADVISORY_ID) else [f"finding {got}"]
            yield Case(route, path, expect=expect(200), what=f"finding of own {rec.label()}",
                       check=check, tolerate=ctx.world.actor_canaries(rec.key))
        else:
            yield Case(route, path, expect=expect(404), group=f"{route} 404",
                       what=f"finding of {rec.label()}" if rec else "nonexistent")


def advisory_details(ctx: Ctx) -> Iterator[Case]:
    """Any signed-in caller reads an advisory; its systems are only those the caller reads."""
    route = "GET /api/v1/advisories/{id}"
    readable = readable_systems(ctx)

    def check(keys: set[str], records: list[str]) -> Callable[[Response], list[str]]:
        def run(response: Response) -> list[str]:
            body = response.json()
            got = {s["system_key"] for s in body["systems"]}
            problems = []
            if got != keys or body["affected"]["systems"] != len(keys):
                problems.append(f"systems {sorted(got)} (affected {body['affected']}), "
                                f"expected {sorted(keys)}")
            if [r["advisory_id"] for r in body["records"]] != records:
                problems.append(f"records {[r['advisory_id'] for r in body['records']]}")
            return problems
        return run

    for ident in (ADVISORY_ID, ADVISORY_CVE):
        yield Case(route, f"/api/v1/advisories/{ident}", expect=expect(200),
                   check=check(readable, [ADVISORY_ID]), what=ident)
    yield Case(route, f"/api/v1/advisories/{SPARE_ADVISORY_ID}", expect=expect(200),
               check=check(set(), [SPARE_ADVISORY_ID]), what="an advisory of no system")
    for ident in ("SG-MATRIX-9999", "CVE-2031-49999"):
        yield Case(route, f"/api/v1/advisories/{ident}", expect=expect(404),
                   group=f"{route} 404", what="no such advisory")


def packages(ctx: Ctx) -> Iterator[Case]:
    """Reverse lookup of a package: only the systems the caller reads, also for a package only
    another tenant's system has."""
    route = "GET /api/v1/packages"
    path = "/api/v1/packages"
    world = ctx.world
    readable = readable_systems(ctx)

    def check(keys: set[str]) -> Callable[[Response], list[str]]:
        def run(response: Response) -> list[str]:
            got = {s["system_key"] for s in response.json()["systems"]}
            return [] if got == keys else [f"systems {sorted(got)}, expected {sorted(keys)}"]
        return run

    yield Case(route, path, {"ecosystem": "Go", "name": MATRIX_PACKAGE}, expect=expect(200),
               check=check(readable))
    yield Case(route, path, {"ecosystem": "Go", "name": MATRIX_PACKAGE, "version": "v1.0.0"},
               expect=expect(200), check=check(readable))
    yield Case(route, path, {"ecosystem": "Go", "name": MATRIX_PACKAGE, "version": "v9.9.9"},
               expect=expect(200), check=check(set()))
    for key in world.sboms:
        rec = world.rec("systems", key)
        yield Case(route, path, {"ecosystem": "Go", "name": private_package(rec)},
                   expect=expect(200), check=check({key} & readable),
                   what=f"the private package of {rec.label()}")


def notifications_list(ctx: Ctx) -> Iterator[Case]:
    """Exactly the caller's alerts: its agency subtree's, its vendor's, the agencies' copies for
    the authority."""
    route = "GET /api/v1/notifications"
    path = "/api/v1/notifications"
    world = ctx.world
    if ctx.caller.role == "authority":
        for problem in world.notification_problems:
            ctx.violation(f"alerts of the fixture's uploads: {problem}")
    mine = [n for n in world.notifications if world.notification_visible(ctx.caller, n)]
    wanted = {n.id for n in mine}

    def recipients(response: Response) -> list[str]:
        body = response.json()
        model = {n.id: (n.system, n.recipient) for n in mine}
        got = {item["id"]: (item["details"].get("system_key"), item["recipient"])
               for item in body["items"] if item["id"] in model}
        problems = [f"alert {i}: {got[i]}, expected {model[i]}" for i in got if got[i] != model[i]]
        if not 0 <= body["unread"] <= body["total"]:
            problems.append(f"unread {body['unread']} of {body['total']}")
        return problems

    def both(check_a, check_b):
        return lambda response: check_a(response) + check_b(response)

    yield Case(route, path, {"per_page": 500}, expect=expect(200),
               check=both(id_set_check(wanted, "alerts"), recipients))
    yield Case(route, path, {"kind": "sbomFindings", "per_page": 500}, expect=expect(200),
               check=id_set_check(wanted, "alerts"))
    yield Case(route, path, {"unread": "true", "per_page": 500}, expect=expect(200),
               check=id_set_check(wanted, "alerts", subset=True))


# State checks of the vulnerability writes: the authority re-reads the findings and SBOM counts.

def finding_states(world: World) -> dict[str, tuple]:
    states = {}
    for key, finding_id in world.findings.items():
        body = world.authority.ok("GET", f"/api/v1/findings/{finding_id}")
        states[key] = (body["status"], body["justification"], body["comment"], body["response"],
                       body["decided_at"], body["closed_at"], len(body["history"]))
    return states


def check_findings_unchanged(ctx: Ctx, before: dict[str, tuple], written: set[str],
                             after_what: str) -> None:
    after = finding_states(ctx.world)
    for key in sorted(before):
        if key not in written and before[key] != after.get(key):
            ctx.violation(f"after {after_what}: the finding of systems/{key} changed: "
                          f"{before[key]} → {after.get(key)}")


def check_sbom_counts(ctx: Ctx, after_what: str) -> None:
    """Every system has exactly the SBOM versions of the model (refused uploads stored none)."""
    world = ctx.world
    for key, ids in world.sboms.items():
        rec = world.rec("systems", key)
        body = world.authority.ok("GET", f"/api/v1/systems/{rec.id}/sboms", per_page=500)
        got = sorted((item["id"] for item in body["items"]), key=int)
        if got != sorted(ids, key=int):
            ctx.violation(f"after {after_what}: {rec.label()} has SBOMs {got}, expected {ids}")
            world.sboms[key] = got   # the model follows, so one violation is reported once


def write_rights(ctx: Ctx, rec: Rec | None) -> bool | None:
    return None if rec is None else ctx.world.may_write_sboms(ctx.caller, rec)


def sbom_uploads(ctx: Ctx) -> Iterator[Case]:
    """The system's own SBOM again: 201 as a new version with the same finding (nothing new),
    403 on a system the caller reads but may not write, 404 otherwise; nothing stored then."""
    route = "POST /api/v1/systems/{id}/sboms"
    world = ctx.world
    for system_id, rec in id_targets(ctx, "systems"):
        path = f"/api/v1/systems/{system_id}/sboms"
        rights = write_rights(ctx, rec)
        document = world.sbom_docs.get(rec.key) if rec else None
        document = document or sbom_document(None)
        if rights:
            sequence = len(world.sboms[rec.key]) + 1

            def check(response: Response, sequence=sequence) -> list[str]:
                body = response.json()
                got = (body["sequence"], body["components"], body["findings"]["total"],
                       body["findings"]["new"])
                wanted = (sequence, SBOM_COMPONENTS, 1, 0)
                return [] if got == wanted else [f"(sequence, components, findings, new) {got},"
                                                 f" expected {wanted}"]
            response = yield Case(route, path, raw=document, content_type=CYCLONEDX_JSON,
                                  expect=expect(201), check=check, what=f"own {rec.label()}")
        elif rights is False:
            response = yield Case(route, path, raw=document, content_type=CYCLONEDX_JSON,
                                  expect=expect(403), what=f"read-only {rec.label()}")
            forbidden_code(ctx, f"POST {path}", response)
        else:
            response = yield Case(route, path, raw=document, content_type=CYCLONEDX_JSON,
                                  expect=expect(404), group=f"{route} 404",
                                  what=rec.label() if rec else "nonexistent")
        if response.status == 201 and rec is not None and rec.key in world.sboms:
            world.sboms[rec.key].append(response.json()["id"])
            world.acted(ctx.caller, rec.key)
    check_sbom_counts(ctx, "uploads")


def finding_patches(ctx: Ctx) -> Iterator[Case]:
    """Triage (the finding's state again): 200 where the caller may write the system, 403 where
    it only reads it, 404 otherwise; refused ones change nothing."""
    route = "PATCH /api/v1/findings/{id}"
    world = ctx.world
    before = finding_states(world)
    written: set[str] = set()
    for finding_id, rec in fixture_findings(ctx):
        path = f"/api/v1/findings/{finding_id}"
        rights = write_rights(ctx, rec)
        if rights:
            def check(response: Response) -> list[str]:
                body = response.json()
                last = body["history"][-1] if body["history"] else {}
                if body["status"] == TRIAGE["status"] and last.get("by") == ctx.caller.email:
                    return []
                return [f"status {body['status']}, last decision {last}"]
            world.acted(ctx.caller, rec.key)   # the answer names the caller as the decider
            written.add(rec.key)
            response = yield Case(route, path, body=TRIAGE, expect=expect(200), check=check,
                                  what=f"finding of own {rec.label()}",
                                  tolerate=world.actor_canaries(rec.key))
        elif rights is False:
            response = yield Case(route, path, body=TRIAGE, expect=expect(403),
                                  what=f"finding of read-only {rec.label()}")
            forbidden_code(ctx, f"PATCH {path}", response)
        else:
            response = yield Case(route, path, body=TRIAGE, expect=expect(404),
                                  group=f"{route} 404",
                                  what=f"finding of {rec.label()}" if rec else "nonexistent")
        if response.status == 200 and rec is not None and not rights:
            world.acted(ctx.caller, rec.key)
            written.add(rec.key)   # reported above; not again as a change
    check_findings_unchanged(ctx, before, written, "refused PATCHes of findings")


def vex_imports(ctx: Ctx) -> Iterator[Case]:
    """A VEX document deciding the advisory (its state again): 200 applied to the system's one
    finding where the caller may write, 403 where it only reads, 404 otherwise."""
    route = "POST /api/v1/systems/{id}/vex"
    world = ctx.world
    before = finding_states(world)
    written: set[str] = set()
    for system_id, rec in id_targets(ctx, "systems"):
        path = f"/api/v1/systems/{system_id}/vex"
        rights = write_rights(ctx, rec)
        if rights:
            def check(response: Response) -> list[str]:
                body = response.json()
                got = (body["entries"], body["applied"], body["unmatched"])
                return [] if got == (1, 1, []) else [f"(entries, applied, unmatched) {got}"]
            world.acted(ctx.caller, rec.key)
            written.add(rec.key)
            response = yield Case(route, path, raw=VEX_DOCUMENT.encode(),
                                  content_type=CYCLONEDX_JSON, expect=expect(200), check=check,
                                  what=f"own {rec.label()}")
        elif rights is False:
            response = yield Case(route, path, raw=VEX_DOCUMENT.encode(),
                                  content_type=CYCLONEDX_JSON, expect=expect(403),
                                  what=f"read-only {rec.label()}")
            forbidden_code(ctx, f"POST {path}", response)
        else:
            response = yield Case(route, path, raw=VEX_DOCUMENT.encode(),
                                  content_type=CYCLONEDX_JSON, expect=expect(404),
                                  group=f"{route} 404",
                                  what=rec.label() if rec else "nonexistent")
        if response.status == 200 and rec is not None and not rights:
            world.acted(ctx.caller, rec.key)
            written.add(rec.key)
    check_findings_unchanged(ctx, before, written, "refused VEX imports")


def notification_marks(ctx: Ctx) -> Iterator[Case]:
    """Marking one alert read: 204 for the caller's own, one 404 for another tenant's and for
    ids of no alert; then every own alert is read (for this user only)."""
    route = "POST /api/v1/notifications/{id}/read"
    world = ctx.world
    targets = [(n.id, n) for n in world.notifications] + [(NONEXISTENT_ID, None),
                                                          ("not-an-id", None)]
    for alert_id, alert in targets:
        path = f"/api/v1/notifications/{alert_id}/read"
        if alert is not None and world.notification_visible(ctx.caller, alert):
            yield Case(route, path, expect=expect(204), what=f"own {alert.label()}")
        else:
            yield Case(route, path, expect=expect(404), group=f"{route} 404",
                       what=alert.label() if alert else "nonexistent")
    unread = ctx.caller.client.get("/api/v1/notifications", unread="true")
    world.request_count += 1
    ctx.leak_check("GET /api/v1/notifications?unread=true after the marks", unread.text,
                   unread.status)
    if unread.status == 200 and unread.json()["total"] != 0:
        ctx.violation(f"after marking every own alert read, {unread.json()['total']} unread")


def notifications_mark_all(ctx: Ctx) -> Iterator[Case]:
    yield Case("POST /api/v1/notifications/read", "/api/v1/notifications/read",
               expect=expect(204))


# ------------------------------------------------------------------------------------------------
# The recipe table, in the order the matrix runs it. Keys are "METHOD /path" as in openapi.json.

ROUTES: dict[str, Recipe] = {
    "GET /healthz": Recipe(public_get("GET /healthz"), "public"),
    "GET /metrics": Recipe(public_get("GET /metrics"), "public"),
    "GET /api/v1/openapi.json": Recipe(public_get("GET /api/v1/openapi.json"), "public"),
    "POST /api/v1/session": Recipe(sign_in_refusals, "public", writes=True),
    "GET /api/v1/session": Recipe(session_get, ""),
    "GET /api/v1/{collection}": Recipe(registry_lists, "read"),
    "GET /api/v1/{collection}/{id}": Recipe(registry_details, "read"),
    "GET /api/v1/{collection}/{id}/history": Recipe(registry_histories, "read"),
    "GET /api/v1/reports/concentration": Recipe(concentration, "read"),
    "PATCH /api/v1/{collection}/{id}": Recipe(registry_patches, "", writes=True),
    "DELETE /api/v1/{collection}/{id}": Recipe(registry_deletes, "", writes=True),
    "POST /api/v1/{collection}": Recipe(registry_creates, "", writes=True),
    "POST /api/v1/import/{kind}": Recipe(imports, "", writes=True),
    "GET /api/v1/systems/{id}/sboms": Recipe(
        system_reads("GET /api/v1/systems/{id}/sboms", {"per_page": 500}, system_sboms_check),
        "read"),
    "GET /api/v1/systems/{id}/findings": Recipe(
        system_reads("GET /api/v1/systems/{id}/findings", {"state": "all"},
                     system_findings_check), "read"),
    "GET /api/v1/systems/{id}/vex": Recipe(
        system_reads("GET /api/v1/systems/{id}/vex", None, system_vex_check), "read"),
    "GET /api/v1/systems/{id}/licenses": Recipe(
        system_reads("GET /api/v1/systems/{id}/licenses", None, system_licenses_check), "read"),
    "GET /api/v1/sboms/{id}": Recipe(sbom_reads("GET /api/v1/sboms/{id}", None, sbom_check),
                                     "read"),
    "GET /api/v1/sboms/{id}/components": Recipe(
        sbom_reads("GET /api/v1/sboms/{id}/components", {"per_page": 500},
                   sbom_components_check), "read"),
    "GET /api/v1/sboms/{id}/diff": Recipe(sbom_diffs, "read"),
    "GET /api/v1/sboms/{id}/document": Recipe(
        sbom_reads("GET /api/v1/sboms/{id}/document", None, sbom_document_check), "read"),
    "GET /api/v1/findings": Recipe(findings_list, "read"),
    "GET /api/v1/findings/summary": Recipe(findings_summary, "read"),
    "GET /api/v1/findings/{id}": Recipe(finding_details, "read"),
    "GET /api/v1/advisories/{id}": Recipe(advisory_details, "read"),
    "GET /api/v1/packages": Recipe(packages, "read"),
    "GET /api/v1/notifications": Recipe(notifications_list, "read"),
    "POST /api/v1/systems/{id}/sboms": Recipe(sbom_uploads, "sboms:write", writes=True),
    "PATCH /api/v1/findings/{id}": Recipe(finding_patches, "", writes=True),
    "POST /api/v1/systems/{id}/vex": Recipe(vex_imports, "sboms:write", writes=True),
    "POST /api/v1/notifications/{id}/read": Recipe(notification_marks, "", writes=True),
    "POST /api/v1/notifications/read": Recipe(notifications_mark_all, "", writes=True),
    "GET /api/v1/users": Recipe(users_list, "admin"),
    "POST /api/v1/users": Recipe(users_invite, "admin", writes=True),
    "PATCH /api/v1/users/{id}": Recipe(
        user_admin_route("PATCH /api/v1/users/{id}", {"disabled": False}, 200), "admin",
        writes=True),
    "POST /api/v1/users/{id}/invitation": Recipe(
        user_admin_route("POST /api/v1/users/{id}/invitation", None, 201), "admin",
        writes=True),
    "POST /api/v1/users/{id}/mfa/reset": Recipe(
        user_admin_route("POST /api/v1/users/{id}/mfa/reset", None, 204), "admin", writes=True),
    "GET /api/v1/invitations/{token}": Recipe(
        invitations_unknown("GET /api/v1/invitations/{token}"), "public"),
    "POST /api/v1/invitations/{token}": Recipe(
        invitations_unknown("POST /api/v1/invitations/{token}"), "public", writes=True),
    "POST /api/v1/password-reset": Recipe(password_reset_requests, "public", writes=True),
    "GET /api/v1/password-reset/{token}": Recipe(
        invitations_unknown("GET /api/v1/password-reset/{token}"), "public"),
    "POST /api/v1/password-reset/{token}": Recipe(
        invitations_unknown("POST /api/v1/password-reset/{token}"), "public", writes=True),
    "GET /api/v1/audit-log": Recipe(audit_log, "admin"),
    "GET /api/v1/audit-log/export": Recipe(audit_export, "admin"),
    "GET /api/v1/audit-log/verify": Recipe(audit_verify, "admin"),
    "GET /api/v1/tokens": Recipe(tokens_get, ""),
    "POST /api/v1/tokens": Recipe(tokens_post, "", writes=True),
    "DELETE /api/v1/tokens/{id}": Recipe(tokens_delete, "", writes=True),
    "POST /api/v1/me/password": Recipe(me_password, "", writes=True),
    "POST /api/v1/me/mfa/totp": Recipe(me_totp, "", writes=True),
    "POST /api/v1/me/mfa/totp/confirm": Recipe(me_totp_confirm, "", writes=True),
    "GET /api/v1/me/sessions": Recipe(me_sessions_get, ""),
    "DELETE /api/v1/me/sessions/{id}": Recipe(me_sessions_delete_one, "", writes=True),
    "DELETE /api/v1/session": Recipe(session_delete, "", writes=True),
    "DELETE /api/v1/me/sessions": Recipe(me_sessions_delete_all, "", writes=True),
}

# The routes of SBOMs, findings, VEX, advisories and alerts (issue 4).
VULNERABILITY_ROUTES = {r for r in ROUTES if re.search(
    r"/sboms|/findings|/vex|/licenses|/advisories|/packages|/notifications", r)}

# Routes of the document the matrix deliberately does not send, with the reason. (None today:
# every route is exercised; a route added here is still checked to exist in the document.)
NOT_EXERCISED: dict[str, str] = {}

# Path parameters whose values the document enumerates must all be known to the recipes.
ENUMERATED = {"collection": set(COLLECTIONS), "kind": set(COLLECTIONS)}


def openapi_routes(document: dict) -> list[str]:
    return [f"{method.upper()} {path}" for path, item in document["paths"].items()
            for method in item if method in HTTP_METHODS]


# ------------------------------------------------------------------------------------------------
# Fixtures and tests


@pytest.fixture(scope="module")
def world(backend, make_database, start_server) -> Iterator[World]:
    started = time.monotonic()
    built = build(backend, make_database(), start_server)
    built.baseline = registry_state(built)
    built.started = started
    yield built


def test_every_route_has_a_recipe(world):
    """openapi.json is the list of routes: each needs a recipe or a reason not to exercise it."""
    routes = openapi_routes(world.openapi)
    missing = [r for r in routes if r not in ROUTES and r not in NOT_EXERCISED]
    stale = [r for r in list(ROUTES) + list(NOT_EXERCISED) if r not in routes]
    both = [r for r in ROUTES if r in NOT_EXERCISED]
    problems = []
    if missing:
        problems.append(f"routes without a recipe in test_authz_matrix.ROUTES: {missing}")
    if stale:
        problems.append(f"recipes of routes the document no longer has: {stale}")
    if both:
        problems.append(f"routes both exercised and listed as not exercised: {both}")
    for path, item in world.openapi["paths"].items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            for parameter in operation.get("parameters", []):
                values = set(parameter.get("schema", {}).get("enum", []))
                known = ENUMERATED.get(parameter.get("name"))
                if parameter.get("in") == "path" and values and (known is None
                                                                  or values - known):
                    problems.append(f"{method.upper()} {path}: path parameter "
                                    f"{parameter['name']} takes {sorted(values)}, the matrix "
                                    f"knows {sorted(known or [])}")
    assert not problems, "\n".join(problems)


def assignment_skip(world: World, name: str) -> None:
    user = world.users[name]
    if user.assignment and not world.assignments_available:
        pytest.skip(f"{name}: {world.assignments_reason}")


@pytest.mark.parametrize("name", CALLERS)
def test_matrix(world, name):
    """Every route of ROUTES, for one caller: reads, writes, users, tokens, sessions, log."""
    assignment_skip(world, name)
    ctx = Ctx(world, world.users[name])
    for route, recipe in ROUTES.items():
        drive(ctx, route, recipe)
    ctx.finish_groups()
    world.callers_done.add(name)
    if name == "authority":
        # What the authority, who may see everything, must have received: the control that the
        # canaries are there to be found (checked in test_every_route_was_exercised).
        world.authority_seen = ctx.seen
        world.authority_expected = {r.canary.lower() for r in world.records.values()
                                    if not r.deleted} | {u.canary for u in world.users.values()
                                                         if u.canary}
    assert not ctx.violations, ctx.report()


TOKEN_CALLERS = ["authority", "x0_officer", "x0_admin", "y1_officer", "va_vendor", "va_admin",
                 "vs_vendor", "auditor", "auditor_va"]


@pytest.mark.parametrize("name", TOKEN_CALLERS)
def test_matrix_with_api_tokens(world, name):
    """The read routes again with the caller's API tokens: a read token reads what the session
    reads; an admin token only administers; an sboms:write token uploads SBOMs and VEX where the
    session may (and reads nothing); none writes the registry, manages tokens or sessions."""
    assignment_skip(world, name)
    user = world.users[name]
    ctx = None
    reports = []
    for token, scope in ((user.read_token, "read"), (user.admin_token, "admin"),
                         (user.sboms_token, "sboms:write")):
        if not token:
            continue
        ctx = Ctx(world, user, token=token, token_scope=scope)
        for route, recipe in ROUTES.items():
            if scope == "sboms:write":
                # Its uploads; of the reads (all refused), those of SBOMs, findings and alerts.
                wanted = recipe.token_scope == scope or (
                    route.startswith("GET ") and route in VULNERABILITY_ROUTES)
            else:
                wanted = route.startswith("GET ") and not recipe.writes
            if wanted:
                drive(ctx, route, recipe)
        if scope != "sboms:write":
            # An upload with a token without sboms:write: refused, nothing stored.
            writable = next((world.rec("systems", key) for key in world.sboms
                             if world.may_write_sboms(user, world.rec("systems", key))), None)
            if writable is not None:
                ctx.run(Case("POST /api/v1/systems/{id}/sboms",
                             f"/api/v1/systems/{writable.id}/sboms",
                             raw=world.sbom_docs[writable.key], content_type=CYCLONEDX_JSON,
                             what=f"upload with a {scope} token"), Recipe(None, ""))
                check_sbom_counts(ctx, f"an upload with a {scope} token")
        # Writes with a token: refused, and nothing changes.
        own = next((r for r in world.live("systems") + world.live("vendors")
                    if world.visible(user, r) and world.may_write(user, r)), None)
        if own is not None:
            ctx.run(Case("PATCH /api/v1/{collection}/{id}",
                         f"/api/v1/{own.collection}/{own.id}",
                         body={NAME_FIELD[own.collection]: "changed by a token"},
                         what=f"write with a {scope} token"), Recipe(None, ""))
        ctx.run(Case("POST /api/v1/tokens", "/api/v1/tokens",
                     body={"name": "from a token", "scopes": ["read"],
                           "expires_at": "2099-01-01T00:00:00Z"}), Recipe(None, ""))
        ctx.run(Case("DELETE /api/v1/me/sessions", "/api/v1/me/sessions"), Recipe(None, ""))
        check_registry_unchanged(ctx, f"writes with a {scope} token")
        ctx.finish_groups()
        if ctx.violations:
            reports.append(f"[{scope} token] " + ctx.report())
    if user.client.get("/api/v1/session").status != 200:
        reports.append(f"{name}: a token request ended the user's session")
    assert not reports, "\n".join(reports)


def test_every_route_was_exercised(world):
    """Runs last: every recipe sent requests, and the canaries were there to be found (the
    authority, who may see everything, received every record's and every user's canary)."""
    wanted = {n for n in CALLERS
              if not (world.users[n].assignment and not world.assignments_available)}
    if not wanted <= world.callers_done:
        pytest.skip(f"only part of the matrix ran ({sorted(world.callers_done)})")
    problems = []
    unexercised = [r for r in ROUTES if r not in world.routes_hit]
    if unexercised:
        problems.append(f"recipes that sent nothing: {unexercised}")
    absent = sorted(world.authority_expected - world.authority_seen)
    if absent:
        problems.append(f"canaries the authority never received (the check could not see "
                        f"them leak): {absent[:10]}")
    elapsed = time.monotonic() - world.started
    print(f"\nauthorisation matrix on {world.backend}: {world.request_count} requests by the "
          f"matrix, {elapsed:.1f} s including set-up; audit assignments "
          f"{'tested' if world.assignments_available else 'skipped: ' + world.assignments_reason}")
    assert not problems, "\n".join(problems)
