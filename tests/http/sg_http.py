"""Helpers of the HTTP black-box tests: databases, the server process and an HTTP client.

Only the standard library (and openpyxl in the tests that write workbooks) is used, so the suite
runs under Debian's /usr/bin/python3 with python3-pytest and python3-openpyxl.
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import os
import queue
import re
import secrets
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

REPO = Path(__file__).resolve().parents[2]
DEFAULT_BINARY = REPO / "build" / "src" / "cli" / "supplyguard"
PASSWORD = "Correct-Horse-42!"
LISTENING = re.compile(r"SupplyGuard is listening on (http://127\.0\.0\.1:(\d+)/)")
START_TIMEOUT_S = 30
STOP_TIMEOUT_S = 10


def binary() -> str:
    return os.environ.get("SG_BINARY") or str(DEFAULT_BINARY)


# ------------------------------------------------------------------------------------------------
# Databases


@dataclass
class Database:
    """A fresh, empty database of one backend; drop() removes it."""

    backend: str
    url: str
    _drop: Any = None

    def drop(self) -> None:
        if self._drop:
            self._drop()
            self._drop = None


def _psql(url: str, sql: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
        capture_output=True,
        text=True,
        timeout=60,
    )


def new_database(backend: str, tmp_root: Path) -> Database:
    """A new empty database: a SQLite file in a temporary folder, or a new PostgreSQL database.

    PostgreSQL: CREATE DATABASE sg_http_<random> on the cluster of SG_TEST_POSTGRES_URL. When the
    role of that URI may not create databases (the role of scripts/pg-throwaway.sh may not), the
    fallback is a new schema in the URI's database, selected with libpq's
    `options=-csearch_path=...`: just as isolated for the server, which never names a schema.
    """
    name = f"sg_http_{secrets.token_hex(6)}"
    if backend == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="sg-http-", dir=tmp_root))
        return Database(backend, f"sqlite:{folder / 'sg.db'}", lambda: shutil.rmtree(folder, True))

    base = os.environ["SG_TEST_POSTGRES_URL"]
    created = _psql(base, f"CREATE DATABASE {name}")
    parts = urllib.parse.urlsplit(base)
    if created.returncode == 0:
        url = urllib.parse.urlunsplit(parts._replace(path="/" + name))

        def drop_database() -> None:
            _psql(base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

        return Database(backend, url, drop_database)
    if "permission denied" not in created.stderr:
        raise RuntimeError(f"cannot create a PostgreSQL database: {created.stderr.strip()}")
    schema = _psql(base, f"CREATE SCHEMA {name}")
    if schema.returncode != 0:
        raise RuntimeError(f"cannot create a PostgreSQL schema: {schema.stderr.strip()}")
    query = urllib.parse.parse_qsl(parts.query)
    query.append(("options", f"-csearch_path={name}"))
    url = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))

    def drop_schema() -> None:
        _psql(base, f"DROP SCHEMA IF EXISTS {name} CASCADE")

    return Database(backend, url, drop_schema)


# The servers' and commands' keys (PostgreSQL databases have no folder of their own to keep
# them beside); one folder per test run, named after the database inside.
KEY_DIR = Path(tempfile.gettempdir()) / f"sg-test-keys-{os.getpid()}"


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [binary(), *args], input=stdin, capture_output=True, text=True, timeout=60,
        env=dict(os.environ, SG_KEY_DIR=str(KEY_DIR)))


def migrate(url: str) -> None:
    done = run_cli("migrate", "--db", url)
    assert done.returncode == 0, done.stderr


def add_user(url: str, email: str, role: str, agency: str | None = None,
             vendor: str | None = None, password: str = PASSWORD) -> None:
    args = ["user", "add", "--db", url, "--email", email, "--role", role, "--password-stdin"]
    if agency:
        args += ["--agency", agency]
    if vendor:
        args += ["--vendor", vendor]
    done = run_cli(*args, stdin=password + "\n")
    assert done.returncode == 0, f"user add {email}: {done.stdout}{done.stderr}"


# ------------------------------------------------------------------------------------------------
# The server process


class Server:
    """`supplyguard serve` on a free port; `lines` holds what it printed before listening."""

    def __init__(self, db_url: str, log_dir: Path, extra: Iterable[str] = (),
                 quiet: bool = True) -> None:
        env = dict(os.environ, SG_KEY_DIR=str(KEY_DIR))
        if quiet:  # no per-request log lines
            env["SG_QUIET"] = "1"
        else:
            env.pop("SG_QUIET", None)
        self.stderr_path = log_dir / f"serve-{uuid.uuid4().hex[:8]}.stderr"
        self._stderr = open(self.stderr_path, "wb")
        self.process = subprocess.Popen(
            [binary(), "serve", "--db", db_url, "--listen", "127.0.0.1:0",
             *([] if "--password-profile" in extra else ["--password-profile", "asvs"]),
             # All tests sign in from 127.0.0.1: the per-address throttle has its own test.
             *([] if "--sign-in-ip-limit" in extra else ["--sign-in-ip-limit", "1000000"]),
             *extra],
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
            text=True,
            bufsize=1,
        )
        self.lines: list[str] = []
        self.output: list[str] = []
        lines: queue.Queue = queue.Queue()

        def pump() -> None:  # keeps the pipe drained for the server's whole life
            assert self.process.stdout is not None
            for line in self.process.stdout:
                self.output.append(line)
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        deadline = time.monotonic() + START_TIMEOUT_S
        self.base_url = ""
        while not self.base_url:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:
                self.process.kill()
                raise RuntimeError(
                    f"serve did not start: {''.join(self.output)}{self.stderr_path.read_text()}")
            self.lines.append(line)
            match = LISTENING.search(line)
            if match:
                self.base_url = match.group(1).rstrip("/")
                self.port = int(match.group(2))

    def client(self) -> "Client":
        return Client(self.base_url)

    def stop(self) -> int:
        """SIGTERM; returns the exit status (None would mean it did not stop in time)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            status = self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            status = None
        self._stderr.close()
        return status


# ------------------------------------------------------------------------------------------------
# The HTTP client


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def header_all(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def error(self) -> dict:
        """The `error` object of an error body."""
        return self.json()["error"]

    def __repr__(self) -> str:
        return f"<Response {self.status} {self.body[:300]!r}>"


@dataclass
class Client:
    """Keeps the session cookie, sends X-CSRF-Token on unsafe methods, speaks JSON."""

    base_url: str
    cookie: str | None = None
    csrf: str | None = None
    user: dict | None = None
    # When a list: (method and path, body) of every response, for the canary checks.
    bodies: list[tuple[str, bytes]] | None = field(default=None, repr=False)

    @property
    def host_port(self) -> tuple[str, int]:
        parts = urllib.parse.urlsplit(self.base_url)
        return parts.hostname, parts.port

    def request(self, method: str, path: str, body: bytes | str | None = None,
                headers: dict[str, str] | None = None, json_body: Any = None,
                csrf: bool = True, cookie: bool = True, query: dict | None = None) -> Response:
        if query:
            path += ("&" if "?" in path else "?") + urllib.parse.urlencode(query)
        all_headers = {"Accept": "application/json"}
        if json_body is not None:
            body = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
            all_headers["Content-Type"] = "application/json"
        if isinstance(body, str):
            body = body.encode("utf-8")
        if cookie and self.cookie:
            all_headers["Cookie"] = f"sg_session={self.cookie}"
        if csrf and self.csrf and method not in ("GET", "HEAD", "OPTIONS"):
            all_headers["X-CSRF-Token"] = self.csrf
        all_headers.update(headers or {})
        host, port = self.host_port
        connection = http.client.HTTPConnection(host, port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=all_headers)
            raw = connection.getresponse()
            response = Response(raw.status, raw.getheaders(), raw.read())
        finally:
            connection.close()
        for set_cookie in response.header_all("Set-Cookie"):
            name, _, rest = set_cookie.partition("=")
            if name.strip() == "sg_session":
                value = rest.split(";", 1)[0]
                self.cookie = None if "max-age=0" in set_cookie.lower() or not value else value
        if self.bodies is not None:
            self.bodies.append((f"{method} {path}", response.body))
        return response

    # JSON helpers ------------------------------------------------------------------------------
    def get(self, path: str, **query: Any) -> Response:
        return self.request("GET", path, query={k: v for k, v in query.items() if v is not None})

    def post(self, path: str, payload: Any = None, **kwargs: Any) -> Response:
        return self.request("POST", path, json_body=payload, **kwargs)

    def patch(self, path: str, payload: Any = None, **kwargs: Any) -> Response:
        return self.request("PATCH", path, json_body=payload, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Response:
        return self.request("DELETE", path, **kwargs)

    def ok(self, method: str, path: str, payload: Any = None, status: int = 200,
           **query: Any) -> Any:
        """Sends and asserts the status; returns the JSON body (None for 204)."""
        if method == "GET":
            response = self.get(path, **query)
        else:
            response = self.request(method, path, json_body=payload,
                                    query={k: v for k, v in query.items() if v is not None})
        assert response.status == status, f"{method} {path}: {response}"
        return response.json() if response.body else None

    # Sessions ----------------------------------------------------------------------------------
    def sign_in(self, email: str, password: str = PASSWORD) -> Response:
        response = self.post("/api/v1/session", {"email": email, "password": password})
        if response.status == 200:
            self.csrf = response.json()["csrf_token"]
            self.user = response.json()["user"]
        return response

    def signed_in(self, email: str, password: str = PASSWORD) -> "Client":
        response = self.sign_in(email, password)
        assert response.status == 200, response
        return self

    # Registry helpers --------------------------------------------------------------------------
    def list(self, collection: str, **query: Any) -> dict:
        query.setdefault("per_page", 500)
        return self.ok("GET", f"/api/v1/{collection}", **query)

    def total(self, collection: str) -> int:
        return self.ok("GET", f"/api/v1/{collection}", per_page=1)["total"]

    def find(self, collection: str, key_field: str, key: str) -> dict | None:
        """The record of a natural key, through the natural-key filter."""
        items = self.ok("GET", f"/api/v1/{collection}", **{key_field: key})["items"]
        assert len(items) <= 1
        return items[0] if items else None

    def upload(self, kind: str, content: bytes | str, filename: str = "data.csv",
               dry_run: bool = False, field_name: str = "file",
               content_type: str = "text/csv") -> Response:
        if isinstance(content, str):
            content = content.encode("utf-8")
        boundary = "----sg-test-" + secrets.token_hex(12)
        body = (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{field_name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode("utf-8") + content + f"\r\n--{boundary}--\r\n".encode("utf-8")
        path = f"/api/v1/import/{kind}" + ("?dry_run=true" if dry_run else "")
        return self.request(
            "POST", path, body=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def imported(self, kind: str, content: bytes | str, **kwargs: Any) -> dict:
        response = self.upload(kind, content, **kwargs)
        assert response.status == 200, f"import {kind}: {response}"
        report = response.json()
        assert report["errors"] == []
        return report


def raw_http(host: str, port: int, head: bytes, body_chunks: Iterable[bytes] = (),
             timeout: float = 30) -> tuple[int, bytes]:
    """Writes a request by hand (so that a refused upload can be read); returns status and body.

    Writing stops as soon as the server answers or at the first error: a server that refuses the
    body answers early and closes the connection.
    """
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(head)
        for chunk in body_chunks:
            if select.select([sock], [], [], 0)[0]:
                break  # the answer is there: read it before the connection is reset
            try:
                sock.sendall(chunk)
            except OSError:
                break
        received = b""
        try:
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                received += data
                if b"\r\n\r\n" in received:
                    header, _, rest = received.partition(b"\r\n\r\n")
                    match = re.search(rb"(?i)content-length:\s*(\d+)", header)
                    if match and len(rest) >= int(match.group(1)):
                        break
        except OSError:
            pass
    status_line, _, rest = received.partition(b"\r\n")
    status = int(status_line.split()[1]) if status_line else 0
    return status, rest.partition(b"\r\n\r\n")[2]


# ------------------------------------------------------------------------------------------------
# Data


def tax_id_is_valid(tax_id: str) -> bool:
    """統一編號 checksum (weights 1,2,1,2,1,2,4,1; digit sums; divisible by 5; 7th digit 7)."""
    if len(tax_id) != 8 or not tax_id.isdigit():
        return False
    weights = (1, 2, 1, 2, 1, 2, 4, 1)
    total = 0
    for position, (digit, weight) in enumerate(zip(tax_id, weights)):
        if position == 6 and digit == "7":
            continue
        product = int(digit) * weight
        total += product // 10 + product % 10
    if tax_id[6] == "7":
        return total % 5 == 0 or (total + 1) % 5 == 0
    return total % 5 == 0


def fresh_tax_ids(count: int) -> list[str]:
    """Valid 統一編號 that no other test uses (random, so re-runs on one database never clash)."""
    found: list[str] = []
    while len(found) < count:
        candidate = f"{secrets.randbelow(10**8):08d}"
        if (candidate[0] == "9" and tax_id_is_valid(candidate)  # 9xxxxxxx: test-made vendors
                and candidate not in found and candidate != "96979933"):
            found.append(candidate)
    return found


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4).upper()}"


def csv_text(rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return buffer.getvalue()


def parse_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
