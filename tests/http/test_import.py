"""POST /api/v1/import/{kind}: validation of whole files, dry runs, re-imports, encodings, XLSX."""

from __future__ import annotations

import datetime
import io

import pytest

from sg_http import Client, csv_text, fresh_tax_ids, parse_csv, unique

COLLECTIONS = ("agencies", "vendors", "systems", "contracts")


@pytest.fixture(scope="module")
def ctx(authority) -> dict:
    """A top-level agency with two systems and a vendor, made through one import per kind."""
    agency = unique("AI")
    vendor = fresh_tax_ids(1)[0]
    authority.imported("agencies", csv_text([["code", "name", "level", "kind"],
                                             [agency, "Import home", "C", "local"]]))
    authority.imported("vendors", csv_text([["tax_id", "name"], [vendor, "Import vendor"]]))
    systems = [f"{agency}-S1", f"{agency}-S2"]
    authority.imported("systems", csv_text(
        [["agency_code", "system_id", "name", "confidentiality", "integrity", "availability",
          "legal"]] + [[agency, system, f"System {system}", "普", "普", "普", "普"]
                       for system in systems]))
    return {"agency": agency, "vendor": vendor, "systems": systems}


def totals(client: Client) -> dict:
    return {collection: client.total(collection) for collection in COLLECTIONS}


def contract_row(ctx: dict, contract_id: str, **overrides) -> dict:
    row = {"contract_id": contract_id, "agency_code": ctx["agency"],
           "vendor_tax_id": ctx["vendor"], "title": f"Contract {contract_id}",
           "service_type": "system_maintenance", "amount": "1000",
           "start_date": "2021-01-01", "end_date": "2029-12-31", "system_ids": "",
           "subcontractor_tax_ids": ""}
    row.update(overrides)
    return row


def rows_to_csv(rows: list[dict]) -> str:
    header = list(rows[0])
    return csv_text([header] + [[row[column] for column in header] for row in rows])


def error_tuples(report: dict) -> list[tuple]:
    return sorted((e["row"], e["column"], e["value"], e["code"]) for e in report["errors"])


# ------------------------------------------------------------------------------------------------
# Whole-file validation


def test_file_with_bad_rows_lists_every_bad_row_and_writes_nothing(authority, ctx):
    before = totals(authority)
    prefix = unique("CI")
    unknown_vendor = fresh_tax_ids(1)[0]
    rows = [
        contract_row(ctx, f"{prefix}-1"),                                         # row 2: fine
        contract_row(ctx, f"{prefix}-2", amount="-5"),                            # row 3
        contract_row(ctx, f"{prefix}-3", vendor_tax_id="12345678"),               # row 4
        contract_row(ctx, f"{prefix}-4", start_date="2023-05-02",
                     end_date="2023-05-01"),                                      # row 5
        contract_row(ctx, f"{prefix}-5", system_ids=ctx["systems"][0]),           # row 6: fine
        contract_row(ctx, f"{prefix}-6", amount="abc", start_date="2022-02-30"),  # row 7
        contract_row(ctx, f"{prefix}-7", vendor_tax_id=unknown_vendor),           # row 8
        contract_row(ctx, f"{prefix}-8", system_ids="NO-SUCH-SYSTEM"),            # row 9
        contract_row(ctx, f"{prefix}-1", title="again"),                          # row 10
        contract_row(ctx, f"{prefix}-9", service_type="consulting",
                     subcontractor_tax_ids="12345675;12345678"),                  # row 11
    ]
    response = authority.upload("contracts", rows_to_csv(rows))
    assert response.status == 422
    report = response.json()
    assert error_tuples(report) == sorted([
        (3, "amount", "-5", "mustNotBeNegative"),
        (4, "vendor_tax_id", "12345678", "invalidTaxId"),
        (5, "end_date", "2023-05-01", "endBeforeStart"),
        (7, "amount", "abc", "notANumber"),
        (7, "start_date", "2022-02-30", "invalidDate"),
        (8, "vendor_tax_id", unknown_vendor, "unknownVendor"),
        (9, "system_ids", "NO-SUCH-SYSTEM;", "unknownSystem"),
        (10, "contract_id", f"{prefix}-1", "duplicateInFile"),
        (11, "service_type", "consulting", "invalidValue"),
        (11, "subcontractor_tax_ids", "12345675;12345678", "invalidTaxId"),
    ])
    assert [e["row"] for e in report["errors"]] == sorted(e["row"] for e in report["errors"])
    assert all(e["message"] for e in report["errors"])
    assert report["created"] == report["updated"] == report["unchanged"] == 0
    assert totals(authority) == before
    assert authority.find("contracts", "contract_id", f"{prefix}-1") is None
    assert authority.find("contracts", "contract_id", f"{prefix}-5") is None


def test_bad_agencies_file_reports_rows_counting_the_header_as_row_1(authority, ctx):
    before = totals(authority)
    prefix = unique("AI")
    content = csv_text([
        ["code", "name", "parent_code", "level", "kind"],
        [f"{prefix}-1", "fine", ctx["agency"], "A", "central"],   # 2
        [f"{prefix}-2", "bad level", "", "Z", "central"],          # 3
        ["", "", "", "", ""],                                       # 4: blank, skipped
        [f"{prefix}-3", "", "", "A", "central"],                   # 5: name missing
        [f"{prefix}-4", "orphan", "NO-SUCH-AGENCY", "A", "local"],  # 6
        [f"{prefix} 5", "spaced", "", "A", "local"],               # 7
    ])
    response = authority.upload("agencies", content)
    assert response.status == 422
    assert error_tuples(response.json()) == [
        (3, "level", "Z", "invalidValue"),
        (5, "name", "", "required"),
        (6, "parent_code", "NO-SUCH-AGENCY", "unknownAgency"),
        (7, "code", f"{prefix} 5", "invalidCode"),
    ]
    assert totals(authority) == before


def test_cycle_within_the_file_is_refused(authority):
    before = totals(authority)
    prefix = unique("AI")
    response = authority.upload("agencies", csv_text([
        ["code", "name", "parent_code", "level", "kind"],
        [f"{prefix}-1", "one", f"{prefix}-2", "A", "central"],
        [f"{prefix}-2", "two", f"{prefix}-1", "A", "central"],
    ]))
    assert response.status == 422
    assert {e["code"] for e in response.json()["errors"]} == {"cycle"}
    assert totals(authority) == before


def test_row_with_more_cells_than_the_header_is_refused(authority):
    response = authority.upload("agencies", "code,name,level,kind\r\nAX9,x,A,central,extra\r\n")
    assert response.status == 400
    assert response.error["code"] == "tooManyColumns"


# ------------------------------------------------------------------------------------------------
# Dry run, apply, re-import


def test_dry_run_reports_changes_and_writes_nothing_then_apply_then_unchanged(authority, ctx):
    prefix = unique("SI")
    header = ["agency_code", "system_id", "name", "confidentiality", "integrity",
              "availability", "legal", "core"]
    rows = [[ctx["agency"], f"{prefix}-{n}", f"Dry run {n}", "普", "中", "普", "普", "否"]
            for n in range(1, 4)]
    content = csv_text([header] + rows)
    before = totals(authority)

    dry = authority.upload("systems", content, dry_run=True)
    assert dry.status == 200
    report = dry.json()
    assert report["dry_run"] is True
    assert report["errors"] == []
    assert (report["created"], report["updated"], report["unchanged"]) == (3, 0, 0)
    assert report["changes"] == [{"row": n + 1, "key": f"{prefix}-{n}", "action": "create"}
                                 for n in range(1, 4)]
    assert report["changes_truncated"] is False
    assert totals(authority) == before
    assert authority.find("systems", "system_id", f"{prefix}-1") is None

    applied = authority.imported("systems", content)
    assert applied["dry_run"] is False
    assert (applied["created"], applied["updated"], applied["unchanged"]) == (3, 0, 0)
    assert totals(authority)["systems"] == before["systems"] + 3
    record = authority.find("systems", "system_id", f"{prefix}-2")
    assert record["name"] == "Dry run 2" and record["protection_level"] == "medium"

    again = authority.imported("systems", content)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    assert [change["action"] for change in again["changes"]] == ["unchanged"] * 3

    rows[1][2] = "Dry run 2 renamed"
    changed_content = csv_text([header] + rows)
    dry_update = authority.upload("systems", changed_content, dry_run=True).json()
    assert (dry_update["created"], dry_update["updated"], dry_update["unchanged"]) == (0, 1, 2)
    assert authority.find("systems", "system_id", f"{prefix}-2")["name"] == "Dry run 2"
    update = authority.imported("systems", changed_content)
    assert [change["action"] for change in update["changes"]] == [
        "unchanged", "update", "unchanged"]
    assert authority.find("systems", "system_id", f"{prefix}-2")["name"] == "Dry run 2 renamed"
    history = authority.ok("GET", f"/api/v1/systems/{record['id']}/history")["items"]
    assert [entry["action"] for entry in history] == ["import_update", "import_create"]
    assert history[0]["changes"] == {"name": ["Dry run 2", "Dry run 2 renamed"]}


def test_dry_run_with_errors_is_422(authority, ctx):
    before = totals(authority)
    response = authority.upload("vendors", csv_text([["tax_id", "name"], ["12345678", "x"]]),
                                dry_run=True)
    assert response.status == 422
    assert error_tuples(response.json()) == [(2, "tax_id", "12345678", "invalidTaxId")]
    assert totals(authority) == before


def test_reimporting_the_same_contracts_file_is_all_unchanged(authority, ctx):
    prefix = unique("CI")
    sub_a, sub_b = sorted(fresh_tax_ids(2))  # lists in key order: see the xfail below
    authority.imported("vendors", csv_text([["tax_id", "name"], [sub_a, "Sub A"],
                                            [sub_b, "Sub B"]]))
    rows = [contract_row(ctx, f"{prefix}-1", system_ids=";".join(ctx["systems"]),
                         subcontractor_tax_ids=f"{sub_a};{sub_b}", amount="1,200,000"),
            contract_row(ctx, f"{prefix}-2", system_ids=ctx["systems"][0])]
    content = rows_to_csv(rows)
    first = authority.imported("contracts", content)
    assert (first["created"], first["updated"], first["unchanged"]) == (2, 0, 0)
    record = authority.find("contracts", "contract_id", f"{prefix}-1")
    assert record["amount"] == 1_200_000
    assert sorted(record["system_ids"]) == sorted(ctx["systems"])
    assert sorted(record["subcontractor_tax_ids"]) == sorted([sub_a, sub_b])
    second = authority.imported("contracts", content)
    assert (second["created"], second["updated"], second["unchanged"]) == (0, 0, 2)


def test_reimport_with_lists_in_another_order_is_unchanged(authority, ctx):
    prefix = unique("CI")
    rows = [contract_row(ctx, f"{prefix}-1", system_ids=";".join(reversed(ctx["systems"])))]
    content = rows_to_csv(rows)
    assert authority.imported("contracts", content)["created"] == 1
    again = authority.imported("contracts", content)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 1)


def test_columns_left_out_keep_their_stored_values(authority, ctx):
    prefix = unique("SI")
    full = csv_text([
        ["agency_code", "system_id", "name", "confidentiality", "integrity", "availability",
         "legal", "core", "ci"],
        [ctx["agency"], prefix, "Partial", "高", "普", "普", "普", "是", "是"]])
    authority.imported("systems", full)
    partial = csv_text([
        ["system_id", "name", "agency_code", "confidentiality", "integrity", "availability",
         "legal"],
        [prefix, "Partial renamed", ctx["agency"], "高", "普", "普", "普"]])
    report = authority.imported("systems", partial)
    assert report["updated"] == 1
    record = authority.find("systems", "system_id", prefix)
    assert record["name"] == "Partial renamed"
    assert record["core"] is True and record["ci"] is True


def test_import_restores_a_soft_deleted_record(authority, ctx):
    tax_id = fresh_tax_ids(1)[0]
    content = csv_text([["tax_id", "name"], [tax_id, "Comes back"]])
    authority.imported("vendors", content)
    record = authority.find("vendors", "tax_id", tax_id)
    assert authority.delete(f"/api/v1/vendors/{record['id']}").status == 204
    report = authority.imported("vendors", content)
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 1, 0)
    assert report["changes"][0]["action"] == "restore"
    assert authority.find("vendors", "tax_id", tax_id)["id"] == record["id"]


def test_children_before_parents_and_later_subcontractors_in_one_file(authority):
    prefix = unique("AI")
    report = authority.imported("agencies", csv_text([
        ["code", "name", "parent_code", "level", "kind"],
        [f"{prefix}-3", "grandchild", f"{prefix}-2", "C", "local"],
        [f"{prefix}-2", "child", f"{prefix}-1", "B", "local"],
        [f"{prefix}-1", "root", "", "A", "local"],
    ]))
    assert report["created"] == 3
    assert authority.find("agencies", "code", f"{prefix}-3")["parent_code"] == f"{prefix}-2"
    main, sub = fresh_tax_ids(2)
    report = authority.imported("vendors", csv_text([
        ["tax_id", "name", "subcontractors"], [main, "Main", sub], [sub, "Sub", ""]]))
    assert report["created"] == 2
    assert authority.find("vendors", "tax_id", main)["subcontractors"] == [sub]


# ------------------------------------------------------------------------------------------------
# Headers, encodings, cell formats


def test_chinese_headers_are_accepted(authority):
    prefix = unique("AI")
    tax_id = fresh_tax_ids(1)[0]
    authority.imported("agencies", csv_text([
        ["機關代碼", "機關名稱", "上級機關代碼", "資安責任等級", "機關類型"],
        [f"{prefix}-1", "中文標頭機關", "", "A", "central"],
        [f"{prefix}-2", "中文標頭分機關", f"{prefix}-1", "b", "ci_provider"]]))
    authority.imported("vendors", csv_text([
        ["統一編號", "廠商名稱", "陸資", "驗證", "分包廠商"],
        [tax_id, "中文標頭廠商", "否", "ISO 27001:2027-05-01;CMMI", ""]]))
    authority.imported("systems", csv_text([
        ["機關代碼", "系統代碼", "系統名稱", "機密性", "完整性", "可用性", "法律遵循性", "核心系統",
         "關鍵基礎設施"],
        [f"{prefix}-2", f"{prefix}-S", "中文標頭系統", "高", "中", "普", "普", "是", "否"]]))
    authority.imported("contracts", csv_text([
        ["契約編號", "機關代碼", "統一編號", "案名", "資服類型", "金額", "起始日", "結束日", "系統代碼",
         "聯合稽核條款", "遠端維護", "分包廠商"],
        [f"{prefix}-C", f"{prefix}-2", tax_id, "中文標頭契約", "saas_customised", "2500000",
         "110/01/01", "112/12/31", f"{prefix}-S", "是", "否", ""]]))
    agency = authority.find("agencies", "code", f"{prefix}-2")
    assert (agency["name"], agency["parent_code"], agency["level"], agency["kind"]) == (
        "中文標頭分機關", f"{prefix}-1", "B", "ci_provider")
    vendor = authority.find("vendors", "tax_id", tax_id)
    assert vendor["certifications"] == [{"name": "ISO 27001", "expires_on": "2027-05-01"},
                                        {"name": "CMMI", "expires_on": None}]
    system = authority.find("systems", "system_id", f"{prefix}-S")
    assert (system["name"], system["protection_level"], system["core"], system["ci"]) == (
        "中文標頭系統", "high", True, False)
    contract = authority.find("contracts", "contract_id", f"{prefix}-C")
    assert (contract["title"], contract["amount"], contract["start_date"], contract["end_date"],
            contract["system_ids"], contract["joint_audit_clause"]) == (
        "中文標頭契約", 2_500_000, "2021-01-01", "2023-12-31", [f"{prefix}-S"], True)


def test_header_names_ignore_case_and_surrounding_spaces(authority):
    code = unique("AI")
    authority.imported("agencies", csv_text([[" Code ", "NAME", "Level", " kind"],
                                             [code, "Mixed case headers", "C", "local"]]))
    assert authority.find("agencies", "code", code)["name"] == "Mixed case headers"


def test_big5_csv_is_imported_with_correct_chinese(authority):
    prefix = unique("AI")
    names = ["數位發展部資通安全署", "臺北市政府資訊局", "國家通訊傳播委員會"]
    content = csv_text([["機關代碼", "機關名稱", "資安責任等級", "機關類型"]] +
                       [[f"{prefix}-{n}", name, "A", "central"] for n, name in enumerate(names)])
    encoded = content.encode("cp950")
    with pytest.raises(UnicodeDecodeError):
        encoded.decode("utf-8")
    report = authority.imported("agencies", encoded)
    assert report["created"] == 3
    for n, name in enumerate(names):
        assert authority.find("agencies", "code", f"{prefix}-{n}")["name"] == name


def test_utf8_with_bom_is_imported(authority):
    code = unique("AI")
    content = "\ufeff" + csv_text([["機關代碼", "機關名稱", "資安責任等級", "機關類型"],
                                   [code, "有 BOM 的檔案", "A", "central"]])
    authority.imported("agencies", content.encode("utf-8"))
    assert authority.find("agencies", "code", code)["name"] == "有 BOM 的檔案"


@pytest.mark.parametrize("start, end, expected_start, expected_end", [
    ("115/11/21", "116/1/5", "2026-11-21", "2027-01-05"),
    ("民國115年11月21日", "民國188年12月31日", "2026-11-21", "2099-12-31"),
    ("2026-11-21", "2026/12/01", "2026-11-21", "2026-12-01"),
    ("109/02/29", "109/03/01", "2020-02-29", "2020-03-01"),
])
def test_roc_and_iso_dates(authority, ctx, start, end, expected_start, expected_end):
    contract_id = unique("CI")
    authority.imported("contracts", rows_to_csv(
        [contract_row(ctx, contract_id, start_date=start, end_date=end)]))
    record = authority.find("contracts", "contract_id", contract_id)
    assert (record["start_date"], record["end_date"]) == (expected_start, expected_end)


@pytest.mark.parametrize("yes, no", [("是", "否"), ("Y", "N"), ("y", "n"), ("true", "false"),
                                     ("TRUE", "FALSE"), ("yes", "no"), ("1", "0")])
def test_yes_no_spellings(authority, ctx, yes, no):
    prefix = unique("SI")
    authority.imported("systems", csv_text([
        ["agency_code", "system_id", "name", "confidentiality", "integrity", "availability",
         "legal", "core", "ci"],
        [ctx["agency"], f"{prefix}-1", "yes no", "普", "普", "普", "普", yes, no],
        [ctx["agency"], f"{prefix}-2", "no yes", "普", "普", "普", "普", no, yes],
        [ctx["agency"], f"{prefix}-3", "blank", "普", "普", "普", "普", "", ""]]))
    first = authority.find("systems", "system_id", f"{prefix}-1")
    second = authority.find("systems", "system_id", f"{prefix}-2")
    blank = authority.find("systems", "system_id", f"{prefix}-3")
    assert (first["core"], first["ci"]) == (True, False)
    assert (second["core"], second["ci"]) == (False, True)
    assert (blank["core"], blank["ci"]) == (False, False)


def test_not_a_boolean_is_reported(authority, ctx):
    response = authority.upload("systems", csv_text([
        ["agency_code", "system_id", "name", "confidentiality", "integrity", "availability",
         "legal", "core"],
        [ctx["agency"], unique("SI"), "maybe", "普", "普", "普", "普", "maybe"]]))
    assert response.status == 422
    assert [(e["row"], e["column"], e["code"]) for e in response.json()["errors"]] == [
        (2, "core", "notABoolean")]


def test_xlsx_written_by_openpyxl_is_imported(authority, ctx):
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "契約"
    prefix = unique("CX")
    sheet.append(["契約編號", "機關代碼", "統一編號", "案名", "資服類型", "金額", "起始日", "結束日",
                  "系統代碼", "聯合稽核條款", "遠端維護", "分包廠商"])
    sheet.append([f"{prefix}-1", ctx["agency"], ctx["vendor"], "試算表契約", "paas_iaas", 1234567,
                  datetime.date(2021, 3, 1), datetime.date(2030, 2, 28),
                  ctx["systems"][0], "是", "否", None])
    sheet.append([f"{prefix}-2", ctx["agency"], ctx["vendor"], "文字日期契約", "it_planning",
                  "2,000", "110/03/01", "2030-02-28", None, True, False, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = authority.imported("contracts", buffer.getvalue(), filename="contracts.xlsx",
                                content_type="application/vnd.openxmlformats-officedocument"
                                             ".spreadsheetml.sheet")
    assert report["created"] == 2
    first = authority.find("contracts", "contract_id", f"{prefix}-1")
    assert (first["title"], first["amount"], first["start_date"], first["end_date"],
            first["system_ids"], first["joint_audit_clause"]) == (
        "試算表契約", 1_234_567, "2021-03-01", "2030-02-28", [ctx["systems"][0]], True)
    second = authority.find("contracts", "contract_id", f"{prefix}-2")
    assert (second["amount"], second["start_date"], second["joint_audit_clause"]) == (
        2000, "2021-03-01", True)


@pytest.mark.parametrize("name", ["=1+1", "@SUM(A1)", "+886-2-1234", "-5+3", "=HYPERLINK(\"x\")"])
def test_formula_like_text_is_stored_as_text(authority, name):
    tax_id = fresh_tax_ids(1)[0]
    code = unique("AI")
    authority.imported("vendors", csv_text([["tax_id", "name"], [tax_id, name]]))
    authority.imported("agencies", csv_text([["code", "name", "level", "kind"],
                                             [code, name, "A", "central"]]))
    assert authority.find("vendors", "tax_id", tax_id)["name"] == name
    assert authority.find("agencies", "code", code)["name"] == name


def test_formula_like_vendor_names_are_neutralised_in_the_concentration_csv(authority, ctx):
    names = {"=": "=1+1 Co", "@": "@SUM(A1) Co", "+": "+886 Co", "-": "-2+3 Co"}
    tax_ids = dict(zip(names, fresh_tax_ids(len(names))))
    authority.imported("vendors", csv_text([["tax_id", "name"]] +
                                           [[tax_ids[p], names[p]] for p in names]))
    authority.imported("contracts", rows_to_csv([
        contract_row(ctx, unique("CF"), vendor_tax_id=tax_ids[p], start_date="2020-01-01",
                     end_date="2099-12-31") for p in names]))
    response = authority.get("/api/v1/reports/concentration", format="csv",
                             agency_code=ctx["agency"])
    assert response.status == 200
    rows = {row[0]: row for row in parse_csv(response.text)[1:]}
    for prefix, name in names.items():
        assert rows[tax_ids[prefix]][1] == "'" + name
    # The JSON view keeps the stored text.
    items = authority.ok("GET", "/api/v1/reports/concentration", agency_code=ctx["agency"])
    by_tax_id = {item["vendor_tax_id"]: item["vendor_name"] for item in items["items"]}
    assert all(by_tax_id[tax_ids[p]] == names[p] for p in names)
