"""The read cache (lists, details, concentration): never stale after a write, never shared
across tenants. Answers are cached per registry generation and per reader's scope and date."""

from __future__ import annotations

import re
import time

import registry_data as data
from sg_http import Client, fresh_tax_ids, run_cli, unique

SYSTEM_FIELDS = {"confidentiality": "normal", "integrity": "normal", "availability": "normal",
                 "legal": "normal"}


def cache_counter(client: Client, name: str) -> int:
    text = client.get("/metrics").text
    match = re.search(rf"^supplyguard_read_cache_{name} (\d+)$", text, re.MULTILINE)
    assert match, text
    return int(match.group(1))


def test_a_repeated_read_is_answered_from_the_cache(authority):
    path = "/api/v1/contracts"
    first = authority.ok("GET", path, sort="-amount", per_page=7)
    hits = cache_counter(authority, "hits_total")
    assert authority.ok("GET", path, sort="-amount", per_page=7) == first
    assert cache_counter(authority, "hits_total") == hits + 1


def test_the_authoritys_cached_answers_are_not_given_to_tenants(authority, officer, vendor_user,
                                                                 ids):
    # The authority reads first, so that each URL is in the cache when the tenants ask.
    for collection in ("agencies", "vendors", "systems", "contracts"):
        authority.list(collection)
    authority.ok("GET", "/api/v1/reports/concentration")
    authority.ok("GET", f"/api/v1/systems/{ids['S-A0200-1']}")
    officer_agencies = {item["code"] for item in officer.list("agencies")["items"]}
    assert officer_agencies == {"A0101", "A0102"}
    vendor_contracts = {item["contract_id"] for item in vendor_user.list("contracts")["items"]}
    assert vendor_contracts == {"C-101", "C-102", "C-OLD"}
    vendor_rows = vendor_user.ok("GET", "/api/v1/reports/concentration")["items"]
    assert [row["vendor_tax_id"] for row in vendor_rows] == [data.V1]
    assert officer.get(f"/api/v1/systems/{ids['S-A0200-1']}").status == 404
    assert vendor_user.get(f"/api/v1/systems/{ids['S-A0200-1']}").status == 404


def test_a_write_is_seen_by_the_next_read(authority):
    code = unique("RC")
    query = {"q": code, "per_page": 5}
    assert authority.ok("GET", "/api/v1/agencies", **query)["total"] == 0
    created = authority.ok("POST", "/api/v1/agencies",
                           {"code": code, "name": f"Cache {code}", "level": "C",
                            "kind": "local"}, status=201)
    path = f"/api/v1/agencies/{created['id']}"
    assert authority.ok("GET", "/api/v1/agencies", **query)["total"] == 1
    assert authority.ok("GET", path)["name"] == f"Cache {code}"
    authority.ok("PATCH", path, {"name": f"Renamed {code}"})
    assert authority.ok("GET", path)["name"] == f"Renamed {code}"
    assert authority.ok("GET", "/api/v1/agencies", **query)["items"][0]["name"] == \
        f"Renamed {code}"
    authority.ok("DELETE", path, status=204)
    assert authority.get(path).status == 404
    assert authority.ok("GET", "/api/v1/agencies", **query)["total"] == 0


def test_a_write_by_another_process_is_seen_by_the_next_read(env, authority, tmp_path):
    """The CLI imports into the database the server is using: the server's cache must notice."""
    tax_id = fresh_tax_ids(1)[0]
    agency = unique("RP")
    system = unique("SP")
    contract = unique("CP")
    authority.ok("POST", "/api/v1/agencies", {"code": agency, "name": "Process agency",
                                              "level": "C", "kind": "local"}, status=201)
    authority.ok("POST", "/api/v1/vendors", {"tax_id": tax_id, "name": "Process vendor"},
                 status=201)
    authority.ok("POST", "/api/v1/systems", {"agency_code": agency, "system_id": system,
                                             "name": "Process system", **SYSTEM_FIELDS},
                 status=201)
    before = {row["vendor_tax_id"]: row
              for row in authority.ok("GET", "/api/v1/reports/concentration")["items"]}
    assert tax_id not in before
    assert authority.ok("GET", "/api/v1/contracts", contract_id=contract)["total"] == 0
    csv_path = tmp_path / f"{contract}.csv"
    csv_path.write_text(
        "contract_id,agency_code,vendor_tax_id,title,service_type,amount,start_date,end_date,"
        "system_ids\n"
        f"{contract},{agency},{tax_id},Process contract,system_maintenance,500,2020-01-01,"
        f"2099-12-31,{system}\n", encoding="utf-8")
    done = run_cli("import", "contracts", str(csv_path), "--db", env.database.url)
    assert done.returncode == 0, done.stdout + done.stderr
    # SQLite servers read the generation on every request; PostgreSQL servers hear of the commit
    # through LISTEN, asynchronously (normally within a millisecond): allow them a moment.
    deadline = time.monotonic() + (3 if env.backend == "postgres" else 0)
    while (authority.ok("GET", "/api/v1/contracts", contract_id=contract)["total"] == 0
           and time.monotonic() < deadline):
        time.sleep(0.01)
    assert authority.ok("GET", "/api/v1/contracts", contract_id=contract)["total"] == 1
    after = {row["vendor_tax_id"]: row
             for row in authority.ok("GET", "/api/v1/reports/concentration")["items"]}
    assert after[tax_id]["agencies"] == 1
    assert after[tax_id]["systems"] == 1
    assert after[tax_id]["amount"] == 500


def histogram_count(client: Client, name: str) -> int:
    text = client.get("/metrics").text
    match = re.search(rf"^supplyguard_http_{name}_count (\d+)$", text, re.MULTILINE)
    assert match, text
    return int(match.group(1))


def test_a_cached_read_is_answered_without_a_worker_only_while_nothing_changed(backend,
                                                                               authority):
    """On PostgreSQL a cached read of a session kept in memory is answered on the I/O thread
    (no wait for a worker); on SQLite, with no change feed, every read goes to a worker. After
    a write, the next read goes to a worker again and sees the change."""
    path = "/api/v1/agencies"
    authority.ok("GET", path, per_page=3)
    authority.ok("GET", path, per_page=3)  # the session and the answer are now both in memory
    before = histogram_count(authority, "queue_wait_seconds")
    first = authority.ok("GET", path, per_page=3)
    after = histogram_count(authority, "queue_wait_seconds")
    # The second /metrics request itself waited for a worker: one more on the counter.
    assert after - before == (1 if backend == "postgres" else 2)

    code = unique("IO")
    authority.ok("POST", "/api/v1/agencies", {"code": code, "name": f"I/O {code}", "level": "C",
                                              "kind": "local"}, status=201)
    before = histogram_count(authority, "queue_wait_seconds")
    second = authority.ok("GET", path, per_page=3)
    after = histogram_count(authority, "queue_wait_seconds")
    assert after - before == 2
    assert second["total"] == first["total"] + 1
