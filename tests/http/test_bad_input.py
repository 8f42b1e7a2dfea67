"""Bad input on purpose: each case checks status, error code and field, and that nothing was written."""

from __future__ import annotations

import os

import pytest

from sg_http import Client, fresh_tax_ids, raw_http, unique

COLLECTIONS = ("agencies", "vendors", "systems", "contracts")


@pytest.fixture(scope="module")
def base(authority) -> dict:
    """An agency, a vendor and a system that the bad requests refer to."""
    agency = authority.ok("POST", "/api/v1/agencies",
                          {"code": unique("AB"), "name": "Bad input agency", "level": "D",
                           "kind": "local"}, status=201)
    vendor = authority.ok("POST", "/api/v1/vendors",
                          {"tax_id": fresh_tax_ids(1)[0], "name": "Bad input vendor"}, status=201)
    system = authority.ok("POST", "/api/v1/systems",
                          {"agency_code": agency["code"], "system_id": unique("SB"),
                           "name": "Bad input system", "confidentiality": "normal",
                           "integrity": "normal", "availability": "normal", "legal": "normal"},
                          status=201)
    contract = authority.ok("POST", "/api/v1/contracts",
                            {"contract_id": unique("CB"), "agency_code": agency["code"],
                             "vendor_tax_id": vendor["tax_id"], "title": "Bad input contract",
                             "service_type": "it_planning", "amount": 10,
                             "start_date": "2022-01-01", "end_date": "2022-12-31"}, status=201)
    return {"agency": agency, "vendor": vendor, "system": system, "contract": contract}


class NothingWritten:
    """Remembers every collection's total and each base record, to check they did not change."""

    def __init__(self, client: Client, base: dict) -> None:
        self.client = client
        self.base = base
        self.totals = {collection: client.total(collection) for collection in COLLECTIONS}
        self.records = {name: client.ok("GET", f"/api/v1/{collection}/{base[name]['id']}")
                        for name, collection in (("agency", "agencies"), ("vendor", "vendors"),
                                                 ("system", "systems"),
                                                 ("contract", "contracts"))}

    def check(self) -> None:
        assert {c: self.client.total(c) for c in COLLECTIONS} == self.totals
        for name, collection in (("agency", "agencies"), ("vendor", "vendors"),
                                 ("system", "systems"), ("contract", "contracts")):
            now = self.client.ok("GET", f"/api/v1/{collection}/{self.base[name]['id']}")
            assert now == self.records[name], name


@pytest.fixture
def unchanged(authority, base):
    guard = NothingWritten(authority, base)
    yield guard
    guard.check()


def valid(kind: str, base: dict) -> dict:
    """A valid create body of a collection, with fresh keys."""
    if kind == "agencies":
        return {"code": unique("AB"), "name": "ok", "level": "A", "kind": "central"}
    if kind == "vendors":
        return {"tax_id": fresh_tax_ids(1)[0], "name": "ok"}
    if kind == "systems":
        return {"agency_code": base["agency"]["code"], "system_id": unique("SB"), "name": "ok",
                "confidentiality": "normal", "integrity": "normal", "availability": "normal",
                "legal": "normal"}
    return {"contract_id": unique("CB"), "agency_code": base["agency"]["code"],
            "vendor_tax_id": base["vendor"]["tax_id"], "title": "ok",
            "service_type": "it_planning", "amount": 1, "start_date": "2022-01-01",
            "end_date": "2022-12-31"}


def assert_error(response, status: int, code: str, fields: dict | None = None) -> None:
    assert response.status == status, response
    assert response.header("Content-Type").startswith("application/json")
    error = response.error
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"]
    if fields is not None:
        assert error["fields"] == fields


# ------------------------------------------------------------------------------------------------
# Bodies that are not a JSON object


@pytest.mark.parametrize("body", [b"{", b'{"name": "x",}', b"nul", b"", b"{'name': 'x'}",
                                  b'{"name": "x"} trailing'])
@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_malformed_json_is_400(authority, base, unchanged, body, method):
    path = "/api/v1/agencies" if method == "POST" else f"/api/v1/agencies/{base['agency']['id']}"
    response = authority.request(method, path, body=body,
                                 headers={"Content-Type": "application/json"})
    assert_error(response, 400, "malformedJson")


@pytest.mark.parametrize("body", [b"[]", b'["code", "A1"]', b'"agency"', b"42", b"null",
                                  b"true"])
def test_body_that_is_not_an_object_is_400(authority, base, unchanged, body):
    response = authority.request("POST", "/api/v1/systems", body=body,
                                 headers={"Content-Type": "application/json"})
    assert_error(response, 400, "malformedJson")


@pytest.mark.parametrize("body", [b'{"code": "A\xff\xfe", "name": "x"}',
                                  '{"name": "機關"}'.encode("cp950"),
                                  '{"name": "x"}'.encode("utf-16")])
def test_json_body_that_is_not_utf8_is_400_invalid_encoding(authority, base, unchanged, body):
    response = authority.request("POST", "/api/v1/agencies", body=body,
                                 headers={"Content-Type": "application/json"})
    assert_error(response, 400, "invalidEncoding")
    patch = authority.request("PATCH", f"/api/v1/agencies/{base['agency']['id']}", body=body,
                              headers={"Content-Type": "application/json"})
    assert_error(patch, 400, "invalidEncoding")


# ------------------------------------------------------------------------------------------------
# Fields


@pytest.mark.parametrize("kind, field, value", [
    ("agencies", "name", 42),
    ("agencies", "code", ["A1"]),
    ("agencies", "level", {"value": "A"}),
    ("vendors", "prc_capital", "yes"),
    ("vendors", "prc_capital", 1),
    ("vendors", "certifications", "ISO 27001"),
    ("vendors", "certifications", ["ISO 27001"]),
    ("vendors", "subcontractors", "12345675"),
    ("systems", "core", "true"),
    ("systems", "confidentiality", 2),
    ("contracts", "amount", "100"),
    ("contracts", "amount", True),
    ("contracts", "system_ids", "S1"),
    ("contracts", "system_ids", [1, 2]),
    ("contracts", "start_date", 20220101),
])
def test_wrong_type_is_422_wrong_type(authority, base, unchanged, kind, field, value):
    body = valid(kind, base)
    body[field] = value
    assert_error(authority.post(f"/api/v1/{kind}", body), 422, "validationFailed",
                 {field: ["wrongType"]})


@pytest.mark.parametrize("kind", COLLECTIONS)
def test_unknown_field_is_422_unknown_field(authority, base, unchanged, kind):
    body = valid(kind, base)
    body["colour"] = "blue"
    assert_error(authority.post(f"/api/v1/{kind}", body), 422, "validationFailed",
                 {"colour": ["unknownField"]})
    record = base[{"agencies": "agency", "vendors": "vendor", "systems": "system",
                   "contracts": "contract"}[kind]]
    assert_error(authority.patch(f"/api/v1/{kind}/{record['id']}", {"colour": "blue"}), 422,
                 "validationFailed", {"colour": ["unknownField"]})


def test_every_error_of_a_body_is_reported_at_once(authority, base, unchanged):
    response = authority.post("/api/v1/contracts", {
        "contract_id": unique("CB"), "agency_code": base["agency"]["code"],
        "vendor_tax_id": "12345678", "title": 7, "service_type": "consulting", "amount": -1,
        "start_date": "2022-02-30", "end_date": "2022-01-01", "extra": 1})
    assert_error(response, 422, "validationFailed", {
        "vendor_tax_id": ["invalidTaxId"], "title": ["wrongType"],
        "service_type": ["invalidValue"], "amount": ["mustNotBeNegative"],
        "start_date": ["invalidDate"], "extra": ["unknownField"]})


@pytest.mark.parametrize("kind", COLLECTIONS)
def test_missing_required_fields_are_listed(authority, base, unchanged, kind):
    required = {"agencies": ["code", "kind", "level", "name"],
                "vendors": ["name", "tax_id"],
                "systems": ["agency_code", "availability", "confidentiality", "integrity",
                            "legal", "name", "system_id"],
                "contracts": ["agency_code", "amount", "contract_id", "end_date",
                              "service_type", "start_date", "title", "vendor_tax_id"]}[kind]
    response = authority.post(f"/api/v1/{kind}", {})
    assert_error(response, 422, "validationFailed", {field: ["required"] for field in required})
    # Blank text counts as missing (amount is a number: a string there is a wrong type).
    # Every error is reported at once: the blanks and the amount that was left out.
    blanks = {field: "  " for field in required if field != "amount"}
    response = authority.post(f"/api/v1/{kind}", blanks)
    assert_error(response, 422, "validationFailed", {field: ["required"] for field in required})


def test_missing_fields_are_reported_together_with_invalid_ones(authority, base, unchanged):
    body = valid("systems", base)
    del body["name"]
    body["core"] = "yes"
    assert_error(authority.post("/api/v1/systems", body), 422, "validationFailed",
                 {"name": ["required"], "core": ["wrongType"]})


@pytest.mark.parametrize("tax_id", ["12345678", "1234567", "123456789", "ABCDEFGH", "0459525 ",
                                    "04595253"])
def test_invalid_tax_id_is_422(authority, base, unchanged, tax_id):
    response = authority.post("/api/v1/vendors", {"tax_id": tax_id, "name": "bad"})
    assert response.status == 422
    assert response.error["fields"]["tax_id"] in (["invalidTaxId"], ["tooLong"])
    if len(tax_id.strip()) <= 8:
        assert response.error["fields"] == {"tax_id": ["invalidTaxId"]}


def test_invalid_tax_id_in_references_is_422(authority, base, unchanged):
    body = valid("contracts", base)
    body["vendor_tax_id"] = "12345678"
    assert_error(authority.post("/api/v1/contracts", body), 422, "validationFailed",
                 {"vendor_tax_id": ["invalidTaxId"]})
    body = valid("contracts", base)
    body["subcontractor_tax_ids"] = ["12345675", "12345678"]
    assert_error(authority.post("/api/v1/contracts", body), 422, "validationFailed",
                 {"subcontractor_tax_ids": ["invalidTaxId"]})
    assert_error(authority.patch(f"/api/v1/vendors/{base['vendor']['id']}",
                                 {"tax_id": "12345678"}), 422, "validationFailed",
                 {"tax_id": ["invalidTaxId"]})


@pytest.mark.parametrize("amount, code", [(-1, "mustNotBeNegative"),
                                          (-1000000, "mustNotBeNegative"),
                                          (1.5, "notAnInteger"),
                                          (10**19, "tooLarge"),
                                          (10**18 + 1, "tooLarge")])
def test_bad_amount_is_422(authority, base, unchanged, amount, code):
    body = valid("contracts", base)
    body["amount"] = amount
    assert_error(authority.post("/api/v1/contracts", body), 422, "validationFailed",
                 {"amount": [code]})
    assert_error(authority.patch(f"/api/v1/contracts/{base['contract']['id']}",
                                 {"amount": amount}), 422, "validationFailed", {"amount": [code]})


def test_end_date_before_start_date_is_422(authority, base, unchanged):
    body = valid("contracts", base)
    body.update(start_date="2023-05-02", end_date="2023-05-01")
    assert_error(authority.post("/api/v1/contracts", body), 422, "validationFailed",
                 {"end_date": ["endBeforeStart"]})
    # A patch of one date is checked against the stored other date (2022-01-01 → 2022-12-31).
    assert_error(authority.patch(f"/api/v1/contracts/{base['contract']['id']}",
                                 {"end_date": "2021-12-31"}), 422, "validationFailed",
                 {"end_date": ["endBeforeStart"]})
    assert_error(authority.patch(f"/api/v1/contracts/{base['contract']['id']}",
                                 {"start_date": "2023-01-01"}), 422, "validationFailed",
                 {"end_date": ["endBeforeStart"]})


@pytest.mark.parametrize("value", ["2022-02-30", "2022-13-01", "yesterday", "2022/1", "0/0/0",
                                   "民國111年02月30日"])
def test_invalid_date_is_422(authority, base, unchanged, value):
    body = valid("contracts", base)
    body["start_date"] = value
    assert_error(authority.post("/api/v1/contracts", body), 422, "validationFailed",
                 {"start_date": ["invalidDate"]})


def test_system_of_an_unknown_agency_is_422(authority, base, unchanged):
    body = valid("systems", base)
    body["agency_code"] = "NO-SUCH-AGENCY"
    assert_error(authority.post("/api/v1/systems", body), 422, "validationFailed",
                 {"agency_code": ["unknownAgency"]})
    assert_error(authority.patch(f"/api/v1/systems/{base['system']['id']}",
                                 {"agency_code": "NO-SUCH-AGENCY"}), 422, "validationFailed",
                 {"agency_code": ["unknownAgency"]})


def test_references_to_unknown_or_deleted_records_are_422(authority, base, unchanged):
    deleted = fresh_tax_ids(1)[0]
    vendor = authority.ok("POST", "/api/v1/vendors", {"tax_id": deleted, "name": "gone"},
                          status=201)
    assert authority.delete(f"/api/v1/vendors/{vendor['id']}").status == 204
    guard = NothingWritten(authority, base)
    cases = [
        ("vendor_tax_id", fresh_tax_ids(1)[0], "unknownVendor"),
        ("vendor_tax_id", deleted, "unknownVendor"),
        ("system_ids", ["NO-SUCH-SYSTEM"], "unknownSystem"),
        ("subcontractor_tax_ids", [deleted], "unknownVendor"),
        ("agency_code", "NO-SUCH-AGENCY", "unknownAgency"),
    ]
    for field, value, code in cases:
        body = valid("contracts", base)
        body[field] = value
        assert_error(authority.post("/api/v1/contracts", body), 422, "validationFailed",
                     {field: [code]})
    assert_error(authority.post("/api/v1/agencies", {**valid("agencies", base),
                                                     "parent_code": "NO-SUCH-AGENCY"}),
                 422, "validationFailed", {"parent_code": ["unknownAgency"]})
    guard.check()


@pytest.mark.parametrize("kind, field, value, code", [
    ("agencies", "level", "F", "invalidValue"),
    ("agencies", "kind", "private", "invalidValue"),
    ("agencies", "code", "A 01", "invalidCode"),
    ("agencies", "code", "A;01", "invalidCode"),
    ("agencies", "code", "A" * 41, "tooLong"),
    ("agencies", "name", "名" * 201, "tooLong"),
    ("systems", "integrity", "very high", "invalidLevel"),
    ("contracts", "service_type", "consulting", "invalidValue"),
    ("contracts", "title", "x" * 301, "tooLong"),
])
def test_invalid_enumerations_and_lengths_are_422(authority, base, unchanged, kind, field, value,
                                                  code):
    body = valid(kind, base)
    body[field] = value
    assert_error(authority.post(f"/api/v1/{kind}", body), 422, "validationFailed",
                 {field: [code]})


def test_name_of_exactly_the_maximum_length_is_accepted(authority, base):
    body = valid("agencies", base)
    body["name"] = "名" * 200
    created = authority.ok("POST", "/api/v1/agencies", body, status=201)
    assert created["name"] == "名" * 200


def test_bad_certification_expiry_is_422(authority, base, unchanged):
    body = valid("vendors", base)
    body["certifications"] = [{"name": "ISO 27001", "expires_on": "soon"}]
    assert_error(authority.post("/api/v1/vendors", body), 422, "validationFailed",
                 {"certifications": ["invalidDate"]})
    body["certifications"] = [{"name": "ISO 27001", "issuer": "x"}]
    assert_error(authority.post("/api/v1/vendors", body), 422, "validationFailed",
                 {"certifications": ["unknownField"]})


# ------------------------------------------------------------------------------------------------
# Size


def oversized_post(env, authority, size: int, chunked: bool = False) -> tuple[int, bytes]:
    head = (f"POST /api/v1/agencies HTTP/1.1\r\nHost: 127.0.0.1:{env.server.port}\r\n"
            f"Content-Type: application/json\r\nCookie: sg_session={authority.cookie}\r\n"
            f"X-CSRF-Token: {authority.csrf}\r\n")
    block = b" " * (1 << 20)
    if chunked:
        head += "Transfer-Encoding: chunked\r\n\r\n"

        def body():
            sent = 0
            while sent < size:
                part = block[:min(len(block), size - sent)]
                sent += len(part)
                yield f"{len(part):x}\r\n".encode() + part + b"\r\n"
            yield b"0\r\n\r\n"
    else:
        head += f"Content-Length: {size}\r\n\r\n"

        def body():
            yield b"{}"
            sent = 2
            while sent < size:
                part = block[:min(len(block), size - sent)]
                sent += len(part)
                yield part
    return raw_http("127.0.0.1", env.server.port, head.encode(), body())


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_body_over_32_mib_is_413_and_the_server_keeps_serving(env, authority, base, unchanged,
                                                               chunked):
    status, body = oversized_post(env, authority, 32 * 1024 * 1024 + 1, chunked)
    assert status == 413
    assert b'"payloadTooLarge"' in body
    assert env.anonymous().get("/healthz").status == 200
    assert authority.get("/api/v1/agencies").status == 200


def test_body_of_exactly_32_mib_is_read(env, authority, base, unchanged):
    status, body = oversized_post(env, authority, 32 * 1024 * 1024)
    assert status == 422  # read and parsed: {} lacks every required field
    assert b'"validationFailed"' in body


# ------------------------------------------------------------------------------------------------
# Imports that cannot be read


def test_csv_that_is_neither_utf8_nor_big5_is_400(authority, base, unchanged):
    content = "code,name,level,kind\r\nAX1,機關,A,central\r\n".encode("utf-16")
    assert content.startswith(b"\xff\xfe")
    assert_error(authority.upload("agencies", content), 400, "unsupportedEncoding")
    latin = "code,name,level,kind\r\nAX1,Ägypten ÿ,A,central\r\n".encode("latin-1")
    assert_error(authority.upload("agencies", latin), 400, "unsupportedEncoding")


def test_xlsx_that_is_not_a_spreadsheet_is_400(authority, base, unchanged):
    content = b"PK\x03\x04" + os.urandom(4096)
    assert_error(authority.upload("agencies", content, filename="agencies.xlsx",
                                  content_type="application/vnd.openxmlformats-officedocument."
                                               "spreadsheetml.sheet"), 400, "notASpreadsheet")
    legacy = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(1024)
    assert_error(authority.upload("agencies", legacy, filename="agencies.xls"), 400,
                 "notASpreadsheet")


def test_import_without_a_file_part_is_422(authority, base, unchanged):
    response = authority.upload("agencies", "code,name\r\n", field_name="attachment")
    assert_error(response, 422, "validationFailed", {"file": ["required"]})


def test_import_that_is_not_multipart_is_400(authority, base, unchanged):
    response = authority.request("POST", "/api/v1/import/agencies",
                                 body=b"code,name,level,kind\r\nAX2,x,A,central\r\n",
                                 headers={"Content-Type": "text/csv"})
    assert_error(response, 400, "notMultipart")
    broken = authority.request("POST", "/api/v1/import/agencies", body=b"--nothing",
                               headers={"Content-Type": "multipart/form-data; boundary=abc"})
    assert_error(broken, 400, "badMultipart")


def test_import_of_an_empty_file_is_400(authority, base, unchanged):
    assert_error(authority.upload("agencies", b""), 400, "emptyFile")


def test_import_of_an_unknown_kind_is_404(authority, base, unchanged):
    response = authority.upload("widgets", "code,name\r\nx,y\r\n")
    assert_error(response, 404, "notFound")


def test_import_with_unknown_or_missing_columns_is_422(authority, base, unchanged):
    response = authority.upload("agencies", "code,name,colour\r\nAX3,x,blue\r\n")
    assert response.status == 422
    errors = response.json()["errors"]
    assert {(e["row"], e["column"], e["code"]) for e in errors} == {
        (1, "colour", "unknownColumn"), (1, "level", "missingColumn"),
        (1, "kind", "missingColumn")}
    duplicate = authority.upload("agencies",
                                 "code,name,機關名稱,level,kind\r\nAX4,x,y,A,central\r\n")
    assert duplicate.status == 422
    assert [(e["row"], e["column"], e["code"]) for e in duplicate.json()["errors"]] == [
        (1, "name", "duplicateColumn")]


def test_a_forged_path_cannot_break_or_forge_a_log_line(make_database, tmp_root):
    """Client text (method, path) is JSON-encoded in the request log (CWE-117, found by the
    scanner run in docs/security-scan/FINDINGS.md); every response carries a Date header."""
    from sg_http import Server, migrate
    import json as json_module
    import time as time_module
    database = make_database()
    migrate(database.url)
    server = Server(database.url, tmp_root, quiet=False)
    try:
        forged = ('/api/v1/x%22,%22status%22:200,%22ip%22:%2210.9.9.9%22%7D%0A%7B%22time%22:'
                  '%222026-11-21T00:00:00.000Z%22,%22event%22:%22forged')
        answer = server.client().get(forged)
        assert answer.status in (401, 404)
        assert answer.header("Date") and answer.header("Date").endswith(" GMT")
        deadline = time_module.monotonic() + 5
        request_lines: list[dict] = []
        while time_module.monotonic() < deadline and not request_lines:
            parsed = []
            for line in list(server.output):
                if line.startswith("SupplyGuard") or not line.strip().startswith("{"):
                    continue
                parsed.append(json_module.loads(line))  # every log line is one JSON object
            request_lines = [entry for entry in parsed if entry.get("path", "").startswith(
                "/api/v1/x")]
            time_module.sleep(0.05)
        assert request_lines, "".join(server.output)
        assert request_lines[0]["status"] == answer.status
        assert request_lines[0]["ip"] == "127.0.0.1"
        assert not any(entry.get("event") == "forged" for entry in parsed)
    finally:
        assert server.stop() == 0
