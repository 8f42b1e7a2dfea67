"""Fixtures of the HTTP black-box tests: one server per backend with the shared registry loaded.

Run with Debian's interpreter:  /usr/bin/python3 -m pytest tests/http -q
  SG_BINARY             the supplyguard binary (default build/src/cli/supplyguard)
  SG_TEST_POSTGRES_URL  a throwaway PostgreSQL cluster's URI; without it the postgres tests skip
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Iterator

import pytest

import registry_data as data
from sg_http import Client, Database, Server, add_user, binary, migrate, new_database

BACKENDS = ["sqlite", "postgres"]


def pytest_configure(config: pytest.Config) -> None:
    if not Path(binary()).is_file():
        raise pytest.UsageError(f"no supplyguard binary at {binary()} (set SG_BINARY)")


@pytest.fixture(scope="session")
def tmp_root() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="sg-http-tests-"))
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres" and not os.environ.get("SG_TEST_POSTGRES_URL"):
        pytest.skip("SG_TEST_POSTGRES_URL is not set")
    return request.param


@pytest.fixture(scope="session")
def make_database(backend: str, tmp_root: Path) -> Iterator[Callable[[], Database]]:
    """Makes fresh empty databases of the session's backend; drops them all at the end."""
    made: list[Database] = []

    def make() -> Database:
        database = new_database(backend, tmp_root)
        made.append(database)
        return database

    yield make
    for database in made:
        database.drop()


@pytest.fixture(scope="session")
def start_server(tmp_root: Path) -> Iterator[Callable[..., Server]]:
    """Starts servers; any left running at the end are stopped (and must exit 0)."""
    running: list[Server] = []

    def start(db_url: str, *extra: str) -> Server:
        server = Server(db_url, tmp_root, extra)
        running.append(server)
        return server

    yield start
    failures = []
    for server in running:
        if server.process.poll() is None:
            status = server.stop()
            if status != 0:
                failures.append(f"{server.base_url}: exit status {status}")
    assert not failures, f"servers did not stop gracefully: {failures}"


class Env:
    """A running server of one backend with the shared registry and one account per role."""

    def __init__(self, backend: str, database: Database, server: Server) -> None:
        self.backend = backend
        self.database = database
        self.server = server
        self.base_url = server.base_url
        self._clients: dict[str, Client] = {}

    def anonymous(self) -> Client:
        return Client(self.base_url)

    def new_client(self, role: str) -> Client:
        """A newly signed-in client of one of data.USERS."""
        return Client(self.base_url).signed_in(data.USERS[role][0])

    def client(self, role: str) -> Client:
        """The shared signed-in client of a role (do not sign it out)."""
        if role not in self._clients:
            self._clients[role] = self.new_client(role)
        return self._clients[role]

    def add_user(self, email: str, role: str, agency: str | None = None,
                 vendor: str | None = None) -> None:
        add_user(self.database.url, email, role, agency, vendor)


@pytest.fixture(scope="session")
def env(backend: str, make_database: Callable[[], Database],
        start_server: Callable[..., Server]) -> Iterator[Env]:
    database = make_database()
    migrate(database.url)
    # Users without a tenant first, so that serve finds users and makes no first admin.
    for key in ("authority", "auditor"):
        email, role, agency, vendor = data.USERS[key]
        add_user(database.url, email, role, agency, vendor)
    server = start_server(database.url)
    assert not any("One-time password" in line for line in server.lines)
    environment = Env(backend, database, server)
    authority = environment.client("authority")
    for kind, rows in (("agencies", data.AGENCIES), ("vendors", data.VENDORS),
                       ("systems", data.SYSTEMS), ("contracts", data.CONTRACTS)):
        report = authority.imported(kind, data.csv_of(rows), filename=f"{kind}.csv")
        assert report["created"] == len(rows) - 1, report
    # Tenant users need their agency or vendor to exist: added now, while the server runs.
    for key in ("officer", "vendor"):
        email, role, agency, vendor = data.USERS[key]
        add_user(database.url, email, role, agency, vendor)
    yield environment
    status = server.stop()
    assert status == 0, f"serve exited with {status} after SIGTERM (stderr: " \
                        f"{server.stderr_path.read_text()[-2000:]})"


@pytest.fixture(scope="session")
def authority(env: Env) -> Client:
    return env.client("authority")


@pytest.fixture(scope="session")
def officer(env: Env) -> Client:
    return env.client("officer")


@pytest.fixture(scope="session")
def vendor_user(env: Env) -> Client:
    return env.client("vendor")


@pytest.fixture(scope="session")
def auditor(env: Env) -> Client:
    return env.client("auditor")


@pytest.fixture(scope="session")
def ids(env: Env, authority: Client) -> dict[str, str]:
    """Server ids of the shared registry's records, by natural key."""
    found: dict[str, str] = {}
    for collection, key in (("agencies", "code"), ("vendors", "tax_id"),
                            ("systems", "system_id"), ("contracts", "contract_id")):
        for item in authority.list(collection)["items"]:
            found[item[key]] = item["id"]
    return found
