"""GET /api/v1/reports/concentration on the shared registry (expectations in registry_data)."""

from __future__ import annotations

import datetime
import re

import pytest

import registry_data as data
from sg_http import parse_csv

COUNTS = ("agencies", "systems", "core_systems", "amount", "subcontract_agencies",
          "subcontract_systems")
HEADER = ["vendor_tax_id", "vendor_name", *COUNTS]


def taiwan_today() -> str:
    return datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date().isoformat()


def by_vendor(items: list[dict]) -> dict[str, dict]:
    return {item["vendor_tax_id"]: {key: item[key] for key in COUNTS} for item in items}


def concentration(client, **query) -> dict:
    return client.ok("GET", "/api/v1/reports/concentration", **query)


def test_counts_per_vendor_match_the_hand_computed_expectations(authority):
    body = concentration(authority)
    assert body["as_of"] in (taiwan_today(), (datetime.date.fromisoformat(taiwan_today())
                                              - datetime.timedelta(days=1)).isoformat())
    assert body["total"] == len(body["items"])
    counts = by_vendor(body["items"])
    for tax_id, expected in data.CONCENTRATION_ALL.items():
        assert counts[tax_id] == expected, tax_id
    names = {item["vendor_tax_id"]: item["vendor_name"] for item in body["items"]}
    assert names[data.V5] == data.FORMULA_VENDOR_NAME


def test_default_order_is_agencies_served_descending(authority):
    items = concentration(authority)["items"]
    keys = [(-item["agencies"], item["vendor_tax_id"]) for item in items]
    assert keys == sorted(keys)


@pytest.mark.parametrize("sort", ["-amount", "amount", "vendor_tax_id", "-systems",
                                  "subcontract_systems", "-core_systems", "vendor_name"])
def test_sort(authority, sort):
    items = concentration(authority, sort=sort)["items"]
    key = sort.lstrip("-")
    values = [item[key] for item in items]
    assert values == sorted(values, reverse=sort.startswith("-"))
    # Ties keep the tax id order.
    for left, right in zip(items, items[1:]):
        if left[key] == right[key]:
            assert left["vendor_tax_id"] < right["vendor_tax_id"]


def test_sort_minus_amount_puts_the_largest_first(authority):
    items = [item for item in concentration(authority, sort="-amount")["items"]
             if item["vendor_tax_id"] in data.CONCENTRATION_ALL]
    assert [item["vendor_tax_id"] for item in items] == [data.V3, data.V1, data.V2, data.V5,
                                                         data.V4]


def test_unknown_sort_is_422(authority):
    response = authority.get("/api/v1/reports/concentration", sort="-revenue")
    assert response.status == 422
    assert response.error["fields"] == {"sort": ["unknownField"]}


def test_as_of_before_the_contracts_start_gives_no_items(authority):
    body = concentration(authority, as_of="2019-12-31")
    assert body == {"as_of": "2019-12-31", "items": [], "total": 0}
    assert concentration(authority, as_of="108/12/31")["as_of"] == "2019-12-31"


def test_as_of_in_the_past_counts_the_contracts_then_in_force(authority):
    body = concentration(authority, as_of="2008-06-01")
    assert by_vendor(body["items"]) == {
        data.V1: dict(agencies=1, systems=1, core_systems=0, amount=999,
                      subcontract_agencies=0, subcontract_systems=0)}
    # The first and last day of a contract count.
    assert by_vendor(concentration(authority, as_of="2005-01-01")["items"]).keys() == {data.V1}
    assert by_vendor(concentration(authority, as_of="2010-12-31")["items"]).keys() == {data.V1}
    assert concentration(authority, as_of="2011-01-01")["items"] == []


@pytest.mark.parametrize("as_of", ["yesterday", "2020-02-30", "2020-13-01"])
def test_invalid_as_of_is_422(authority, as_of):
    response = authority.get("/api/v1/reports/concentration", as_of=as_of)
    assert response.status == 422
    assert response.error["fields"] == {"as_of": ["invalidDate"]}


def test_agency_code_restricts_to_the_subtree(authority):
    assert by_vendor(concentration(authority, agency_code="A0101")["items"]) == \
        data.CONCENTRATION_A0101
    assert by_vendor(concentration(authority, agency_code="A0102")["items"]) == \
        data.CONCENTRATION_A0102
    whole_ministry = by_vendor(concentration(authority, agency_code="A0100")["items"])
    assert whole_ministry[data.V3] == dict(agencies=1, systems=1, core_systems=1,
                                           amount=2_000_000, subcontract_agencies=0,
                                           subcontract_systems=0)
    assert whole_ministry[data.V1] == data.CONCENTRATION_A0101[data.V1]
    assert data.V5 not in whole_ministry
    beta = by_vendor(concentration(authority, agency_code="A0200")["items"])
    assert beta == {
        data.V3: dict(agencies=1, systems=2, core_systems=1, amount=3_000_000,
                      subcontract_agencies=0, subcontract_systems=0),
        data.V5: dict(agencies=1, systems=1, core_systems=1, amount=100,
                      subcontract_agencies=1, subcontract_systems=2)}


def test_unknown_agency_code_is_404(authority):
    response = authority.get("/api/v1/reports/concentration", agency_code="NO-SUCH-AGENCY")
    assert response.status == 404
    assert response.error["code"] == "notFound"


def test_csv_format_has_the_header_row_and_the_same_numbers(authority):
    response = authority.get("/api/v1/reports/concentration", format="csv", sort="-amount")
    assert response.status == 200
    assert response.header("Content-Type").startswith("text/csv")
    disposition = response.header("Content-Disposition")
    assert re.fullmatch(r'attachment; filename="concentration-\d{4}-\d{2}-\d{2}\.csv"',
                        disposition)
    assert response.body.startswith(b"\xef\xbb\xbf")
    rows = parse_csv(response.text)
    assert rows[0] == HEADER
    json_items = concentration(authority, sort="-amount")["items"]
    assert len(rows) - 1 == len(json_items)
    assert [row[0] for row in rows[1:]] == [item["vendor_tax_id"] for item in json_items]
    csv_counts = {row[0]: dict(zip(COUNTS, map(int, row[2:]))) for row in rows[1:]}
    for tax_id, expected in data.CONCENTRATION_ALL.items():
        assert csv_counts[tax_id] == expected
    names = {row[0]: row[1] for row in rows[1:]}
    assert names[data.V5] == "'" + data.FORMULA_VENDOR_NAME
    assert names[data.V1] == "一號資訊 Vendor One"


def test_csv_of_an_empty_report_is_only_the_header(authority):
    response = authority.get("/api/v1/reports/concentration", format="csv", as_of="2019-01-01")
    assert response.status == 200
    assert parse_csv(response.text) == [HEADER]
    assert 'concentration-2019-01-01.csv' in response.header("Content-Disposition")
