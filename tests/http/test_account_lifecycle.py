"""Account expiry and the operator's own list of refused passwords (issue 3), on both databases.

An expired account cannot sign in and its sessions and tokens end the moment it expires; the
list given with `--password-list` is refused by the API and by `supplyguard user add`.
"""

from __future__ import annotations

import datetime
import time
from pathlib import Path

import pytest

from sg_http import PASSWORD, Client, add_user, migrate, run_cli, unique

OPERATOR_PASSWORD = "Taipei-Harbour-2026!"  # would pass every built-in rule


def stamp(delta: datetime.timedelta) -> str:
    return (datetime.datetime.now(datetime.timezone.utc) + delta).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="module")
def lifecycle(make_database, start_server, tmp_path_factory):
    database = make_database()
    migrate(database.url)
    add_user(database.url, "chief@lifecycle.test", "authority")
    folder = tmp_path_factory.mktemp("lists")
    password_list = folder / "agency-banned.txt"
    password_list.write_text(f"# our own leaked list\n{OPERATOR_PASSWORD}\n", encoding="utf-8")
    server = start_server(database.url, "--password-list", str(password_list))
    chief = Client(server.base_url).signed_in("chief@lifecycle.test")
    return {"db": database.url, "server": server, "chief": chief, "list": password_list}


def new_account(lifecycle, expires_at: str | None = None) -> tuple[str, Client]:
    email = f"{unique('life').lower()}@lifecycle.test"
    args = ["user", "add", "--db", lifecycle["db"], "--email", email, "--role", "auditor",
            "--password-stdin"]
    if expires_at:
        args += ["--expires-at", expires_at]
    done = run_cli(*args, stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stdout + done.stderr
    return email, lifecycle["server"].client()


def test_an_account_past_its_expiry_cannot_sign_in(lifecycle):
    email, client = new_account(lifecycle, stamp(-datetime.timedelta(minutes=1)))
    refused = client.sign_in(email)
    assert refused.status == 401
    # The same generic answer as a wrong password: expiry is not disclosed.
    wrong = lifecycle["server"].client().sign_in(email, "Not-The-Password-1!")
    assert (refused.error["code"], refused.error["message"]) == \
        (wrong.error["code"], wrong.error["message"])


def test_sessions_and_tokens_end_when_the_account_expires(lifecycle):
    email, client = new_account(lifecycle, stamp(datetime.timedelta(seconds=4)))
    assert client.sign_in(email).status == 200
    token = client.ok("POST", "/api/v1/tokens", {"name": "ci", "scopes": ["read"],
                                                 "expires_at": stamp(datetime.timedelta(days=1))},
                      status=201)["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    anonymous = lifecycle["server"].client()
    assert client.get("/api/v1/session").status == 200
    assert anonymous.request("GET", "/api/v1/agencies", headers=bearer).status == 200
    time.sleep(5)
    assert client.get("/api/v1/session").status == 401
    assert anonymous.request("GET", "/api/v1/agencies", headers=bearer).status == 401
    assert lifecycle["server"].client().sign_in(email).status == 401


def test_the_authority_sets_and_clears_an_expiry(lifecycle):
    email, client = new_account(lifecycle)
    assert client.sign_in(email).status == 200
    chief = lifecycle["chief"]
    user_id = client.user["id"]
    changed = chief.ok("PATCH", f"/api/v1/users/{user_id}",
                       {"expires_at": stamp(-datetime.timedelta(seconds=1))})
    assert changed["expires_at"]
    assert client.get("/api/v1/session").status == 401
    assert lifecycle["server"].client().sign_in(email).status == 401
    chief.ok("PATCH", f"/api/v1/users/{user_id}", {"expires_at": None})
    assert lifecycle["server"].client().sign_in(email).status == 200
    bad = chief.patch(f"/api/v1/users/{user_id}", {"expires_at": "next week"})
    assert bad.status == 422 and "expires_at" in bad.error["fields"]


def test_the_operators_password_list_is_refused_by_the_api_and_the_cli(lifecycle):
    email, client = new_account(lifecycle)
    assert client.sign_in(email).status == 200
    refused = client.post("/api/v1/me/password", {"current_password": PASSWORD,
                                                  "new_password": OPERATOR_PASSWORD})
    assert refused.status == 422, refused
    assert "new_password" in refused.error["fields"]
    # The CLI refuses it too when given the same list, and accepts it without the list.
    args = ["user", "add", "--db", lifecycle["db"], "--role", "auditor", "--password-stdin"]
    listed = run_cli(*args, "--email", f"{unique('cli').lower()}@lifecycle.test",
                     "--password-list", str(lifecycle["list"]), stdin=OPERATOR_PASSWORD + "\n")
    assert listed.returncode != 0
    assert "password" in (listed.stdout + listed.stderr).lower()
    plain = run_cli(*args, "--email", f"{unique('cli').lower()}@lifecycle.test",
                    stdin=OPERATOR_PASSWORD + "\n")
    assert plain.returncode == 0, plain.stdout + plain.stderr


def test_an_unreadable_password_list_stops_the_server_with_a_clear_message(tmp_path: Path):
    missing = tmp_path / "no-such-list.txt"
    done = run_cli("serve", "--db", f"sqlite:{tmp_path / 'sg.db'}", "--listen", "127.0.0.1:0",
                   "--password-list", str(missing))
    assert done.returncode != 0
    assert str(missing) in done.stderr or "no-such-list" in done.stderr
    assert "Traceback" not in done.stderr and "terminate" not in done.stderr
