"""Create, read, update, delete, list and history of the four collections (as the authority).

Every test makes its own records with fresh keys under its own top-level agency, so the tests do
not depend on each other or on the shared registry's counts.
"""

from __future__ import annotations

import re

import pytest

from sg_http import Client, fresh_tax_ids, unique

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def new_agency(client: Client, parent: str | None = None, **fields) -> dict:
    payload = {"code": unique("AC"), "name": "CRUD agency", "level": "C", "kind": "local",
               "parent_code": parent, **fields}
    return client.ok("POST", "/api/v1/agencies", payload, status=201)


def new_vendor(client: Client, **fields) -> dict:
    payload = {"tax_id": fresh_tax_ids(1)[0], "name": "CRUD vendor", **fields}
    return client.ok("POST", "/api/v1/vendors", payload, status=201)


def new_system(client: Client, agency_code: str, **fields) -> dict:
    payload = {"agency_code": agency_code, "system_id": unique("SC"), "name": "CRUD system",
               "confidentiality": "normal", "integrity": "normal", "availability": "normal",
               "legal": "normal", **fields}
    return client.ok("POST", "/api/v1/systems", payload, status=201)


def new_contract(client: Client, agency_code: str, vendor_tax_id: str, **fields) -> dict:
    payload = {"contract_id": unique("CC"), "agency_code": agency_code,
               "vendor_tax_id": vendor_tax_id, "title": "CRUD contract",
               "service_type": "system_development", "amount": 1000,
               "start_date": "2021-01-01", "end_date": "2030-12-31", **fields}
    return client.ok("POST", "/api/v1/contracts", payload, status=201)


@pytest.fixture(scope="module")
def home(authority) -> dict:
    """A top-level agency of this module, and a vendor."""
    agency = new_agency(authority, name="CRUD home")
    vendor = new_vendor(authority, name="CRUD home vendor")
    return {"agency": agency["code"], "vendor": vendor["tax_id"]}


KEYS = {"agencies": "code", "vendors": "tax_id", "systems": "system_id",
        "contracts": "contract_id"}


def make(collection: str, client: Client, home: dict) -> dict:
    if collection == "agencies":
        return new_agency(client, parent=home["agency"])
    if collection == "vendors":
        return new_vendor(client)
    if collection == "systems":
        return new_system(client, home["agency"])
    return new_contract(client, home["agency"], home["vendor"])


def payload_of(record: dict) -> dict:
    return {key: value for key, value in record.items()
            if key not in ("id", "created_at", "updated_at", "protection_level")}


# ------------------------------------------------------------------------------------------------
# Create and read


def test_create_agency_answers_201_with_the_record(authority, home):
    code = unique("AC")
    created = authority.ok("POST", "/api/v1/agencies",
                           {"code": code, "name": "新機關", "parent_code": home["agency"],
                            "level": "b", "kind": "foundation"}, status=201)
    assert isinstance(created["id"], str) and created["id"]
    assert created["code"] == code
    assert created["name"] == "新機關"
    assert created["parent_code"] == home["agency"]
    assert created["level"] == "B"
    assert created["kind"] == "foundation"
    assert RFC3339.match(created["created_at"]) and RFC3339.match(created["updated_at"])
    assert authority.ok("GET", f"/api/v1/agencies/{created['id']}") == created


def test_create_vendor_with_certifications_and_subcontractors(authority, home):
    tax_id = fresh_tax_ids(1)[0]
    created = authority.ok(
        "POST", "/api/v1/vendors",
        {"tax_id": tax_id, "name": "驗證廠商", "prc_capital": True,
         "certifications": [{"name": "ISO 27001", "expires_on": "2027-05-01"},
                            {"name": "CMMI"}],
         "subcontractors": [home["vendor"]]}, status=201)
    assert created["tax_id"] == tax_id
    assert created["prc_capital"] is True
    assert created["certifications"] == [{"name": "ISO 27001", "expires_on": "2027-05-01"},
                                         {"name": "CMMI", "expires_on": None}]
    assert created["subcontractors"] == [home["vendor"]]
    assert authority.ok("GET", f"/api/v1/vendors/{created['id']}") == created


def test_create_vendor_defaults_the_optional_fields(authority):
    created = new_vendor(authority)
    assert created["prc_capital"] is False
    assert created["certifications"] == []
    assert created["subcontractors"] == []


@pytest.mark.parametrize("ratings, expected", [
    (("normal", "normal", "normal", "normal"), "normal"),
    (("normal", "medium", "normal", "normal"), "medium"),
    (("normal", "normal", "normal", "high"), "high"),
    (("high", "medium", "normal", "normal"), "high"),
    (("普", "中", "普", "普"), "medium"),
    (("普", "普", "高", "中"), "high"),
    (("普", "普", "普", "普"), "normal"),
])
def test_system_protection_level_is_the_highest_of_the_four_ratings(
        authority, home, ratings, expected):
    confidentiality, integrity, availability, legal = ratings
    created = new_system(authority, home["agency"], confidentiality=confidentiality,
                         integrity=integrity, availability=availability, legal=legal)
    assert created["protection_level"] == expected
    labels = {"普": "normal", "中": "medium", "高": "high"}
    assert created["confidentiality"] == labels.get(confidentiality, confidentiality)
    assert created["legal"] == labels.get(legal, legal)


def test_protection_level_follows_a_patched_rating_and_cannot_be_set(authority, home):
    system = new_system(authority, home["agency"])
    assert system["protection_level"] == "normal"
    raised = authority.ok("PATCH", f"/api/v1/systems/{system['id']}", {"availability": "高"})
    assert raised["availability"] == "high"
    assert raised["protection_level"] == "high"
    # protection_level is derived: a value sent for it is ignored.
    ignored = authority.ok("PATCH", f"/api/v1/systems/{system['id']}",
                           {"protection_level": "normal"})
    assert ignored["protection_level"] == "high"
    lowered = authority.ok("PATCH", f"/api/v1/systems/{system['id']}",
                           {"availability": "normal", "integrity": "medium"})
    assert lowered["protection_level"] == "medium"


def test_system_with_a_missing_rating_is_refused(authority, home):
    before = authority.total("systems")
    response = authority.post("/api/v1/systems", {
        "agency_code": home["agency"], "system_id": unique("SC"), "name": "no legal",
        "confidentiality": "normal", "integrity": "normal", "availability": "normal"})
    assert response.status == 422
    assert response.error["fields"] == {"legal": ["required"]}
    assert authority.total("systems") == before


def test_create_contract_with_systems_and_subcontractors(authority, home):
    first = new_system(authority, home["agency"])
    second = new_system(authority, home["agency"])
    subcontractor = new_vendor(authority)
    created = new_contract(authority, home["agency"], home["vendor"],
                           system_ids=[second["system_id"], first["system_id"]],
                           subcontractor_tax_ids=[subcontractor["tax_id"]], amount=1_200_000,
                           joint_audit_clause=True, start_date="110/01/01",
                           end_date="2029-06-30")
    assert sorted(created["system_ids"]) == sorted([first["system_id"], second["system_id"]])
    assert created["subcontractor_tax_ids"] == [subcontractor["tax_id"]]
    assert created["amount"] == 1_200_000
    assert created["joint_audit_clause"] is True
    assert created["remote_maintenance"] is False
    assert created["start_date"] == "2021-01-01"  # ROC 110/01/01
    assert created["end_date"] == "2029-06-30"
    assert created["vendor_tax_id"] == home["vendor"]
    assert authority.ok("GET", f"/api/v1/contracts/{created['id']}") == created


@pytest.mark.parametrize("collection", list(KEYS))
def test_natural_key_filter_finds_the_id(authority, home, collection):
    record = make(collection, authority, home)
    key = KEYS[collection]
    found = authority.ok("GET", f"/api/v1/{collection}", **{key: record[key]})
    assert found["total"] == 1
    assert [item["id"] for item in found["items"]] == [record["id"]]
    other = fresh_tax_ids(1)[0] if collection == "vendors" else record[key] + "X"
    assert authority.ok("GET", f"/api/v1/{collection}", **{key: other})["total"] == 0


def test_natural_key_filter_on_the_shared_registry(authority, ids):
    found = authority.ok("GET", "/api/v1/systems", system_id="S-A0101-1")
    assert found["total"] == 1 and found["items"][0]["id"] == ids["S-A0101-1"]


@pytest.mark.parametrize("bad_id", ["999999999", "0", "-1", "abc", "1.5", "1e3"])
def test_get_of_an_unknown_or_malformed_id_is_404(authority, bad_id):
    for collection in KEYS:
        response = authority.get(f"/api/v1/{collection}/{bad_id}")
        assert response.status == 404, (collection, bad_id, response)
        assert response.error["code"] == "notFound"


# ------------------------------------------------------------------------------------------------
# Update


@pytest.mark.parametrize("collection, change", [
    ("agencies", {"name": "改名機關", "level": "A"}),
    ("vendors", {"name": "改名廠商", "prc_capital": True}),
    ("systems", {"name": "改名系統", "core": True, "ci": True}),
    ("contracts", {"title": "改名契約", "amount": 42, "end_date": "2031-01-31"}),
])
def test_patch_changes_only_the_given_fields(authority, home, collection, change):
    record = make(collection, authority, home)
    patched = authority.ok("PATCH", f"/api/v1/{collection}/{record['id']}", change)
    for key, value in record.items():
        if key in change:
            assert patched[key] == change[key]
        elif key != "updated_at":
            assert patched[key] == value, key
    assert patched["updated_at"] >= record["updated_at"]
    assert authority.ok("GET", f"/api/v1/{collection}/{record['id']}") == patched


@pytest.mark.parametrize("collection", list(KEYS))
def test_patch_with_the_unchanged_record_changes_nothing(authority, home, collection):
    record = make(collection, authority, home)
    # A client may send back what it read, id and timestamps included.
    same = authority.ok("PATCH", f"/api/v1/{collection}/{record['id']}", record)
    assert same == record
    history = authority.ok("GET", f"/api/v1/{collection}/{record['id']}/history")["items"]
    assert [entry["action"] for entry in history] == ["create"]


def test_patch_to_an_existing_key_is_409(authority, home):
    first = new_system(authority, home["agency"])
    second = new_system(authority, home["agency"])
    response = authority.patch(f"/api/v1/systems/{second['id']}",
                               {"system_id": first["system_id"]})
    assert response.status == 409
    assert response.error["code"] == "conflict"
    assert response.error["fields"] == {"system_id": ["duplicate"]}
    assert authority.ok("GET", f"/api/v1/systems/{second['id']}") == second


def test_patch_can_change_the_natural_key(authority, home):
    system = new_system(authority, home["agency"])
    new_key = unique("SC")
    patched = authority.ok("PATCH", f"/api/v1/systems/{system['id']}", {"system_id": new_key})
    assert patched["system_id"] == new_key and patched["id"] == system["id"]
    assert authority.find("systems", "system_id", new_key)["id"] == system["id"]
    assert authority.find("systems", "system_id", system["system_id"]) is None


def test_agency_cannot_become_its_own_ancestor(authority, home):
    top = new_agency(authority, parent=home["agency"])
    middle = new_agency(authority, parent=top["code"])
    bottom = new_agency(authority, parent=middle["code"])
    response = authority.patch(f"/api/v1/agencies/{top['id']}", {"parent_code": bottom["code"]})
    assert response.status == 422
    assert response.error["fields"] == {"parent_code": ["cycle"]}
    itself = authority.patch(f"/api/v1/agencies/{top['id']}", {"parent_code": top["code"]})
    assert itself.status == 422
    assert itself.error["fields"] == {"parent_code": ["selfReference"]}
    assert authority.ok("GET", f"/api/v1/agencies/{top['id']}")["parent_code"] == home["agency"]


def test_vendor_cannot_be_its_own_subcontractor(authority):
    vendor = new_vendor(authority)
    response = authority.patch(f"/api/v1/vendors/{vendor['id']}",
                               {"subcontractors": [vendor["tax_id"]]})
    assert response.status == 422
    assert response.error["fields"] == {"subcontractors": ["selfReference"]}


def test_patch_of_an_unknown_id_is_404(authority):
    response = authority.patch("/api/v1/agencies/999999999", {"name": "x"})
    assert response.status == 404
    assert response.error["code"] == "notFound"


# ------------------------------------------------------------------------------------------------
# Delete, history, restore


@pytest.mark.parametrize("collection", list(KEYS))
def test_delete_then_get_is_404_and_list_leaves_it_out(authority, home, collection):
    record = make(collection, authority, home)
    key = KEYS[collection]
    before = authority.total(collection)
    response = authority.delete(f"/api/v1/{collection}/{record['id']}")
    assert response.status == 204
    assert response.body == b""
    gone = authority.get(f"/api/v1/{collection}/{record['id']}")
    assert gone.status == 404
    assert gone.error["code"] == "notFound"
    assert authority.total(collection) == before - 1
    assert authority.find(collection, key, record[key]) is None
    again = authority.delete(f"/api/v1/{collection}/{record['id']}")
    assert again.status == 404
    field = "title" if collection == "contracts" else "name"
    patched = authority.patch(f"/api/v1/{collection}/{record['id']}", {field: "x"})
    assert patched.status == 404


@pytest.mark.parametrize("collection", list(KEYS))
def test_history_lists_create_update_delete_with_before_and_after(
        authority, home, collection):
    record = make(collection, authority, home)
    field = "title" if collection == "contracts" else "name"
    old_value = record[field]
    authority.ok("PATCH", f"/api/v1/{collection}/{record['id']}", {field: "歷史 after"})
    history = authority.ok("GET", f"/api/v1/{collection}/{record['id']}/history")["items"]
    assert [entry["action"] for entry in history] == ["update", "create"]
    update, create = history
    assert update["changes"] == {field: [old_value, "歷史 after"]}
    key = KEYS[collection]
    assert create["changes"][key] == [None, record[key]]
    assert create["changes"][field] == [None, old_value]
    for entry in history:
        assert entry["user_email"] == "authority@test.supplyguard.tw"
        assert RFC3339.match(entry["at"])
    assert update["at"] >= create["at"]

    assert authority.delete(f"/api/v1/{collection}/{record['id']}").status == 204
    # Re-creating the key restores the record; its history keeps every step.
    restored = authority.ok("POST", f"/api/v1/{collection}", payload_of(record), status=201)
    assert restored["id"] == record["id"]
    history = authority.ok("GET", f"/api/v1/{collection}/{record['id']}/history")["items"]
    assert [entry["action"] for entry in history] == ["restore", "delete", "update", "create"]
    assert history[1]["changes"] == {"deleted": [False, True]}
    assert history[0]["changes"] == {field: ["歷史 after", old_value]}


@pytest.mark.parametrize("collection", list(KEYS))
def test_recreating_a_deleted_key_restores_the_record(authority, home, collection):
    record = make(collection, authority, home)
    key = KEYS[collection]
    assert authority.delete(f"/api/v1/{collection}/{record['id']}").status == 204
    before = authority.total(collection)
    payload = payload_of(record)
    field = "title" if collection == "contracts" else "name"
    payload[field] = "restored 還原"
    restored = authority.ok("POST", f"/api/v1/{collection}", payload, status=201)
    assert restored["id"] == record["id"]
    assert restored[field] == "restored 還原"
    assert authority.total(collection) == before + 1
    assert authority.find(collection, key, record[key])["id"] == record["id"]
    assert authority.ok("GET", f"/api/v1/{collection}/{record['id']}")[field] == "restored 還原"


@pytest.mark.parametrize("collection", list(KEYS))
def test_duplicate_key_create_is_409_and_writes_nothing(authority, home, collection):
    record = make(collection, authority, home)
    before = authority.total(collection)
    payload = payload_of(record)
    payload["title" if collection == "contracts" else "name"] = "duplicate"
    response = authority.post(f"/api/v1/{collection}", payload)
    assert response.status == 409
    assert response.error["code"] == "conflict"
    assert response.error["fields"] == {KEYS[collection]: ["duplicate"]}
    assert authority.total(collection) == before
    assert authority.ok("GET", f"/api/v1/{collection}/{record['id']}") == record


def test_history_of_an_unknown_id_is_404(authority):
    response = authority.get("/api/v1/systems/999999999/history")
    assert response.status == 404
    assert response.error["code"] == "notFound"


# ------------------------------------------------------------------------------------------------
# Lists


@pytest.fixture(scope="module")
def listed(authority) -> dict:
    """Five systems of one new agency, with known names and ratings."""
    agency = new_agency(authority, name="List agency")["code"]
    specs = [  # suffix, name, availability, core
        ("1", "Alpha 甲", "high", True),
        ("2", "Bravo 乙", "normal", False),
        ("3", "Charlie 丙", "medium", True),
        ("4", "Delta 100% 丁", "high", False),
        ("5", "Echo_戊", "normal", True),
    ]
    prefix = unique("SL")
    systems = {}
    for suffix, name, availability, core in specs:
        systems[suffix] = new_system(authority, agency, system_id=f"{prefix}-{suffix}",
                                     name=name, availability=availability, core=core)
    return {"agency": agency, "prefix": prefix, "systems": systems}


def list_keys(client: Client, **query) -> list[str]:
    body = client.ok("GET", "/api/v1/systems", **query)
    return [item["system_id"] for item in body["items"]]


def test_list_filters_and_counts_totals(authority, listed):
    body = authority.ok("GET", "/api/v1/systems", agency_code=listed["agency"])
    assert body["total"] == 5
    assert body["page"] == 1 and body["per_page"] == 50
    assert all(item["agency_code"] == listed["agency"] for item in body["items"])
    core = authority.ok("GET", "/api/v1/systems", agency_code=listed["agency"], core="true")
    assert core["total"] == 3
    assert all(item["core"] for item in core["items"])
    not_core = authority.ok("GET", "/api/v1/systems", agency_code=listed["agency"], core="否")
    assert not_core["total"] == 2
    high = authority.ok("GET", "/api/v1/systems", agency_code=listed["agency"],
                        protection_level="high")
    assert sorted(item["name"] for item in high["items"]) == ["Alpha 甲", "Delta 100% 丁"]
    assert authority.ok("GET", "/api/v1/systems", agency_code=listed["agency"],
                        protection_level="中")["total"] == 1


def test_list_pages(authority, listed):
    prefix = listed["prefix"]
    pages = []
    for page in (1, 2, 3):
        body = authority.ok("GET", "/api/v1/systems", agency_code=listed["agency"], per_page=2,
                            page=page, sort="system_id")
        assert body["total"] == 5 and body["page"] == page and body["per_page"] == 2
        pages.append([item["system_id"] for item in body["items"]])
    assert pages == [[f"{prefix}-1", f"{prefix}-2"], [f"{prefix}-3", f"{prefix}-4"],
                     [f"{prefix}-5"]]
    beyond = authority.ok("GET", "/api/v1/systems", agency_code=listed["agency"], per_page=2,
                          page=4)
    assert beyond["items"] == [] and beyond["total"] == 5
    assert authority.ok("GET", "/api/v1/systems", per_page=500)["per_page"] == 500


def test_list_sorts_ascending_descending_and_by_several_keys(authority, listed):
    prefix = listed["prefix"]
    agency = listed["agency"]
    ids = [f"{prefix}-{n}" for n in "12345"]
    assert list_keys(authority, agency_code=agency, sort="system_id") == ids
    assert list_keys(authority, agency_code=agency, sort="-system_id") == ids[::-1]
    # protection_level sorts by severity (normal < medium < high), then the second key.
    assert list_keys(authority, agency_code=agency, sort="-protection_level,system_id") == [
        f"{prefix}-1", f"{prefix}-4", f"{prefix}-3", f"{prefix}-2", f"{prefix}-5"]
    assert list_keys(authority, agency_code=agency, sort="protection_level,-system_id") == [
        f"{prefix}-5", f"{prefix}-2", f"{prefix}-3", f"{prefix}-4", f"{prefix}-1"]
    assert list_keys(authority, agency_code=agency, sort="-core,-system_id") == [
        f"{prefix}-5", f"{prefix}-3", f"{prefix}-1", f"{prefix}-4", f"{prefix}-2"]


def test_list_search_q_looks_in_names_and_keys(authority, listed):
    agency = listed["agency"]
    prefix = listed["prefix"]
    assert list_keys(authority, agency_code=agency, q="Charlie") == [f"{prefix}-3"]
    assert list_keys(authority, agency_code=agency, q="乙") == [f"{prefix}-2"]
    assert list_keys(authority, agency_code=agency, q=f"{prefix}-5") == [f"{prefix}-5"]
    assert list_keys(authority, agency_code=agency, q="  Delta  ") == [f"{prefix}-4"]
    assert list_keys(authority, agency_code=agency, q="no such name") == []
    # LIKE wildcards in q are literal characters.
    assert list_keys(authority, agency_code=agency, q="%") == [f"{prefix}-4"]
    assert list_keys(authority, agency_code=agency, q="_") == [f"{prefix}-5"]
    total = authority.ok("GET", "/api/v1/systems", agency_code=agency, q="a")["total"]
    assert total == len(list_keys(authority, agency_code=agency, q="a"))


def test_list_search_ignores_ascii_case(authority, listed):
    agency = listed["agency"]
    prefix = listed["prefix"]
    assert list_keys(authority, agency_code=agency, q="Charlie") == [f"{prefix}-3"]
    assert list_keys(authority, agency_code=agency, q="charlie") == [f"{prefix}-3"]
    assert list_keys(authority, agency_code=agency, q="ECHO") == [f"{prefix}-5"]


def test_list_filters_of_other_collections(authority, home):
    agency = new_agency(authority, parent=home["agency"])
    child = new_agency(authority, parent=agency["code"], name="child")
    children = authority.ok("GET", "/api/v1/agencies", parent_code=agency["code"])
    assert [item["code"] for item in children["items"]] == [child["code"]]
    system = new_system(authority, agency["code"])
    contract = new_contract(authority, agency["code"], home["vendor"],
                            system_ids=[system["system_id"]], start_date="2022-01-01",
                            end_date="2022-12-31")
    by_system = authority.ok("GET", "/api/v1/contracts", system_ids=system["system_id"])
    assert [item["id"] for item in by_system["items"]] == [contract["id"]]
    in_force = authority.ok("GET", "/api/v1/contracts", agency_code=agency["code"],
                            in_force_on="2022-06-01")
    assert in_force["total"] == 1
    assert authority.ok("GET", "/api/v1/contracts", agency_code=agency["code"],
                        in_force_on="2023-01-01")["total"] == 0
    vendors = authority.ok("GET", "/api/v1/contracts", vendor_tax_id=home["vendor"],
                           agency_code=agency["code"])
    assert vendors["total"] == 1


@pytest.mark.parametrize("query, field", [
    ({"per_page": "501"}, "per_page"),
    ({"per_page": "0"}, "per_page"),
    ({"per_page": "ten"}, "per_page"),
    ({"per_page": "99999999999"}, "per_page"),
    ({"per_page": ""}, "per_page"),
    ({"page": "0"}, "page"),
    ({"page": "-1"}, "page"),
    ({"page": "1.5"}, "page"),
])
def test_list_with_bad_paging_is_400(authority, query, field):
    response = authority.get("/api/v1/systems", **query)
    assert response.status == 400
    assert response.error["code"] == "badRequest"
    assert response.error["fields"] == {field: ["invalidValue"]}


@pytest.mark.parametrize("sort", ["nonexistent", "-nonexistent", "name,bogus", "system_ids"])
def test_list_sorted_by_an_unknown_field_is_422(authority, sort):
    response = authority.get("/api/v1/systems", sort=sort)
    assert response.status == 422
    assert response.error["code"] == "validationFailed"
    assert response.error["fields"] == {"sort": ["unknownField"]}


def test_list_with_an_unknown_filter_is_400(authority):
    response = authority.get("/api/v1/systems", colour="blue")
    assert response.status == 400
    assert response.error["code"] == "unknownParameter"


def test_list_with_an_invalid_filter_value_is_422(authority):
    response = authority.get("/api/v1/systems", protection_level="extreme")
    assert response.status == 422
    assert response.error["fields"] == {"protection_level": ["invalidLevel"]}
    response = authority.get("/api/v1/contracts", in_force_on="yesterday")
    assert response.status == 422
    assert response.error["fields"] == {"in_force_on": ["invalidDate"]}
