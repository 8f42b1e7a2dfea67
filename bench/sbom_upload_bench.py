#!/usr/bin/python3
"""Upload-to-findings latency on the running server (issue 4): how long `POST
/api/v1/systems/{id}/sboms` takes, from the first byte sent to the answer with the findings
summary, for an SBOM of N components (default 2,000) drawn from real package names and versions
of the public OSV sets, against every public advisory kept in the database.

    bench/sbom_upload_bench.py [--components 2000] [--uploads 21] [--db sqlite:PATH|postgresql://…]

It migrates a fresh database (a temporary SQLite file unless --db is given), imports the Go,
crates.io and CRAN advisory sets with `supplyguard advisories import`, starts `supplyguard serve`,
creates an agency and a system, signs in, then uploads the SBOM --uploads times (each upload is a
new version, so every one stores all components and reconciles findings) and prints the median,
p90 and max wall time, and the findings summary of the last answer.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import pathlib
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "reference" / "sbom-data"
SETS = [DATA / "osv-golang-vulndb" / "data" / "osv", DATA / "osv-rustsec" / "crates",
        DATA / "osv-r-advisory-database" / "vulns"]
EMAIL = "upload-bench@test.gov.tw"
PASSWORD = "Bench-Upload-2026!x"


def packages_from_osv(seed: int, count: int) -> list[tuple[str, str, str]]:
    """(purl type, name, version) triples from the Go and crates.io records' affected ranges."""
    found: list[tuple[str, str, str]] = []
    for directory, purl_type, prefix in ((SETS[0], "golang", "v"), (SETS[1], "cargo", "")):
        for path in sorted(directory.rglob("*.json")):
            record = json.loads(path.read_text())
            for affected in record.get("affected", []):
                name = affected.get("package", {}).get("name", "")
                if not name or name in ("stdlib", "toolchain"):
                    continue
                versions = set(affected.get("versions", []))
                for r in affected.get("ranges", []):
                    for event in r.get("events", []):
                        for key in ("introduced", "fixed", "last_affected"):
                            if event.get(key) and event[key] != "0":
                                versions.add(event[key])
                for version in sorted(versions)[:4]:
                    found.append((purl_type, name, prefix + version))
    random.Random(seed).shuffle(found)
    unique: dict[tuple[str, str], tuple[str, str, str]] = {}
    for item in found:
        unique.setdefault((item[0], item[1]), item)
        if len(unique) == count:
            break
    return list(unique.values())


def sbom_of(packages: list[tuple[str, str, str]]) -> bytes:
    components = []
    for purl_type, name, version in packages:
        purl = f"pkg:{purl_type}/{name}@{version}"
        components.append({"type": "library", "bom-ref": purl, "name": name, "version": version,
                           "purl": purl, "licenses": [{"license": {"id": "MIT"}}]})
    return json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
                       "metadata": {"component": {"type": "application", "name": "bench"}},
                       "components": components}).encode()


def run(binary: str, *args: str, stdin: str | None = None, env=None) -> str:
    done = subprocess.run([binary, *args], input=stdin, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        sys.exit(f"{' '.join(args[:2])} failed: {done.stderr}")
    return done.stdout


class Api:
    def __init__(self, port: int) -> None:
        self.port = port
        self.cookie = ""
        self.csrf = ""

    def request(self, method: str, path: str, body: bytes | None = None,
                content_type: str = "application/json") -> tuple[int, dict]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Content-Type": content_type, "Cookie": f"sg_session={self.cookie}",
                   "X-CSRF-Token": self.csrf}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("sg_session="):
                self.cookie = value.split(";", 1)[0].split("=", 1)[1]
        connection.close()
        return response.status, (json.loads(raw) if raw else {})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--components", type=int, default=2000)
    parser.add_argument("--uploads", type=int, default=21)
    parser.add_argument("--db", default="")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--binary", default=os.environ.get(
        "SG_BENCH_BIN", str(ROOT / "build-release" / "src" / "cli" / "supplyguard")))
    options = parser.parse_args()
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="sg-upload-bench-"))
    env = dict(os.environ, SG_KEY_DIR=str(workdir / "keys"), SG_QUIET="1")
    db = options.db or f"sqlite:{workdir / 'bench.db'}"
    server = None
    try:
        run(options.binary, "migrate", "--db", db, env=env)
        for directory in SETS:
            started = time.perf_counter()
            out = run(options.binary, "advisories", "import", str(directory), "--db", db, env=env)
            print(f"import {directory.name}: {time.perf_counter() - started:.1f} s — "
                  f"{out.splitlines()[0].split(': ', 1)[1]}")
        run(options.binary, "user", "add", "--db", db, "--email", EMAIL, "--role", "authority",
            "--password-stdin", "--password-profile", "asvs", stdin=PASSWORD + "\n", env=env)
        server = subprocess.Popen(
            [options.binary, "serve", "--db", db, "--listen", "127.0.0.1:0",
             "--password-profile", "asvs"], stdout=subprocess.PIPE, text=True, env=env)
        port = 0
        for line in server.stdout:
            match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
            if match:
                port = int(match.group(1))
                break
        api = Api(port)
        status, body = api.request("POST", "/api/v1/session",
                                   json.dumps({"email": EMAIL, "password": PASSWORD}).encode())
        assert status == 200, body
        api.csrf = body["csrf_token"]
        status, _ = api.request("POST", "/api/v1/agencies", json.dumps(
            {"code": "BENCH-A", "name": "Bench agency", "level": "A", "kind": "central"}).encode())
        assert status == 201, _
        status, system = api.request("POST", "/api/v1/systems", json.dumps(
            {"agency_code": "BENCH-A", "system_id": "BENCH-S", "name": "Bench system",
             "confidentiality": "high", "integrity": "high", "availability": "high",
             "legal": "high"}).encode())
        assert status == 201, system
        document = sbom_of(packages_from_osv(options.seed, options.components))
        times = []
        answer: dict = {}
        for _ in range(options.uploads):
            started = time.perf_counter()
            status, answer = api.request("POST", f"/api/v1/systems/{system['id']}/sboms",
                                         document, "application/vnd.cyclonedx+json")
            times.append((time.perf_counter() - started) * 1000)
            assert status == 201, answer
        first = times[0]
        rest = sorted(times[1:]) or [first]
        print(f"SBOM: {answer['components']} components, {len(document) / 1e6:.2f} MB; "
              f"findings: {answer['findings']['total']} open")
        print(f"first upload (builds the in-memory advisory index): {first:.0f} ms")
        print(f"upload-to-findings over the next {len(rest)} uploads: median "
              f"{statistics.median(rest):.0f} ms, p90 {rest[max(0, int(len(rest) * 0.9) - 1)]:.0f}"
              f" ms, max {rest[-1]:.0f} ms")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
