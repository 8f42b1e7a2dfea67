"""`supplyguard sbom scan`: an offline scan of one SBOM against OSV records, through the binary,
on public SBOMs and advisory databases (../shared/reference/sbom-data)."""

from __future__ import annotations

import json
import os
import pathlib
import zipfile

import pytest

from sg_http import run_cli

DATA = pathlib.Path(os.environ.get("SG_SOURCE_DIR", pathlib.Path(__file__).parents[2])) / \
    ".." / "shared" / "reference" / "sbom-data"
PROTON = DATA / "cyclonedx-bom-examples" / "SBOM" / "proton-bridge"
GO_VULNDB = DATA / "osv-golang-vulndb" / "data" / "osv"
RUSTSEC = DATA / "osv-rustsec" / "crates"


def scan(*args: str):
    done = run_cli("sbom", "scan", *args)
    return done


def test_the_json_and_xml_forms_of_one_sbom_give_the_same_findings():
    answers = []
    for name in ("proton-bridge-v1.6.3.bom.json", "proton-bridge-v1.6.3.bom.xml"):
        done = scan("--sbom", str(PROTON / name), "--advisories", str(GO_VULNDB))
        assert done.returncode == 0, done.stderr
        answers.append(json.loads(done.stdout))
    assert answers[0] == answers[1]
    report = answers[0]
    assert report["components"] == 201
    assert set(report) == {"components", "findings"}
    findings = {(f["purl"], f["id"]): f for f in report["findings"]}
    # jwt-go 3.2.0 is hit by GO-2020-0017 (CVE-2020-26160), which has no fixed version.
    jwt = findings[("pkg:golang/github.com/dgrijalva/jwt-go@v3.2.0", "GO-2020-0017")]
    assert "CVE-2020-26160" in jwt["aliases"] and jwt["fixed"] == [] and jwt["severity"] is None
    for finding in report["findings"]:
        assert set(finding) == {"purl", "id", "aliases", "severity", "fixed"}


def test_a_zip_archive_scans_like_the_directory_and_reports_cvss(tmp_path):
    archive = tmp_path / "crates.io.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for record in sorted(RUSTSEC.glob("*.json")):
            out.write(record, record.name)
    sbom = tmp_path / "bom.json"
    sbom.write_text(json.dumps({
        "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
        "components": [
            {"type": "library", "name": "openssl", "version": "0.8.3",
             "purl": "pkg:cargo/openssl@0.8.3"},
            {"type": "library", "name": "openssl", "version": "0.10.72",
             "purl": "pkg:cargo/openssl@0.10.72"},
            {"type": "library", "name": "mine", "version": "1.0"}]}))
    by_zip = scan("--sbom", str(sbom), "--advisories", str(archive))
    by_dir = scan("--sbom", str(sbom), "--advisories", str(RUSTSEC))
    assert by_zip.returncode == 0 and by_dir.returncode == 0, by_zip.stderr
    assert json.loads(by_zip.stdout) == json.loads(by_dir.stdout)
    report = json.loads(by_zip.stdout)
    assert report["components"] == 3
    ids = [f["id"] for f in report["findings"]]
    assert "RUSTSEC-2016-0001" in ids and ids == sorted(ids)
    assert all(f["purl"] == "pkg:cargo/openssl@0.8.3" for f in report["findings"])
    rustsec_2016 = next(f for f in report["findings"] if f["id"] == "RUSTSEC-2016-0001")
    assert rustsec_2016["severity"] == {
        "cvss_v3": 8.1, "vector": "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H"}
    assert rustsec_2016["fixed"] == ["0.9.0"]
    assert "no purl" in by_zip.stderr


def test_the_table_format_lists_each_finding(tmp_path):
    done = scan("--sbom", str(PROTON / "proton-bridge-v1.6.3.bom.json"), "--advisories",
                str(GO_VULNDB), "--format", "table")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[0].split()[:3] == ["PURL", "ADVISORY", "CVSS"]
    assert any("GO-2020-0017" in line for line in lines)
    assert lines[-1].startswith("201 components")


@pytest.mark.parametrize("content,message", [
    ("{not json", "well-formed"),
    ('{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [{"type": "nonsense", '
     '"name": "x"}]}', "nonsense"),
    ('<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY x "y">]><bom '
     'xmlns="http://cyclonedx.org/schema/bom/1.5"/>', "DTD"),
    ("hello", "SBOM"),
])
def test_an_unreadable_or_invalid_sbom_fails_with_a_message(tmp_path, content, message):
    sbom = tmp_path / "bom"
    sbom.write_text(content)
    done = scan("--sbom", str(sbom), "--advisories", str(RUSTSEC))
    assert done.returncode != 0
    assert done.stdout == ""
    assert message.lower() in done.stderr.lower(), done.stderr
    assert "Traceback" not in done.stderr


def test_missing_inputs_fail_with_a_message(tmp_path):
    missing = scan("--sbom", str(tmp_path / "none.json"), "--advisories", str(RUSTSEC))
    assert missing.returncode != 0 and "none.json" in missing.stderr
    sbom = PROTON / "proton-bridge-v1.6.3.bom.json"
    no_advisories = scan("--sbom", str(sbom), "--advisories", str(tmp_path / "nowhere"))
    assert no_advisories.returncode != 0 and "nowhere" in no_advisories.stderr
    not_zip = tmp_path / "advisories.zip"
    not_zip.write_bytes(b"PK\x03\x04 not really a zip")
    broken = scan("--sbom", str(sbom), "--advisories", str(not_zip))
    assert broken.returncode != 0 and broken.stderr.startswith("error")


def test_a_broken_advisory_is_skipped_with_a_warning_and_the_rest_still_match(tmp_path):
    (tmp_path / "good.json").write_text(json.dumps({
        "id": "TEST-1", "modified": "2024-01-01T00:00:00Z",
        "affected": [{"package": {"ecosystem": "npm", "name": "left-pad"},
                      "ranges": [{"type": "SEMVER",
                                  "events": [{"introduced": "0"}, {"fixed": "1.3.0"}]}]}]}))
    (tmp_path / "broken.json").write_text('{"id": "TEST-2", "affected": [')
    sbom = tmp_path / "bom.json"
    sbom.write_text(json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
                                "components": [{"type": "library", "name": "left-pad",
                                                "version": "1.0.0",
                                                "purl": "pkg:npm/left-pad@1.0.0"}]}))
    done = scan("--sbom", str(sbom), "--advisories", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert [f["id"] for f in json.loads(done.stdout)["findings"]] == ["TEST-1"]
    assert "broken.json" in done.stderr
