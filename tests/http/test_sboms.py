"""SBOM uploads, advisory imports, findings and alerts (issue 4) through the real binary and HTTP
API, on both databases, with public SBOMs and advisory databases (../shared/reference/sbom-data).

The module has a server and registry of its own, because advisory imports reach every system:

    AG-1 (agency; the officer's) ─ AG-2 (under AG-1)        AG-9 (unrelated agency)
    K-1  AG-1  vendor VX  systems SYS-1, SYS-2   in force (subcontractor VS)
    K-9  AG-9  vendor VY  system  SYS-9          in force
    K-0  AG-1  vendor VY  system  SYS-0          ended in 2010
"""

from __future__ import annotations

import copy
import datetime
import json
import os
import pathlib
import signal
import subprocess
import time

import pytest

from sg_http import Client, add_user, binary, csv_text, fresh_tax_ids, migrate, run_cli, KEY_DIR

DATA = pathlib.Path(os.environ.get("SG_SOURCE_DIR", pathlib.Path(__file__).parents[2])) / \
    ".." / "shared" / "reference" / "sbom-data"
PROTON = DATA / "cyclonedx-bom-examples" / "SBOM" / "proton-bridge"
PROTON_JSON = PROTON / "proton-bridge-v1.6.3.bom.json"
GO_VULNDB = DATA / "osv-golang-vulndb" / "data" / "osv"
KEV = DATA / "kev" / "known_exploited_vulnerabilities.json"
JWT_PURL = "pkg:golang/github.com/dgrijalva/jwt-go@v3.2.0"
CYCLONEDX_JSON = "application/vnd.cyclonedx+json"
VX, VY, VS = fresh_tax_ids(3)
USERS = {
    "authority": "sbom-authority@test.gov.tw",
    "officer": "sbom-officer@test.gov.tw",
    "vendor_x": "sbom-vx@test.gov.tw",
    "vendor_y": "sbom-vy@test.gov.tw",
    "subcontractor": "sbom-vs@test.gov.tw",
    "auditor": "sbom-auditor@test.gov.tw",
}


class VulnEnv:
    def __init__(self, url: str, server, clients: dict[str, Client], ids: dict[str, str]):
        self.url = url
        self.server = server
        self.clients = clients
        self.ids = ids

    def import_advisories(self, path: pathlib.Path | str) -> subprocess.CompletedProcess:
        return run_cli("advisories", "import", str(path), "--db", self.url)


@pytest.fixture(scope="module")
def venv(make_database, start_server) -> VulnEnv:
    database = make_database()
    migrate(database.url)
    add_user(database.url, USERS["authority"], "authority")
    add_user(database.url, USERS["auditor"], "auditor")
    server = start_server(database.url, "--sbom-max-mib", "2")
    authority = Client(server.base_url).signed_in(USERS["authority"])
    rows = {
        "agencies": [["code", "name", "parent_code", "level", "kind"],
                     ["AG-1", "SBOM 機關一", "", "A", "central"],
                     ["AG-2", "SBOM 機關二", "AG-1", "B", "central"],
                     ["AG-9", "SBOM 機關九", "", "A", "local"]],
        "vendors": [["tax_id", "name"], [VX, "SBOM Vendor X"], [VY, "SBOM Vendor Y"],
                    [VS, "SBOM Subcontractor"]],
        "systems": [["agency_code", "system_id", "name", "confidentiality", "integrity",
                     "availability", "legal"],
                    ["AG-1", "SYS-1", "Mail bridge", "high", "high", "medium", "normal"],
                    ["AG-2", "SYS-2", "Branch portal", "normal", "normal", "normal", "normal"],
                    ["AG-9", "SYS-9", "Other portal", "normal", "normal", "normal", "normal"],
                    ["AG-1", "SYS-0", "Old system", "normal", "normal", "normal", "normal"]],
        "contracts": [["contract_id", "agency_code", "vendor_tax_id", "title", "service_type",
                       "amount", "start_date", "end_date", "system_ids",
                       "subcontractor_tax_ids"],
                      ["K-1", "AG-1", VX, "Maintenance", "system_maintenance", "100",
                       "2020-01-01", "2099-12-31", "SYS-1;SYS-2", VS],
                      ["K-9", "AG-9", VY, "Portal", "system_development", "100",
                       "2020-01-01", "2099-12-31", "SYS-9", ""],
                      ["K-0", "AG-1", VY, "Old", "system_development", "100",
                       "2005-01-01", "2010-12-31", "SYS-0", ""]],
    }
    for kind in ("agencies", "vendors", "systems", "contracts"):
        authority.imported(kind, csv_text(rows[kind]), filename=f"{kind}.csv")
    add_user(database.url, USERS["officer"], "agency_officer", agency="AG-1")
    add_user(database.url, USERS["vendor_x"], "vendor", vendor=VX)
    add_user(database.url, USERS["vendor_y"], "vendor", vendor=VY)
    add_user(database.url, USERS["subcontractor"], "vendor", vendor=VS)
    clients = {"authority": authority}
    for key in ("officer", "vendor_x", "vendor_y", "subcontractor", "auditor"):
        clients[key] = Client(server.base_url).signed_in(USERS[key])
    ids = {item["system_id"]: item["id"]
           for item in authority.list("systems")["items"]}
    return VulnEnv(database.url, server, clients, ids)


def upload(client: Client, system_id: str, document: bytes | str, content_type=CYCLONEDX_JSON,
           **query):
    return client.request("POST", f"/api/v1/systems/{system_id}/sboms", body=document,
                          headers={"Content-Type": content_type}, query=query or None)


def token_client(venv: VulnEnv, user: str, scopes: list[str]) -> Client:
    """A client that authenticates with a new API token of `user` (no cookie)."""
    owner = venv.clients[user]
    token = owner.ok("POST", "/api/v1/tokens",
                     {"name": f"ci-{'-'.join(scopes)}-{time.monotonic_ns()}", "scopes": scopes,
                      "expires_at": (datetime.datetime.now(datetime.timezone.utc)
                                     + datetime.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")}, status=201)["token"]

    class TokenClient(Client):
        def request(self, method, path, body=None, headers=None, **kwargs):
            headers = dict(headers or {}, Authorization=f"Bearer {token}")
            return super().request(method, path, body=body, headers=headers, cookie=False,
                                   csrf=False, **kwargs)

    return TokenClient(venv.server.base_url)


def findings(client: Client, **query) -> list[dict]:
    query.setdefault("per_page", 500)
    return client.ok("GET", "/api/v1/findings", **query)["items"]


def offline_scan(sbom: pathlib.Path) -> dict:
    done = run_cli("sbom", "scan", "--sbom", str(sbom), "--advisories", str(GO_VULNDB))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


# ---- Advisory imports


def test_an_osv_directory_imports_once_and_a_second_run_changes_nothing(venv):
    first = venv.import_advisories(GO_VULNDB)
    assert first.returncode == 0, first.stderr
    assert "4291 read, 4291 created, 0 updated, 0 unchanged, 0 refused" in first.stdout
    again = venv.import_advisories(GO_VULNDB)
    assert again.returncode == 0, again.stderr
    assert "4291 read, 0 created, 0 updated, 4291 unchanged" in again.stdout


def test_unknown_or_missing_advisory_files_are_refused_with_a_message(venv, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("hello\n")
    done = venv.import_advisories(junk)
    assert done.returncode != 0
    assert "not an advisory file" in done.stderr
    done = venv.import_advisories(tmp_path / "missing.json")
    assert done.returncode != 0 and "neither a directory nor a readable file" in done.stderr


# ---- Uploads and matching


def test_a_vendor_ci_uploads_with_an_sboms_write_token_and_gets_the_offline_findings(venv):
    ci = token_client(venv, "vendor_x", ["sboms:write"])
    response = upload(ci, venv.ids["SYS-1"], PROTON_JSON.read_bytes(), version="1.6.3")
    assert response.status == 201, response
    answer = response.json()
    assert answer["components"] == 201 and answer["sequence"] == 1
    assert answer["version"] == "1.6.3" and answer["format"] == "CycloneDX JSON"
    offline = offline_scan(PROTON_JSON)
    expected = {(f["id"], f["purl"]) for f in offline["findings"]}
    assert answer["findings"]["total"] == len(expected) == answer["findings"]["new"]
    stored = findings(venv.clients["authority"], system_id=venv.ids["SYS-1"])
    assert {(f["advisory_id"], f["purl"]) for f in stored} == expected
    jwt = next(f for f in stored if f["purl"] == JWT_PURL and f["advisory_id"] == "GO-2020-0017")
    assert jwt["vuln_key"] == "CVE-2020-26160" and jwt["status"] == "under_investigation"
    assert jwt["fixed"] == [] and jwt["closed_at"] is None
    # The token may upload but not read.
    assert ci.get("/api/v1/findings").status == 403


def test_who_may_upload_follows_contracts_in_force_and_tenancy(venv):
    document = PROTON_JSON.read_bytes()
    # Vendor Y has no contract for SYS-1: it cannot even see it.
    assert upload(venv.clients["vendor_y"], venv.ids["SYS-1"], document).status == 404
    # Vendor Y's contract for SYS-0 ended in 2010: not readable any more, no upload.
    assert upload(venv.clients["vendor_y"], venv.ids["SYS-0"], document).status == 404
    assert upload(venv.clients["auditor"], venv.ids["SYS-1"], document).status in (403, 404)
    read_only = token_client(venv, "vendor_x", ["read"])
    assert upload(read_only, venv.ids["SYS-1"], document).status == 403
    # The named subcontractor and the owning agency's officer may upload (SYS-2 under AG-1).
    response = upload(venv.clients["subcontractor"], venv.ids["SYS-2"], document)
    assert response.status == 201, response
    response = upload(venv.clients["officer"], venv.ids["SYS-2"], document, version="agency")
    assert response.status == 201, response
    assert response.json()["sequence"] == 2
    assert response.json()["findings"]["new"] == 0  # the same document again
    assert upload(venv.clients["officer"], "999999", document).status == 404


def test_findings_and_sboms_follow_tenancy(venv):
    officer = findings(venv.clients["officer"])
    assert {f["system_key"] for f in officer} == {"SYS-1", "SYS-2"}
    assert findings(venv.clients["vendor_y"]) == []
    assert {f["system_key"] for f in findings(venv.clients["vendor_x"])} == {"SYS-1", "SYS-2"}
    assert venv.clients["vendor_y"].get(f"/api/v1/systems/{venv.ids['SYS-1']}/sboms").status \
        == 404
    assert venv.clients["vendor_y"].get(
        f"/api/v1/systems/{venv.ids['SYS-1']}/findings").status == 404
    versions = venv.clients["officer"].ok("GET", f"/api/v1/systems/{venv.ids['SYS-1']}/sboms")
    sbom_id = versions["items"][0]["id"]
    assert venv.clients["vendor_y"].get(f"/api/v1/sboms/{sbom_id}").status == 404
    assert venv.clients["vendor_y"].get(f"/api/v1/sboms/{sbom_id}/components").status == 404


def test_a_later_sbom_without_the_vulnerable_versions_closes_findings_as_fixed(venv, tmp_path):
    authority = venv.clients["authority"]
    before = {(f["advisory_id"], f["purl"]): f
              for f in findings(authority, system_id=venv.ids["SYS-1"])}
    bom = json.loads(PROTON_JSON.read_text())
    # Drop jwt-go; move one component with a fixed version to that version.
    upgrade = next(f for f in before.values() if f["fixed"] and f["purl"] != JWT_PURL)
    target = "v" + upgrade["fixed"][-1]
    for component in bom["components"]:
        if component.get("purl") == upgrade["purl"]:
            component["version"] = target
            component["purl"] = upgrade["purl"].rsplit("@", 1)[0] + "@" + target
    bom["components"] = [c for c in bom["components"] if c.get("purl") != JWT_PURL]
    response = upload(venv.clients["vendor_x"], venv.ids["SYS-1"], json.dumps(bom))
    assert response.status == 201, response
    answer = response.json()
    assert answer["sequence"] == 2 and answer["components"] == 200
    assert answer["findings"]["fixed"] >= 2
    closed = {(f["advisory_id"], f["purl"]): f
              for f in findings(authority, system_id=venv.ids["SYS-1"], state="closed")}
    jwt = closed[("GO-2020-0017", JWT_PURL)]
    assert jwt["closed_reason"] == "fixed" and jwt["status"] == "fixed" and jwt["closed_at"]
    assert closed[(upgrade["advisory_id"], upgrade["purl"])]["closed_reason"] == "fixed"
    still_open = findings(authority, system_id=venv.ids["SYS-1"])
    assert len(still_open) == answer["findings"]["total"]
    # The diff names what moved.
    diff = authority.ok("GET", f"/api/v1/sboms/{answer['id']}/diff")
    assert diff["from"]["sequence"] == 1 and diff["to"]["sequence"] == 2
    assert [item["name"] for item in diff["removed"]] == ["github.com/dgrijalva/jwt-go"]
    assert any(item["to"] == target for item in diff["upgraded"]), diff
    assert diff["added"] == [] and diff["counts"]["removed"] == 1


def test_components_list_pages_filters_and_marks_unmatched(venv):
    authority = venv.clients["authority"]
    versions = authority.ok("GET", f"/api/v1/systems/{venv.ids['SYS-1']}/sboms")
    assert versions["total"] == 2 and [v["sequence"] for v in versions["items"]] == [2, 1]
    assert versions["items"][0]["current"] and not versions["items"][1]["current"]
    first = versions["items"][1]["id"]
    page = authority.ok("GET", f"/api/v1/sboms/{first}/components", per_page=50, page=2)
    assert page["total"] == 201 and len(page["items"]) == 50 and page["items"][0]["index"] == 50
    jwt = authority.ok("GET", f"/api/v1/sboms/{first}/components", q="jwt-go")["items"]
    assert len(jwt) == 1 and jwt[0]["open_findings"] == 0  # closed by the later version
    bad = authority.get(f"/api/v1/sboms/{first}/components", colour="red")
    assert bad.status == 422 and bad.error["fields"] == {"colour": ["unknownField"]}
    document = authority.get(f"/api/v1/sboms/{first}/document")
    assert document.status == 200 and document.body == PROTON_JSON.read_bytes()
    assert document.header("Content-Type").startswith(CYCLONEDX_JSON)


def test_alerts_reach_the_owning_agency_and_the_contract_vendors_only(venv):
    officer = venv.clients["officer"].ok("GET", "/api/v1/notifications")
    kinds = {(n["kind"], n["details"]["system_key"]) for n in officer["items"]}
    assert ("sbomFindings", "SYS-1") in kinds and ("sbomFindings", "SYS-2") in kinds
    assert officer["unread"] == officer["total"] >= 2
    vendor = venv.clients["vendor_x"].ok("GET", "/api/v1/notifications")
    assert {n["recipient"] for n in vendor["items"]} == {"vendor"}
    assert venv.clients["vendor_y"].ok("GET", "/api/v1/notifications")["total"] == 0
    assert venv.clients["auditor"].ok("GET", "/api/v1/notifications")["total"] == 0
    # Another tenant's alert cannot be marked; one's own can, then all.
    first = vendor["items"][0]["id"]
    denied = venv.clients["vendor_y"].request("POST", f"/api/v1/notifications/{first}/read")
    assert denied.status == 404, "".join(venv.server.output[-3:])
    assert venv.clients["vendor_x"].request(
        "POST", f"/api/v1/notifications/{first}/read").status == 204
    after = venv.clients["vendor_x"].ok("GET", "/api/v1/notifications")
    assert after["unread"] == vendor["unread"] - 1
    assert venv.clients["vendor_x"].request("POST", "/api/v1/notifications/read").status == 204
    assert venv.clients["vendor_x"].ok("GET", "/api/v1/notifications", unread="true")["total"] \
        == 0
    # The officer's own alerts are still unread: reads are per user.
    assert venv.clients["officer"].ok("GET", "/api/v1/notifications")["unread"] == \
        officer["unread"]


def test_a_new_advisory_opens_findings_and_alerts_and_withdrawing_it_closes_them(venv, tmp_path):
    record = {
        "schema_version": "1.6.0", "id": "SG-TEST-2026-0001", "modified": "2026-11-20T00:00:00Z",
        "published": "2026-11-20T00:00:00Z", "aliases": ["CVE-2026-99991"],
        "summary": "Test flaw in go-imap",
        "affected": [{"package": {"ecosystem": "Go", "name": "github.com/emersion/go-imap-idle"},
                      "ranges": [{"type": "SEMVER",
                                  "events": [{"introduced": "0"}, {"fixed": "9.0.0"}]}]}],
        "severity": [{"type": "CVSS_V3",
                      "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]}
    path = tmp_path / "SG-TEST-2026-0001.json"
    path.write_text(json.dumps(record))
    before = venv.clients["officer"].ok("GET", "/api/v1/notifications")["total"]
    done = venv.import_advisories(path)
    assert done.returncode == 0, done.stderr
    assert "1 created" in done.stdout and "systems alerted: 2" in done.stdout
    hits = findings(venv.clients["officer"], vuln="CVE-2026-99991")
    assert {f["system_key"] for f in hits} == {"SYS-1", "SYS-2"}
    assert all(f["severity"]["cvss_v3"] == 9.8 and f["severity"]["band"] == "critical"
               for f in hits)
    assert findings(venv.clients["officer"])[0]["vuln_key"] == "CVE-2026-99991"  # worst first
    alerts = venv.clients["officer"].ok("GET", "/api/v1/notifications")
    assert alerts["total"] == before + 2
    assert alerts["items"][0]["kind"] == "advisoryFindings"
    assert alerts["items"][0]["severity"] == "critical"
    assert findings(venv.clients["vendor_y"], vuln="CVE-2026-99991") == []
    # Withdrawn: its findings close, and re-importing the same file changes nothing.
    record["withdrawn"] = "2026-11-21T00:00:00Z"
    record["modified"] = "2026-11-21T00:00:00Z"
    path.write_text(json.dumps(record))
    done = venv.import_advisories(path)
    assert done.returncode == 0 and "1 updated" in done.stdout and "closed: 2" in done.stdout
    assert findings(venv.clients["officer"], vuln="CVE-2026-99991") == []
    closed = findings(venv.clients["officer"], vuln="CVE-2026-99991", state="closed")
    assert {f["closed_reason"] for f in closed} == {"advisoryWithdrawn"}
    # The server's matcher follows the withdrawal: a new upload does not reopen them.
    again = upload(venv.clients["authority"], venv.ids["SYS-2"], PROTON_JSON.read_text())
    assert again.status == 201, again
    assert findings(venv.clients["officer"], vuln="CVE-2026-99991") == []
    done = venv.import_advisories(path)
    assert "1 unchanged" in done.stdout


def test_kev_and_epss_put_exploited_vulnerabilities_first(venv, tmp_path):
    catalogue = json.loads(KEV.read_text())
    entry = copy.deepcopy(catalogue["vulnerabilities"][0])
    entry["cveID"] = "CVE-2022-32149"  # golang.org/x/text, in the Proton SBOM's findings
    catalogue["vulnerabilities"].append(entry)
    catalogue["count"] = len(catalogue["vulnerabilities"])
    kev = tmp_path / "kev.json"
    kev.write_text(json.dumps(catalogue))
    done = venv.import_advisories(kev)
    assert done.returncode == 0, done.stderr
    assert f"{catalogue['count']} created" in done.stdout
    # Newly known exploitation of an open finding alerts the system's stakeholders, once.
    def kev_alerts(client):
        return [a for a in client.ok("GET", "/api/v1/notifications", per_page=100)["items"]
                if a["kind"] == "kevAdded"]
    officer_alerts = kev_alerts(venv.clients["officer"])
    assert {a["details"]["system_key"] for a in officer_alerts} >= {"SYS-1"}
    assert all(a["details"]["vuln_keys"] == ["CVE-2022-32149"] and a["severity"] == "critical"
               for a in officer_alerts)
    assert {a["details"]["system_key"] for a in kev_alerts(venv.clients["vendor_x"])} == \
        {a["details"]["system_key"] for a in officer_alerts}
    assert kev_alerts(venv.clients["vendor_y"]) == []
    assert venv.import_advisories(kev).returncode == 0
    assert len(kev_alerts(venv.clients["officer"])) == len(officer_alerts)
    epss = tmp_path / "epss.csv"
    epss.write_text("#model_version:v2025.03.14,score_date:2025-08-21T00:00:00+0000\n"
                    "cve,epss,percentile\nCVE-2022-32149,0.25,0.97\n")
    assert venv.import_advisories(epss).returncode == 0
    items = findings(venv.clients["officer"], system_id=venv.ids["SYS-1"])
    assert items[0]["kev"] and items[0]["vuln_key"] == "CVE-2022-32149", items[0]
    assert items[0]["epss"] == 0.25 and items[0]["kev_due_date"]
    assert not any(f["kev"] for f in items[1:])
    only_kev = findings(venv.clients["officer"], system_id=venv.ids["SYS-1"], kev="true")
    assert {f["vuln_key"] for f in only_kev} == {"CVE-2022-32149"}


# ---- Triage, VEX, dashboards and reverse lookups


def open_finding(venv, vuln_key: str, system: str = "SYS-1") -> dict:
    items = findings(venv.clients["authority"], system_id=venv.ids[system], vuln=vuln_key)
    assert len(items) == 1, items
    return items[0]


def test_triage_needs_a_justification_for_not_affected_and_keeps_its_history(venv):
    finding = open_finding(venv, "CVE-2022-32149")
    path = f"/api/v1/findings/{finding['id']}"
    officer = venv.clients["officer"]
    bad = officer.request("PATCH", path, json_body={"status": "not_affected"})
    assert bad.status == 422 and bad.error["fields"]["justification"] == ["required"]
    bad = officer.request("PATCH", path, json_body={"status": "fine", "colour": 1})
    assert bad.status == 422
    assert bad.error["fields"] == {"status": ["invalidValue"], "colour": ["unknownField"]}
    bad = officer.request("PATCH", path, json_body={"status": "affected",
                                                    "justification": "code_not_present"})
    assert bad.error["fields"]["justification"] == ["onlyWhenNotAffected"]
    # Vendor Y cannot see it; the auditor may not decide.
    assert venv.clients["vendor_y"].request("PATCH", path,
                                            json_body={"status": "affected"}).status == 404
    done = officer.ok("PATCH", path, {"status": "not_affected",
                                      "justification": "code_not_reachable",
                                      "comment": "不會呼叫 language.ParseAcceptLanguage"})
    assert done["status"] == "not_affected" and done["justification"] == "code_not_reachable"
    assert done["history"][-1]["by"] == USERS["officer"]
    vendor = venv.clients["vendor_x"].ok("PATCH", path, {"status": "affected",
                                                         "response": ["update"]})
    assert vendor["status"] == "affected" and vendor["response"] == ["update"]
    assert [event["status"] for event in vendor["history"] if event["action"] == "triage"] == \
        ["not_affected", "affected"]
    assert [event["response"] for event in vendor["history"] if event["action"] == "triage"] == \
        [[], ["update"]]
    assert vendor["justification"] is None
    assert venv.clients["authority"].get("/api/v1/findings/abc").status == 404


def test_vex_exports_the_decisions_and_a_vex_import_applies_them_all_or_nothing(venv):
    system = venv.ids["SYS-1"]
    vex = venv.clients["officer"].ok("GET", f"/api/v1/systems/{system}/vex")
    assert vex["bomFormat"] == "CycloneDX" and vex["specVersion"] == "1.6"
    entries = {v["id"]: v for v in vex["vulnerabilities"]}
    assert entries["CVE-2022-32149"]["analysis"]["state"] == "exploitable"
    assert {"ref": "pkg:golang/golang.org/x/text@v0.3.5-0.20201125200606-c27b9fd57aec"} in \
        entries["CVE-2022-32149"]["affects"]
    # Import: one valid decision and one broken entry: nothing applied, every error named.
    target = next(f["vuln_key"] for f in findings(venv.clients["authority"], system_id=system)
                  if f["status"] == "under_investigation" and f["vuln_key"].startswith("CVE-"))
    document = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
                "vulnerabilities": [
                    {"id": target, "analysis": {
                        "state": "not_affected", "justification": "requires_configuration",
                        "detail": "gin debug mode is off"}},
                    {"id": "CVE-2021-28483", "analysis": {"state": "maybe"}}]}
    ci = token_client(venv, "vendor_x", ["sboms:write"])
    refused = ci.request("POST", f"/api/v1/systems/{system}/vex", body=json.dumps(document),
                         headers={"Content-Type": CYCLONEDX_JSON})
    assert refused.status == 422, refused
    assert refused.error["fields"] == {"vulnerabilities[1].analysis.state": ["invalidValue"]}
    assert open_finding(venv, target)["status"] == "under_investigation"
    document["vulnerabilities"][1] = {"id": "CVE-1999-0001", "analysis": {"state": "resolved"}}
    applied = ci.request("POST", f"/api/v1/systems/{system}/vex", body=json.dumps(document),
                         headers={"Content-Type": CYCLONEDX_JSON})
    assert applied.status == 200, applied
    assert applied.json()["applied"] == 1
    assert applied.json()["unmatched"] == [{"id": "CVE-1999-0001", "reason": "noFinding"}]
    gin = open_finding(venv, target)
    assert gin["status"] == "not_affected" and gin["justification"] == "requires_configuration"
    assert gin["comment"] == "gin debug mode is off"
    assert venv.clients["vendor_y"].request("POST", f"/api/v1/systems/{system}/vex",
                                            body=json.dumps(document)).status == 404


def test_the_dashboard_summary_counts_by_severity_kev_age_and_system(venv):
    summary = venv.clients["officer"].ok("GET", "/api/v1/findings/summary")
    assert summary["open"] == sum(summary["by_severity"].values())
    assert summary["open"] == sum(summary["by_age"].values()) == summary["by_age"]["days_0_7"]
    assert summary["kev"] >= 1 and summary["kev_vulnerabilities"] == 1
    assert {s["system_key"] for s in summary["systems"]} == {"SYS-1", "SYS-2"}
    ranks = [(s["kev"], s["by_severity"]["critical"], s["by_severity"]["high"], s["open"])
             for s in summary["systems"]]
    assert ranks == sorted(ranks, reverse=True)
    assert summary["fixed_total"] >= 2 and summary["median_days_to_fix"] is not None
    total = len(findings(venv.clients["officer"]))
    assert total == summary["open"]
    only = venv.clients["officer"].ok("GET", "/api/v1/findings/summary",
                                      system_id=venv.ids["SYS-2"])
    assert [s["system_key"] for s in only["systems"]] == ["SYS-2"]
    assert venv.clients["vendor_y"].ok("GET", "/api/v1/findings/summary")["open"] == 0


def test_reverse_lookup_of_an_advisory_names_every_affected_system_agency_and_vendor(venv):
    authority = venv.clients["authority"].ok("GET", "/api/v1/advisories/CVE-2022-32149")
    assert [r["advisory_id"] for r in authority["records"]] == ["GO-2022-1059"]
    assert authority["kev"]["cve_id"] == "CVE-2022-32149" and authority["epss"]["score"] == 0.25
    keys = {s["system_key"] for s in authority["systems"]}
    assert keys == {"SYS-1", "SYS-2"}
    sys1 = next(s for s in authority["systems"] if s["system_key"] == "SYS-1")
    assert {v["tax_id"] for v in sys1["vendors"]} == {VX, VS}
    assert authority["affected"] == {"systems": 2, "agencies": 2, "vendors": 2}
    # By the GO id too; tenants see only their own systems.
    by_id = venv.clients["officer"].ok("GET", "/api/v1/advisories/GO-2022-1059")
    assert {s["system_key"] for s in by_id["systems"]} == {"SYS-1", "SYS-2"}
    assert venv.clients["vendor_y"].ok("GET", "/api/v1/advisories/GO-2022-1059")["systems"] == []
    assert venv.clients["officer"].get("/api/v1/advisories/NOPE-1").status == 404


def test_reverse_lookup_of_a_package_and_the_licences_of_a_system(venv):
    found = venv.clients["officer"].ok("GET", "/api/v1/packages", ecosystem="Go",
                                       name="golang.org/x/text")
    assert {s["system_key"] for s in found["systems"]} == {"SYS-1", "SYS-2"}
    assert all(s["versions"] == ["v0.3.5-0.20201125200606-c27b9fd57aec"]
               for s in found["systems"])
    none = venv.clients["officer"].ok("GET", "/api/v1/packages", ecosystem="Go",
                                      name="golang.org/x/text", version="v9.9.9")
    assert none["systems"] == []
    bad = venv.clients["officer"].get("/api/v1/packages", ecosystem="Cobol", name="x")
    assert bad.status == 422
    # A vers range instead of one version (Go pseudo-versions order before their release).
    def in_range(vers: str) -> set[str]:
        answer = venv.clients["officer"].ok("GET", "/api/v1/packages", ecosystem="Go",
                                            name="golang.org/x/text", range=vers)
        assert answer["range"] == vers
        return {s["system_key"] for s in answer["systems"]}
    assert in_range("vers:golang/>=v0.3.0|<v0.3.5") == {"SYS-1", "SYS-2"}
    assert in_range("vers:golang/>=v0.3.5|<v0.4.0") == set()
    assert in_range("vers:golang/*") == {"SYS-1", "SYS-2"}
    for vers, why in [("vers:npm/>=1.0.0", "scheme 'golang'"), ("vers:golang/<v1|>v0", "vers"),
                      ("golang >= 1", "vers")]:
        bad = venv.clients["officer"].get("/api/v1/packages", ecosystem="Go",
                                          name="golang.org/x/text", range=vers)
        assert bad.status == 422 and bad.error["fields"] == {"range": ["invalidValue"]}, bad
        assert why in bad.error["message"], bad.error
    licences = venv.clients["officer"].ok("GET", f"/api/v1/systems/{venv.ids['SYS-1']}/licenses")
    assert licences["components"] == 200
    assert sum(item["components"] for item in licences["licenses"]) + \
        licences["without_license"] == 200
    assert venv.clients["vendor_y"].get(
        f"/api/v1/systems/{venv.ids['SYS-1']}/licenses").status == 404


# ---- Bad input: a clear message, nothing stored, the server stays up


def sbom_count(venv: VulnEnv, system: str) -> int:
    return venv.clients["authority"].ok("GET", f"/api/v1/systems/{venv.ids[system]}/sboms")[
        "total"]


@pytest.mark.parametrize("body,content_type,status,code", [
    (b'{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [', CYCLONEDX_JSON, 400,
     "sbomMalformed"),
    (b'<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
     b'<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components/></bom>',
     "application/vnd.cyclonedx+xml", 400, "xmlDtdForbidden"),
    (b"just some text", "text/plain", 400, "sbomUnsupportedFormat"),
    (b'{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": '
     b'[{"type": "spaceship", "name": "x"}]}', CYCLONEDX_JSON, 422, "sbomInvalid"),
    (b'{"spdxVersion": "SPDX-2.3"}', CYCLONEDX_JSON, 400, "sbomContentTypeMismatch"),
])
def test_bad_sboms_are_refused_with_a_reason_and_nothing_is_stored(venv, body, content_type,
                                                                   status, code):
    before = sbom_count(venv, "SYS-9")
    response = upload(venv.clients["authority"], venv.ids["SYS-9"], body, content_type)
    assert response.status == status, response
    assert response.error["code"] == code, response
    assert sbom_count(venv, "SYS-9") == before


def test_an_sbom_over_the_size_limit_is_refused_with_413(venv):
    big = json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
                      "components": [{"type": "library", "name": "x" * 1000}] * 2200})
    assert len(big) > 2 << 20
    response = upload(venv.clients["authority"], venv.ids["SYS-9"], big)
    assert response.status == 413 and response.error["code"] == "sbomTooLarge"
    assert sbom_count(venv, "SYS-9") == 0


def test_invalid_purls_and_duplicates_are_reported_and_the_rest_is_kept(venv):
    document = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [
        {"type": "library", "name": "jwt-go", "version": "v3.2.0", "purl": JWT_PURL},
        {"type": "library", "name": "jwt-go", "version": "v3.2.0", "purl": JWT_PURL,
         "bom-ref": "again"},
        {"type": "library", "name": "broken", "version": "1", "purl": "pkg:/nothing@1"},
        {"type": "library", "name": "in-house", "version": "2.0"},
        {"type": "library", "name": "cobol", "version": "1", "purl": "pkg:generic/cobol@1"}]}
    response = upload(venv.clients["authority"], venv.ids["SYS-9"], json.dumps(document),
                      lenient="true")
    assert response.status == 201, response
    answer = response.json()
    assert answer["components"] == 5
    assert answer["unmatched"] == {"invalidPurl": 1, "noPurl": 1, "unsupportedEcosystem": 1}
    assert any("duplicate component" in w["message"] for w in answer["warnings"])
    assert answer["findings"]["total"] == 1  # jwt-go once, though listed twice
    sbom = venv.clients["authority"].ok("GET", f"/api/v1/sboms/{answer['id']}")
    assert sbom["unmatched"] == answer["unmatched"]


def test_spdx_and_xml_uploads_are_detected_from_content(venv):
    xml = (PROTON / "proton-bridge-v1.6.3.bom.xml").read_bytes()
    response = upload(venv.clients["authority"], venv.ids["SYS-9"], xml,
                      "application/octet-stream")
    assert response.status == 201, response
    assert response.json()["format"] == "CycloneDX XML" and response.json()["components"] == 201
    spdx = next((DATA / "spdx").rglob("*.spdx.json"), None)
    if spdx is not None:
        response = upload(venv.clients["authority"], venv.ids["SYS-9"], spdx.read_bytes(), "")
        assert response.status in (201, 422), response
        if response.status == 201:
            assert response.json()["format"] == "SPDX JSON"


def test_an_interrupted_import_keeps_what_it_committed_and_a_rerun_completes(
        make_database, tmp_path):
    database = make_database()
    migrate(database.url)
    process = subprocess.Popen(
        [binary(), "advisories", "import", str(GO_VULNDB), "--db", database.url],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=dict(os.environ, SG_KEY_DIR=str(KEY_DIR)))
    time.sleep(0.4)
    process.send_signal(signal.SIGKILL)
    process.wait()
    done = run_cli("advisories", "import", str(GO_VULNDB), "--db", database.url)
    assert done.returncode == 0, done.stderr
    counts = done.stdout.split(": ", 1)[1]
    read = int(counts.split(" read")[0])
    created = int(counts.split(", ")[1].split(" ")[0])
    unchanged = int(counts.split(", ")[3].split(" ")[0])
    assert read == 4291 and created + unchanged == 4291
    again = run_cli("advisories", "import", str(GO_VULNDB), "--db", database.url)
    assert "4291 unchanged" in again.stdout


# ---- CPE matching of components without a purl, and advisory entries that cannot be matched

NVD_SAMPLES = DATA / "dependency-track-nvd-samples" / "src" / "test" / "resources"


def cpe_sbom(*components: tuple[str, str | None]) -> str:
    """A CycloneDX SBOM of purl-less components, each with a CPE (or none)."""
    listed = []
    for name, cpe in components:
        component = {"type": "application", "name": name, "version": "x"}
        if cpe:
            component["cpe"] = cpe
        listed.append(component)
    return json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
                       "components": listed})


def test_components_without_a_purl_are_matched_by_cpe_against_nvd_records(venv):
    authority, officer = venv.clients["authority"], venv.clients["officer"]
    system = venv.ids["SYS-0"]
    struts_old = ("struts2", "cpe:2.3:a:apache:struts:2.3.5:*:*:*:*:*:*:*")
    struts_new = ("struts2", "cpe:2.3:a:apache:struts:2.3.32:*:*:*:*:*:*:*")
    proxy = ("fortiproxy", "cpe:2.3:a:fortinet:fortiproxy:7.2.3:*:*:*:*:*:*:*")
    first = upload(authority, system, cpe_sbom(struts_old, proxy, ("in-house", None)))
    assert first.status == 201, first
    assert first.json()["unmatched"] == {"noPurl": 1}
    # Published after the upload: the import opens the findings and alerts the agency.
    before = officer.ok("GET", "/api/v1/notifications")["total"]
    done = venv.import_advisories(NVD_SAMPLES / "CVE-2017-5638-cvssv3-rating.json")
    assert done.returncode == 0, done.stderr
    assert "1 created" in done.stdout and "Findings opened: 1" in done.stdout, done.stdout
    assert "systems alerted: 1" in done.stdout
    hits = findings(officer, system_id=system)
    assert [(f["vuln_key"], f["ecosystem"], f["package"], f["version"]) for f in hits] == \
        [("CVE-2017-5638", "CPE", "apache:struts", "2.3.5")]
    assert hits[0]["severity"]["cvss_v3"] == 10.0
    assert officer.ok("GET", "/api/v1/notifications")["total"] == before + 1
    lookup = authority.ok("GET", "/api/v1/advisories/CVE-2017-5638")
    assert [s["system_key"] for s in lookup["systems"]] == ["SYS-0"]
    assert venv.import_advisories(NVD_SAMPLES / "CVE-2017-5638-cvssv3-rating.json").stdout \
        .count("1 unchanged") == 1
    done = venv.import_advisories(NVD_SAMPLES / "cve-2024-23113.json")
    assert done.returncode == 0 and "Findings opened: 1" in done.stdout, done.stdout
    assert {f["vuln_key"] for f in findings(officer, system_id=system)} == \
        {"CVE-2017-5638", "CVE-2024-23113"}
    # A later SBOM with the fixed version closes the finding as fixed; the old version brought
    # back is matched at upload time, from the server's own index.
    fixed = upload(authority, system, cpe_sbom(struts_new, proxy))
    assert fixed.status == 201 and fixed.json()["findings"]["total"] == 1, fixed
    closed = findings(officer, system_id=system, state="closed")
    assert [(f["vuln_key"], f["closed_reason"]) for f in closed] == [("CVE-2017-5638", "fixed")]
    again = upload(authority, system, cpe_sbom(struts_old))
    assert again.status == 201 and again.json()["findings"]["total"] == 1, again
    assert {f["vuln_key"] for f in findings(officer, system_id=system)} == {"CVE-2017-5638"}


def test_advisory_entries_that_cannot_be_matched_are_listed_and_the_record_kept(venv, tmp_path):
    record = {
        "schema_version": "1.6.0", "id": "SG-TEST-2026-0002", "modified": "2026-11-20T00:00:00Z",
        "affected": [
            {"package": {"ecosystem": "Cobol", "name": "payroll"}, "versions": ["1"]},
            {"package": {"ecosystem": "Go", "name": "github.com/emersion/go-imap"},
             "ranges": [{"type": "SEMVER", "events": [{"introduced": "not.a.version"}]}]},
            {"package": {"ecosystem": "Go", "name": "github.com/emersion/go-sasl"},
             "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]}
    path = tmp_path / "SG-TEST-2026-0002.json"
    path.write_text(json.dumps(record))
    done = venv.import_advisories(path)
    assert done.returncode == 0, done.stderr
    assert "1 created" in done.stdout
    assert "Kept, but not matched: 2 advisory entries" in done.stdout, done.stdout
    problems = [line for line in done.stderr.splitlines() if line.startswith("not matched: ")]
    assert len(problems) == 2, done.stderr
    assert all("SG-TEST-2026-0002" in line for line in problems)
    assert any("Cobol" in line for line in problems)
    assert any("not.a.version" in line for line in problems)
    # The entry that compiles still matches: Proton Bridge holds go-sasl.
    assert findings(venv.clients["authority"], vuln="SG-TEST-2026-0002")


def test_aliases_chained_across_records_make_one_vulnerability(venv, tmp_path):
    def record(identifier: str, aliases: list[str], package: str) -> pathlib.Path:
        path = tmp_path / f"{identifier}.json"
        path.write_text(json.dumps({
            "schema_version": "1.6.0", "id": identifier, "modified": "2026-11-20T00:00:00Z",
            "aliases": aliases, "summary": f"chain test {identifier}",
            "affected": [{"package": {"ecosystem": "Go", "name": package},
                          "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]}))
        return path

    officer = venv.clients["officer"]
    document = PROTON_JSON.read_text()
    assert upload(venv.clients["authority"], venv.ids["SYS-2"], document).status == 201
    # A lists B: one vulnerability, keyed by the smaller id.
    assert venv.import_advisories(
        record("SG-CHAIN-A", ["SG-CHAIN-B"], "github.com/emersion/go-imap-idle")).returncode == 0
    assert {f["vuln_key"] for f in findings(officer, vuln="SG-CHAIN-B")} == {"SG-CHAIN-A"}
    # C lists B and a CVE, in another batch: A joins C's group, which the CVE names.
    assert venv.import_advisories(
        record("SG-CHAIN-C", ["SG-CHAIN-B", "CVE-2026-99993"],
               "github.com/emersion/go-mbox")).returncode == 0
    hits = findings(officer, vuln="SG-CHAIN-A")
    assert {f["vuln_key"] for f in hits} == {"CVE-2026-99993"}
    assert {f["package"] for f in hits} == {"github.com/emersion/go-imap-idle",
                                            "github.com/emersion/go-mbox"}
    assert findings(officer, vuln="CVE-2026-99993") == hits
    lookup = officer.ok("GET", "/api/v1/advisories/SG-CHAIN-A")
    assert [r["advisory_id"] for r in lookup["records"]] == ["SG-CHAIN-A", "SG-CHAIN-C"]
    assert {r["vuln_key"] for r in lookup["records"]} == {"CVE-2026-99993"}
    # A new upload is matched by the server, which follows the new keys.
    response = upload(venv.clients["authority"], venv.ids["SYS-1"], document, version="chain")
    assert response.status == 201, response
    assert {f["vuln_key"] for f in findings(officer, vuln="SG-CHAIN-A",
                                            system_id=venv.ids["SYS-1"])} == {"CVE-2026-99993"}


def test_two_records_of_one_flaw_are_one_finding_with_one_decision(venv, tmp_path):
    """A GHSA and a PYSEC-style record of one CVE both match a package version: the views list
    and count one finding, a decision covers both, and withdrawing one leaves the other."""
    officer = venv.clients["officer"]
    paths = []
    for identifier in ("SG-DUP-1", "SG-DUP-2"):
        path = tmp_path / f"{identifier}.json"
        body = {"schema_version": "1.6.0", "id": identifier, "modified": "2026-11-20T00:00:00Z",
                "aliases": ["CVE-2026-99994"], "summary": "duplicate records of one flaw",
                "affected": [{"package": {"ecosystem": "Go",
                                          "name": "github.com/emersion/go-textwrapper"},
                              "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]}
        path.write_text(json.dumps(body))
        paths.append((path, body))
        assert venv.import_advisories(path).returncode == 0
    system = venv.ids["SYS-1"]
    hits = findings(officer, vuln="CVE-2026-99994", system_id=system)
    assert len(hits) == 1, hits
    summary = officer.ok("GET", "/api/v1/findings/summary", system_id=system)
    listed = officer.ok("GET", "/api/v1/findings", system_id=system, per_page=1)["total"]
    assert summary["open"] == listed
    decided = officer.ok("PATCH", f"/api/v1/findings/{hits[0]['id']}",
                         {"status": "affected", "response": ["update"]})
    assert decided["status"] == "affected"
    # The record shown is withdrawn: the other one is shown, with the same decision.
    path, body = paths[0] if hits[0]["advisory_id"] == "SG-DUP-1" else paths[1]
    body["withdrawn"] = body["modified"] = "2026-11-21T00:00:00Z"
    path.write_text(json.dumps(body))
    assert venv.import_advisories(path).returncode == 0
    remaining = findings(officer, vuln="CVE-2026-99994", system_id=system)
    assert len(remaining) == 1 and remaining[0]["id"] != hits[0]["id"], remaining
    assert remaining[0]["status"] == "affected" and remaining[0]["response"] == ["update"]
