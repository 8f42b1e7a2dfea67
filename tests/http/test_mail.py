"""E-mail (issue 3): invitation and password-reset links through a real SMTP server, idle accounts
disabled, and the operator alerted when the audit log cannot be written — on both databases.

The SMTP server is aiosmtpd (Debian's python3-aiosmtpd) running in this process on a free port:
the platform talks real SMTP to it through libcurl, and the tests read what arrived.
"""

from __future__ import annotations

import email
import email.policy
import re
import socket
import sqlite3
import statistics
import threading
import time
from dataclasses import dataclass

import pytest
from aiosmtpd.controller import Controller

from sg_http import PASSWORD, Client, _psql, add_user, migrate, run_cli, unique

PUBLIC_URL = "https://supplyguard.example.test"
SENDER = "SupplyGuard 平台 <noreply@supplyguard.test>"
NEW_PASSWORD = "Another-Horse-43!"
INVITATION_SUBJECT = "SupplyGuard 帳號邀請 / Account invitation"
NEW_LINK_SUBJECT = "SupplyGuard 密碼設定連結 / Set your password"
RESET_SUBJECT = "SupplyGuard 重設密碼 / Password reset"
ALERT_SUBJECT = "[SupplyGuard] 稽核紀錄寫入失敗 / Audit log write failed"
MAIL_WAIT_S = 10


# ------------------------------------------------------------------------------------------------
# The SMTP sink


@dataclass
class Mail:
    recipients: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        return self.message.get_content()

    def link(self, route: str) -> str:
        found = re.findall(rf"\S+/#/{route}/[A-Za-z0-9_-]+", self.body)
        assert found, self.body
        assert len(set(found)) == 1, found
        return found[0]


class Sink:
    """Keeps every message aiosmtpd receives; waits for those to one recipient."""

    def __init__(self) -> None:
        self._mails: list[Mail] = []
        self._changed = threading.Condition()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        with self._changed:
            self._mails.append(Mail([address.lower() for address in envelope.rcpt_tos], message))
            self._changed.notify_all()
        return "250 OK"

    def to(self, address: str) -> list[Mail]:
        with self._changed:
            return [mail for mail in self._mails if address.lower() in mail.recipients]

    def wait(self, address: str, count: int = 1, timeout: float = MAIL_WAIT_S) -> list[Mail]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.to(address)) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"no e-mail to {address} within {timeout} s"
                self._changed.wait(left)
            return self.to(address)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def smtp():
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    sink.url = f"smtp://127.0.0.1:{port}"
    yield sink
    controller.stop()


def mail_flags(smtp: Sink, public_url: str | None = PUBLIC_URL) -> list[str]:
    flags = ["--smtp-url", smtp.url, "--smtp-from", SENDER]
    return flags + (["--public-url", public_url] if public_url else [])


def new_email(prefix: str) -> str:
    return f"{unique(prefix).lower()}@mail.test"


def run_sql(url: str, sql: str) -> None:
    """Changes the database behind the server's back (what the tests cannot do through the API)."""
    if url.startswith("sqlite:"):
        with sqlite3.connect(url.removeprefix("sqlite:")) as connection:
            connection.executescript(sql)
        return
    done = _psql(url, sql)
    assert done.returncode == 0, done.stderr


def audit_entries(client: Client, **filters) -> list[dict]:
    return client.ok("GET", "/api/v1/audit-log", per_page=500, **filters)["items"]


@pytest.fixture(scope="module")
def platform(make_database, start_server, smtp):
    """A server that e-mails links through the sink, with an authority signed in."""
    database = make_database()
    migrate(database.url)
    add_user(database.url, "chief@mail.test", "authority")
    server = start_server(database.url, *mail_flags(smtp))
    chief = server.client().signed_in("chief@mail.test")
    return {"db": database.url, "server": server, "chief": chief}


# ------------------------------------------------------------------------------------------------
# Invitations


def test_an_invitation_is_emailed_with_a_link_on_the_public_url_never_the_host_header(
        platform, smtp):
    invitee = new_email("inv")
    forged = {"Host": "phish.example"}
    answer = platform["chief"].request("POST", "/api/v1/users", headers=forged,
                                       json_body={"email": invitee, "role": "auditor"})
    assert answer.status == 201, answer
    invitation = answer.json()["invitation"]
    assert invitation["email_queued"] is True
    assert invitation["url"].startswith(f"{PUBLIC_URL}/#/invitation/")
    [mail] = smtp.wait(invitee)
    assert mail.subject == INVITATION_SUBJECT
    assert mail.message.get_content_type() == "text/plain"
    assert mail.message.get_content_charset() == "utf-8"
    assert mail.message["Message-ID"] and mail.message["Date"]
    assert "noreply@supplyguard.test" in str(mail.message["From"])
    link = mail.link("invitation")
    assert link == invitation["url"]
    assert "phish.example" not in mail.body
    # zh-TW first, then English.
    assert 0 <= mail.body.index("您好") < mail.body.index("Hello")
    token = link.rsplit("/", 1)[1]
    anonymous = platform["server"].client()
    assert anonymous.ok("GET", f"/api/v1/invitations/{token}")["email"] == invitee
    anonymous.ok("POST", f"/api/v1/invitations/{token}", {"password": PASSWORD}, status=204)
    assert anonymous.post(f"/api/v1/invitations/{token}", {"password": PASSWORD}).status == 404
    platform["server"].client().signed_in(invitee)


def test_an_administrators_new_link_is_emailed_and_replaces_the_old_one(platform, smtp):
    invitee = new_email("relink")
    first = platform["chief"].ok("POST", "/api/v1/users", {"email": invitee, "role": "auditor"},
                                 status=201)
    again = platform["chief"].ok("POST", f"/api/v1/users/{first['user']['id']}/invitation",
                                 status=201)
    assert again["email_queued"] is True
    mails = smtp.wait(invitee, count=2)
    assert {mail.subject for mail in mails} == {INVITATION_SUBJECT}  # no password set yet
    old_token = mails[0].link("invitation").rsplit("/", 1)[1]
    new_token = again["url"].rsplit("/", 1)[1]
    anonymous = platform["server"].client()
    assert anonymous.get(f"/api/v1/invitations/{old_token}").status == 404
    anonymous.ok("POST", f"/api/v1/invitations/{new_token}", {"password": PASSWORD}, status=204)
    # Once the password is set, an administrator's new link is a "set your password" e-mail.
    platform["chief"].ok("POST", f"/api/v1/users/{first['user']['id']}/invitation", status=201)
    assert smtp.wait(invitee, count=3)[-1].subject == NEW_LINK_SUBJECT


def test_without_a_public_url_no_link_is_emailed(make_database, start_server, smtp):
    database = make_database()
    migrate(database.url)
    add_user(database.url, "chief@nourl.test", "authority")
    add_user(database.url, "member@nourl.test", "auditor")
    server = start_server(database.url, *mail_flags(smtp, public_url=None))
    chief = server.client().signed_in("chief@nourl.test")
    invitee = new_email("nourl")
    answer = chief.ok("POST", "/api/v1/users", {"email": invitee, "role": "auditor"}, status=201)
    assert answer["invitation"]["email_queued"] is False
    assert answer["invitation"]["url"].startswith(server.base_url + "/#/invitation/")
    assert server.client().post("/api/v1/password-reset",
                                {"email": "member@nourl.test"}).status == 202
    time.sleep(1.5)
    assert smtp.to(invitee) == [] and smtp.to("member@nourl.test") == []


def test_the_cli_emails_an_invitation_when_given_the_smtp_options(platform, smtp):
    invitee = new_email("cli")
    done = run_cli("user", "invite", "--db", platform["db"], "--email", invitee, "--role",
                   "auditor", "--base-url", PUBLIC_URL + "/", "--smtp-url", smtp.url,
                   "--smtp-from", SENDER)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"e-mailed to {invitee}" in done.stdout
    printed = re.search(r"\S+/#/invitation/\S+", done.stdout).group(0)
    [mail] = smtp.wait(invitee)
    assert mail.subject == INVITATION_SUBJECT and mail.link("invitation") == printed
    assert printed.startswith(f"{PUBLIC_URL}/#/invitation/")
    refused = run_cli("user", "invite", "--db", platform["db"], "--email", new_email("cli"),
                      "--role", "auditor", "--smtp-url", smtp.url, "--smtp-from", SENDER)
    assert refused.returncode == 2 and "--base-url" in refused.stderr


# ------------------------------------------------------------------------------------------------
# Password reset


def test_a_reset_request_answers_alike_and_emails_only_a_usable_account(platform, smtp):
    chief, db = platform["chief"], platform["db"]
    usable, disabled, unknown = new_email("usable"), new_email("disabled"), new_email("ghost")
    add_user(db, usable, "auditor")
    add_user(db, disabled, "auditor")
    disabled_id = next(item["id"] for item in chief.list("users", q=disabled)["items"])
    chief.ok("PATCH", f"/api/v1/users/{disabled_id}", {"disabled": True})
    invited = new_email("pending")
    chief.ok("POST", "/api/v1/users", {"email": invited, "role": "auditor"}, status=201)
    smtp.wait(invited)

    def ask(address: str) -> float:
        started = time.perf_counter()
        response = platform["server"].client().post("/api/v1/password-reset", {"email": address})
        took = time.perf_counter() - started
        assert response.status == 202, response
        assert response.json() == {}
        return took

    timings = {address: statistics.median(ask(address) for _ in range(3))
               for address in (unknown, disabled, invited, usable)}
    # Nothing of SMTP happens in the request: every answer takes about as long.
    assert max(timings.values()) - min(timings.values()) < 0.05, timings
    assert ask("not an address") >= 0
    mails = smtp.wait(usable, count=3)
    assert {mail.subject for mail in mails} == {RESET_SUBJECT}
    time.sleep(1)
    assert smtp.to(unknown) == [] and smtp.to(disabled) == []
    assert len(smtp.to(invited)) == 1  # the invitation only
    reasons = {entry["actor_email"]: entry["changes"].get("reason")
               for entry in audit_entries(chief, action="password.reset_requested")}
    assert reasons[unknown] == "unknownAccount"
    assert reasons[disabled] == "disabled"
    assert reasons[invited] == "invitationPending"
    assert usable in reasons


def test_a_reset_link_sets_a_password_once_and_ends_every_session(platform, smtp):
    address = new_email("reset")
    add_user(platform["db"], address, "auditor")
    first = platform["server"].client().signed_in(address)
    second = platform["server"].client().signed_in(address)
    anonymous = platform["server"].client()
    anonymous.ok("POST", "/api/v1/password-reset", {"email": address.upper()}, status=202)
    anonymous.ok("POST", "/api/v1/password-reset", {"email": address}, status=202)
    earlier, latest = smtp.wait(address, count=2)
    assert latest.subject == RESET_SUBJECT
    assert 0 <= latest.body.index("您好") < latest.body.index("Hello")
    link = latest.link("password-reset")
    assert link.startswith(f"{PUBLIC_URL}/#/password-reset/")
    token = link.rsplit("/", 1)[1]
    old_token = earlier.link("password-reset").rsplit("/", 1)[1]
    assert anonymous.get(f"/api/v1/password-reset/{old_token}").status == 404  # replaced
    assert anonymous.get(f"/api/v1/invitations/{token}").status == 404  # not an invitation
    described = anonymous.ok("GET", f"/api/v1/password-reset/{token}")
    assert described["email"] == address and described["expires_at"]
    weak = anonymous.post(f"/api/v1/password-reset/{token}", {"password": "password1234"})
    assert weak.status == 422 and "breached" in weak.error["fields"]["password"]
    reused = anonymous.post(f"/api/v1/password-reset/{token}", {"password": PASSWORD})
    assert reused.status == 422 and "reused" in reused.error["fields"]["password"]
    assert first.get("/api/v1/session").status == 200  # nothing changed yet
    anonymous.ok("POST", f"/api/v1/password-reset/{token}", {"password": NEW_PASSWORD},
                 status=204)
    assert first.get("/api/v1/session").status == 401
    assert second.get("/api/v1/session").status == 401
    assert anonymous.post(f"/api/v1/password-reset/{token}",
                          {"password": "Yet-Another-44!"}).status == 404
    assert anonymous.get(f"/api/v1/password-reset/{token}").status == 404
    assert platform["server"].client().sign_in(address).status == 401
    platform["server"].client().signed_in(address, NEW_PASSWORD)
    user_id = first.user["id"]
    actions = [entry["action"] for entry in
               audit_entries(platform["chief"], object_type="user", object_id=user_id)]
    assert "password.reset" in actions and "password.reset_requested" in actions


def test_a_reset_link_expires(make_database, start_server, smtp):
    database = make_database()
    migrate(database.url)
    address = new_email("expiry")
    add_user(database.url, address, "auditor")
    server = start_server(database.url, *mail_flags(smtp), "--password-reset-validity", "2")
    server.client().ok("POST", "/api/v1/password-reset", {"email": address}, status=202)
    token = smtp.wait(address)[0].link("password-reset").rsplit("/", 1)[1]
    time.sleep(2.5)
    anonymous = server.client()
    assert anonymous.get(f"/api/v1/password-reset/{token}").status == 404
    assert anonymous.post(f"/api/v1/password-reset/{token}",
                          {"password": NEW_PASSWORD}).status == 404
    anonymous.signed_in(address)


def test_reset_requests_are_throttled_per_address(make_database, start_server, smtp):
    database = make_database()
    migrate(database.url)
    server = start_server(database.url, *mail_flags(smtp), "--sign-in-ip-limit", "3")
    for _ in range(3):
        assert server.client().post("/api/v1/password-reset",
                                    {"email": new_email("flood")}).status == 202
    throttled = server.client().post("/api/v1/password-reset", {"email": new_email("flood")})
    assert throttled.status == 429 and int(throttled.header("Retry-After")) > 0


# ------------------------------------------------------------------------------------------------
# Idle accounts


def test_idle_accounts_are_disabled_at_start_up_and_while_serving(make_database, start_server):
    database = make_database()
    migrate(database.url)
    add_user(database.url, "chief@idle.test", "authority")
    long_ago = "2020-01-01T00:00:00.000Z"
    never, stale, busy = new_email("never"), new_email("stale"), new_email("busy")
    for address in (never, stale, busy):
        add_user(database.url, address, "auditor")
    # Created long ago and never signed in; signed in long ago; a fresh account.
    run_sql(database.url, f"UPDATE users SET created_at = '{long_ago}' WHERE email = '{never}';"
                          f"UPDATE users SET created_at = '{long_ago}', "
                          f"last_sign_in_at = '{long_ago}' WHERE email = '{stale}';")
    server = start_server(database.url, "--disable-idle-accounts-after", "1",
                          "--idle-account-check-interval", "1")
    chief = server.client().signed_in("chief@idle.test")
    users = {item["email"]: item for item in chief.list("users")["items"]}
    assert users[never]["disabled"] and users[stale]["disabled"]
    assert not users[busy]["disabled"] and not users["chief@idle.test"]["disabled"]
    assert server.client().sign_in(never).status == 401
    entries = audit_entries(chief, action="user.disable")
    idle = {entry["object_id"]: entry for entry in entries}
    assert set(idle) == {users[never]["id"], users[stale]["id"]}
    for entry in idle.values():
        assert entry["actor_email"] == "system" and entry["changes"]["reason"] == "idle"

    # While serving: an account in use goes idle (its sign-in is made old) and its session ends.
    session = server.client().signed_in(busy)
    run_sql(database.url, f"UPDATE users SET created_at = '{long_ago}', "
                          f"last_sign_in_at = '{long_ago}' WHERE email = '{busy}';")
    deadline = time.monotonic() + 10
    while session.get("/api/v1/session").status == 200:
        assert time.monotonic() < deadline, "the idle account was not disabled"
        time.sleep(0.3)
    assert server.client().sign_in(busy).status == 401

    # Re-enabled by an administrator, an account starts a new idle period.
    chief.ok("PATCH", f"/api/v1/users/{users[never]['id']}", {"disabled": False})
    time.sleep(2.5)
    server.client().signed_in(never)


# ------------------------------------------------------------------------------------------------
# The operator's alert when the audit log cannot be written

REFUSE_AUDIT = {
    "sqlite": "CREATE TRIGGER sg_test_refuse BEFORE INSERT ON audit_log "
              "BEGIN SELECT RAISE(ABORT, 'refused by the mail test'); END;",
    "postgres": "CREATE FUNCTION sg_test_refuse() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'refused by the mail test'; END $$; "
                "CREATE TRIGGER sg_test_refuse BEFORE INSERT ON audit_log "
                "FOR EACH ROW EXECUTE FUNCTION sg_test_refuse();",
}
ALLOW_AUDIT = {
    "sqlite": "DROP TRIGGER sg_test_refuse;",
    "postgres": "DROP TRIGGER sg_test_refuse ON audit_log; DROP FUNCTION sg_test_refuse();",
}


def test_an_audit_log_failure_alerts_the_operator_at_once_and_only_once(
        backend, make_database, start_server, smtp):
    database = make_database()
    migrate(database.url)
    add_user(database.url, "chief@alert.test", "authority")
    operator = new_email("ops")
    server = start_server(database.url, *mail_flags(smtp), "--alert-email", operator)
    chief = server.client().signed_in("chief@alert.test")
    run_sql(database.url, REFUSE_AUDIT[backend])
    try:
        for _ in range(3):
            code = unique("AL")
            refused = chief.post("/api/v1/agencies", {"code": code, "name": "Not logged",
                                                       "level": "C", "kind": "local"})
            assert refused.status == 500 and refused.error["code"] == "internal"
            assert chief.find("agencies", "code", code) is None  # rolled back with its entry
        [alert] = smtp.wait(operator)
        time.sleep(1.5)
        assert len(smtp.to(operator)) == 1  # at most one per 10 minutes
        assert alert.subject == ALERT_SUBJECT
        assert "audit_log_write_failed" in alert.body and "internal" in alert.body
        assert PUBLIC_URL in alert.body
        assert "refused by the mail test" not in alert.body and PASSWORD not in alert.body
        critical = [line for line in server.output if '"level":"critical"' in line]
        assert len(critical) >= 3 and all("audit_log_write_failed" in line for line in critical)
    finally:
        run_sql(database.url, ALLOW_AUDIT[backend])
    chief.ok("POST", "/api/v1/agencies", {"code": unique("AL"), "name": "Logged again",
                                          "level": "C", "kind": "local"}, status=201)
