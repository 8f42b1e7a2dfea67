"""Identity (issue 3): MFA with TOTP, lockout, throttling, password policy, sessions, invitations,
administration and API tokens — against the real binary on both databases."""

from __future__ import annotations

import datetime
import statistics
import time

import pytest

import registry_data as data
from sg_http import Client, add_user, migrate, run_cli, unique
from totp import Authenticator

STRONG = "Correct-Horse-42!"           # meets tw-high: three classes, 17 characters
PASSPHRASE = "quiet harbour lamp violet"  # meets asvs (length only), not tw-high


SOON = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=30)).strftime(
    "%Y-%m-%dT%H:%M:%SZ")


def new_email(prefix: str = "u") -> str:
    return f"{unique(prefix).lower()}@identity.test"


@pytest.fixture(scope="module")
def tw(make_database, start_server):
    """A server with the default tw-high profile (MFA required), a 2-s lockout and an authority."""
    database = make_database()
    migrate(database.url)
    add_user(database.url, "chief@identity.test", "authority")
    server = start_server(database.url, "--password-profile", "tw-high", "--lockout-duration",
                          "2", "--sign-in-ip-limit", "10000")
    return {"db": database.url, "server": server}


def enrol(client: Client) -> Authenticator:
    started = client.ok("POST", "/api/v1/me/mfa/totp")
    assert started["otpauth_uri"].startswith("otpauth://totp/")
    assert f"secret={started['secret']}" in started["otpauth_uri"]
    assert started["qr_svg"].startswith("<svg") and "<script" not in started["qr_svg"]
    app = Authenticator(started["secret"])
    confirmed = client.ok("POST", "/api/v1/me/mfa/totp/confirm", {"code": app.next_code()})
    assert len(confirmed["recovery_codes"]) == 10
    assert len(set(confirmed["recovery_codes"])) == 10
    client.csrf = confirmed["csrf_token"]
    app.recovery_codes = confirmed["recovery_codes"]
    return app


def tw_user(tw, role="authority", **kwargs) -> tuple[str, Client]:
    email = new_email()
    add_user(tw["db"], email, role, kwargs.get("agency"), kwargs.get("vendor"), STRONG)
    client = tw["server"].client()
    answer = client.sign_in(email, STRONG)
    assert answer.status == 200, answer
    return email, client


# ------------------------------------------------------------------------------------------------
# MFA


def test_tw_high_account_without_mfa_gets_an_enrolment_only_session(tw):
    _, client = tw_user(tw)
    assert client.user["mfa_enabled"] is False
    session = client.ok("GET", "/api/v1/session")
    assert session["mfa_enrollment_required"] is True
    for path in ("/api/v1/agencies", "/api/v1/reports/concentration", "/api/v1/tokens",
                 "/api/v1/me/sessions"):
        response = client.get(path)
        assert response.status == 401, (path, response)
        assert response.error["code"] == "mfaEnrollmentRequired"


def test_enrolment_activates_mfa_and_replaces_the_session(tw):
    _, client = tw_user(tw)
    old_cookie = client.cookie
    start = client.ok("POST", "/api/v1/me/mfa/totp")
    wrong = client.post("/api/v1/me/mfa/totp/confirm", {"code": "000000"})
    assert wrong.status == 422 and wrong.error["fields"] == {"code": ["wrong"]}
    app = Authenticator(start["secret"])
    confirmed = client.ok("POST", "/api/v1/me/mfa/totp/confirm", {"code": app.next_code()})
    client.csrf = confirmed["csrf_token"]
    assert confirmed["user"]["mfa_enabled"] is True
    assert confirmed["mfa_enrollment_required"] is False
    assert client.cookie != old_cookie
    assert client.get("/api/v1/agencies").status == 200
    stale = Client(client.base_url, cookie=old_cookie)
    assert stale.get("/api/v1/session").status == 401


def test_confirm_without_a_started_enrolment_is_a_conflict(tw):
    _, client = tw_user(tw)
    response = client.post("/api/v1/me/mfa/totp/confirm", {"code": "123456"})
    assert response.status == 409


def test_sign_in_with_mfa_needs_a_code_and_accepts_each_code_once(tw):
    email, client = tw_user(tw)
    app = enrol(client)
    fresh = tw["server"].client()
    needs = fresh.post("/api/v1/session", {"email": email, "password": STRONG})
    assert needs.status == 401 and needs.error["code"] == "mfaRequired"
    code = app.next_code()
    assert fresh.post("/api/v1/session", {"email": email, "password": STRONG,
                                          "totp": code}).status == 200
    replay = tw["server"].client().post("/api/v1/session",
                                        {"email": email, "password": STRONG, "totp": code})
    assert replay.status == 401 and replay.error["code"] == "unauthenticated"
    wrong_password = tw["server"].client().post(
        "/api/v1/session", {"email": email, "password": STRONG + "x"})
    assert wrong_password.status == 401 and wrong_password.error["code"] == "unauthenticated"


def test_a_recovery_code_signs_in_once(tw):
    email, client = tw_user(tw)
    app = enrol(client)
    recovery = app.recovery_codes[3]
    first = tw["server"].client().post(
        "/api/v1/session", {"email": email, "password": STRONG,
                            "recovery_code": recovery.upper().replace("-", " ")})
    assert first.status == 200, first
    again = tw["server"].client().post(
        "/api/v1/session", {"email": email, "password": STRONG, "recovery_code": recovery})
    assert again.status == 401


def test_an_administrator_resets_mfa_and_the_users_sessions_end(tw):
    chief = tw["server"].client()
    chief_email, chief = tw_user(tw)
    enrol(chief)
    email, client = tw_user(tw)
    enrol(client)
    user_id = client.user["id"]
    chief.ok("POST", f"/api/v1/users/{user_id}/mfa/reset", status=204)
    assert client.get("/api/v1/agencies").status == 401
    again = tw["server"].client()
    assert again.sign_in(email, STRONG).status == 200
    assert again.ok("GET", "/api/v1/session")["mfa_enrollment_required"] is True


# ------------------------------------------------------------------------------------------------
# Lockout and throttling


def test_five_failures_lock_the_account_with_the_same_answer(tw):
    email, client = tw_user(tw)
    enrol(client)
    wrong = None
    for _ in range(5):
        wrong = tw["server"].client().post("/api/v1/session",
                                            {"email": email, "password": "Wrong-Password-1"})
        assert wrong.status == 401
    locked = tw["server"].client().post("/api/v1/session", {"email": email, "password": STRONG})
    assert locked.status == 401
    assert locked.json() == wrong.json()
    time.sleep(2.5)  # --lockout-duration 2
    assert tw["server"].client().post(
        "/api/v1/session", {"email": email, "password": STRONG}).error["code"] == "mfaRequired"


def test_wrong_totp_codes_count_toward_lockout(tw):
    email, client = tw_user(tw)
    app = enrol(client)
    for _ in range(5):
        response = tw["server"].client().post(
            "/api/v1/session", {"email": email, "password": STRONG, "totp": "000000"})
        assert response.status == 401
    locked = tw["server"].client().post(
        "/api/v1/session", {"email": email, "password": STRONG, "totp": app.next_code()})
    assert locked.status == 401 and locked.error["code"] == "unauthenticated"


def test_unknown_account_and_wrong_password_take_the_same_time(tw):
    email, _ = tw_user(tw)

    def timed(address: str) -> float:
        started = time.perf_counter()
        response = tw["server"].client().post("/api/v1/session",
                                               {"email": address, "password": "Nope-Nope-123"})
        assert response.status == 401
        return time.perf_counter() - started

    unknown = statistics.median(timed(new_email("ghost")) for _ in range(5))
    known = statistics.median(timed(email) for _ in range(4))  # below the lockout threshold
    assert 0.5 < unknown / known < 2.0, (unknown, known)


def test_too_many_failures_from_one_address_are_throttled(make_database, start_server):
    database = make_database()
    migrate(database.url)
    server = start_server(database.url, "--sign-in-ip-limit", "3")
    for _ in range(3):
        assert server.client().post("/api/v1/session", {"email": new_email(),
                                                        "password": "x" * 12}).status == 401
    throttled = server.client().post("/api/v1/session", {"email": new_email(),
                                                         "password": "x" * 12})
    assert throttled.status == 429
    assert throttled.error["code"] == "rateLimited"
    assert int(throttled.header("Retry-After")) > 0


# ------------------------------------------------------------------------------------------------
# Password policy


def test_tw_high_refuses_a_passphrase_without_three_character_classes(tw):
    done = run_cli("user", "add", "--db", tw["db"], "--email", new_email(), "--role", "authority",
                   "--password-stdin", stdin=PASSPHRASE + "\n")
    assert done.returncode != 0
    assert "needsCharacterClasses" in done.stdout + done.stderr


def test_asvs_accepts_a_long_passphrase_and_refuses_breached_ones(env):
    ok = run_cli("user", "add", "--db", env.database.url, "--email", new_email(), "--role",
                 "auditor", "--password-profile", "asvs", "--password-stdin",
                 stdin=PASSPHRASE + "\n")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    for weak in ("password1234", "short", "qwertyuiop123"):
        done = run_cli("user", "add", "--db", env.database.url, "--email", new_email(), "--role",
                       "auditor", "--password-profile", "asvs", "--password-stdin",
                       stdin=weak + "\n")
        assert done.returncode != 0, weak


def test_password_change_refuses_the_last_passwords_and_rotates_the_session(tw):
    email, client = tw_user(tw)
    enrol(client)
    other = tw["server"].client()
    other.ok("POST", "/api/v1/session", {"email": email, "password": STRONG,
                                         "totp": None} if False else None) if False else None
    same = client.post("/api/v1/me/password", {"current_password": STRONG,
                                               "new_password": STRONG})
    assert same.status == 422 and "reused" in same.error["fields"]["new_password"]
    wrong = client.post("/api/v1/me/password", {"current_password": "Not-The-One-1",
                                                "new_password": "Another-Horse-43!"})
    assert wrong.status == 422 and wrong.error["fields"] == {"current_password": ["wrongPassword"]}
    old_cookie = client.cookie
    changed = client.ok("POST", "/api/v1/me/password", {"current_password": STRONG,
                                                        "new_password": "Another-Horse-43!"})
    client.csrf = changed["csrf_token"]
    assert client.cookie != old_cookie
    assert Client(client.base_url, cookie=old_cookie).get("/api/v1/session").status == 401
    back = client.post("/api/v1/me/password", {"current_password": "Another-Horse-43!",
                                               "new_password": STRONG})
    assert back.status == 422 and "reused" in back.error["fields"]["new_password"]


# ------------------------------------------------------------------------------------------------
# Sessions


def test_users_list_and_end_their_other_sessions(env):
    email = new_email()
    add_user(env.database.url, email, "auditor")
    first = env.anonymous().signed_in(email)
    second = env.anonymous().signed_in(email)
    listed = first.ok("GET", "/api/v1/me/sessions")["items"]
    assert len(listed) == 2
    assert sum(item["current"] for item in listed) == 1
    other = next(item for item in listed if not item["current"])
    assert set(other) >= {"id", "created_at", "last_seen_at", "source_ip", "user_agent"}
    first.ok("DELETE", f"/api/v1/me/sessions/{other['id']}", status=204)
    assert second.get("/api/v1/session").status == 401
    assert first.get("/api/v1/session").status == 200
    third = env.anonymous().signed_in(email)
    first.ok("DELETE", "/api/v1/me/sessions", status=204)
    assert third.get("/api/v1/session").status == 401
    assert first.get("/api/v1/session").status == 200
    assert first.delete("/api/v1/me/sessions/nonexistent").status == 404


def test_absolute_session_timeout(env, make_database, start_server):
    if env.backend != "sqlite":
        pytest.skip("session expiry does not depend on the database: checked on sqlite only")
    database = make_database()
    migrate(database.url)
    add_user(database.url, "abs@identity.test", "authority")
    server = start_server(database.url, "--session-absolute-timeout", "3")
    client = server.client().signed_in("abs@identity.test")
    for _ in range(3):
        assert client.get("/api/v1/session").status == 200
        time.sleep(0.8)
    time.sleep(1.0)
    expired = client.get("/api/v1/session")
    assert expired.status == 401 and expired.error["code"] == "sessionExpired"


# ------------------------------------------------------------------------------------------------
# Invitations and administration


def test_authority_invites_a_user_who_sets_a_password_through_the_link(env, authority):
    email = new_email("inv")
    answer = authority.ok("POST", "/api/v1/users", {"email": email, "role": "agency_officer",
                                                   "agency_code": "A0101"}, status=201)
    assert answer["user"]["email"] == email and answer["user"]["password_set"] is False
    url = answer["invitation"]["url"]
    assert "/#/invitation/" in url
    token = url.rsplit("/", 1)[1]
    anonymous = env.anonymous()
    assert anonymous.ok("GET", f"/api/v1/invitations/{token}")["email"] == email
    assert anonymous.sign_in(email, "").status in (401, 422)
    weak = anonymous.post(f"/api/v1/invitations/{token}", {"password": "password1234"})
    assert weak.status == 422 and "breached" in weak.error["fields"]["password"]
    named = anonymous.post(f"/api/v1/invitations/{token}",
                           {"password": email.split("@")[0] + "-Long-1"})
    assert named.status == 422 and "containsAccountName" in named.error["fields"]["password"]
    anonymous.ok("POST", f"/api/v1/invitations/{token}", {"password": PASSPHRASE}, status=204)
    assert anonymous.get(f"/api/v1/invitations/{token}").status == 404
    assert anonymous.post(f"/api/v1/invitations/{token}", {"password": PASSPHRASE}).status == 404
    officer = env.anonymous().signed_in(email, PASSPHRASE)
    assert {item["code"] for item in officer.list("agencies")["items"]} == {"A0101", "A0102"}


def test_invitation_links_are_refused_when_unknown(env):
    assert env.anonymous().get("/api/v1/invitations/" + "x" * 43).status == 404


def tenant_admin(env, agency: str | None = None, vendor: str | None = None) -> Client:
    email = new_email("admin")
    args = ["user", "add", "--db", env.database.url, "--email", email, "--role",
            "agency_ciso" if agency else "vendor", "--tenant-admin", "--password-stdin"]
    args += ["--agency", agency] if agency else ["--vendor", vendor]
    done = run_cli(*args, stdin=STRONG + "\n")
    assert done.returncode == 0, done.stdout + done.stderr
    return env.anonymous().signed_in(email, STRONG)


def test_a_tenant_admin_manages_only_their_own_tenants_users(env, authority):
    admin = tenant_admin(env, agency="A0101")
    own = admin.ok("POST", "/api/v1/users", {"email": new_email(), "role": "agency_officer"},
                   status=201)
    assert own["user"]["agency_code"] == "A0101"
    elsewhere = admin.post("/api/v1/users", {"email": new_email(), "role": "agency_officer",
                                             "agency_code": "A0200"})
    assert elsewhere.status == 403
    assert admin.post("/api/v1/users", {"email": new_email(), "role": "authority"}).status == 403
    listed = admin.list("users")["items"]
    assert listed and all(item["agency_code"] == "A0101" for item in listed)
    outsider = next(item for item in authority.list("users")["items"]
                    if item["agency_code"] != "A0101" and item["role"] != "authority")
    assert admin.patch(f"/api/v1/users/{outsider['id']}", {"disabled": True}).status == 404
    assert admin.post(f"/api/v1/users/{outsider['id']}/mfa/reset").status == 404
    plain = env.client("officer")
    assert plain.get("/api/v1/users").status == 403


def test_disabling_a_user_ends_their_sessions_and_tokens_at_once(env, authority):
    email = new_email("dis")
    add_user(env.database.url, email, "auditor")
    victim = env.anonymous().signed_in(email)
    token = victim.ok("POST", "/api/v1/tokens", {"name": "ci", "scopes": ["read"],
                                                 "expires_at": SOON},
                      status=201)["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert env.anonymous().request("GET", "/api/v1/agencies", headers=bearer).status == 200
    authority.ok("PATCH", f"/api/v1/users/{victim.user['id']}", {"disabled": True})
    assert victim.get("/api/v1/session").status == 401
    assert env.anonymous().request("GET", "/api/v1/agencies", headers=bearer).status == 401
    assert env.anonymous().sign_in(email).status == 401
    assert authority.patch(f"/api/v1/users/{authority.user['id']}",
                           {"disabled": True}).status == 422


# ------------------------------------------------------------------------------------------------
# API tokens


def test_api_tokens_act_within_their_scopes(env, officer):
    created = officer.ok("POST", "/api/v1/tokens", {"name": "reader", "scopes": ["read"],
                                                    "expires_at": SOON},
                         status=201)
    assert created["token"].startswith("sg_")
    bearer = {"Authorization": f"Bearer {created['token']}"}
    machine = env.anonymous()
    listed = machine.request("GET", "/api/v1/agencies", headers=bearer, query={"per_page": 500})
    assert listed.status == 200
    assert {item["code"] for item in listed.json()["items"]} == {"A0101", "A0102"}
    write = machine.request("POST", "/api/v1/agencies", headers=bearer,
                            json_body={"code": unique("TK"), "name": "x", "level": "C",
                                       "kind": "local"})
    assert write.status == 403
    assert machine.request("GET", "/api/v1/tokens", headers=bearer).status == 403
    assert machine.request("GET", "/api/v1/me/sessions", headers=bearer).status == 403
    tokens = officer.ok("GET", "/api/v1/tokens")["items"]
    assert any(item["id"] == created["id"] and item["scopes"] == ["read"] for item in tokens)
    assert all("token" not in item for item in tokens)
    officer.ok("DELETE", f"/api/v1/tokens/{created['id']}", status=204)
    assert machine.request("GET", "/api/v1/agencies", headers=bearer).status == 401


def test_token_creation_is_validated(officer):
    cases = [({"name": "", "scopes": ["read"], "expires_at": SOON}, "name"),
             ({"name": "x", "scopes": ["everything"], "expires_at": SOON},
              "scopes"),
             ({"name": "x", "scopes": ["admin"], "expires_at": SOON}, "scopes"),
             ({"name": "x", "scopes": ["read"], "expires_at": "2001-01-01T00:00:00Z"},
              "expires_at"),
             ({"name": "x", "scopes": ["read"], "expires_at": "2999-01-01T00:00:00Z"},
              "expires_at"),
             ({"name": "x", "scopes": ["read"], "expires_at": "tomorrow"}, "expires_at")]
    for payload, field in cases:
        response = officer.post("/api/v1/tokens", payload)
        assert response.status == 422, (payload, response)
        assert field in response.error["fields"], (payload, response)


def test_a_sboms_write_token_cannot_read_the_registry(env, vendor_user):
    created = vendor_user.ok("POST", "/api/v1/tokens", {"name": "ci", "scopes": ["sboms:write"],
                                                        "expires_at": SOON},
                             status=201)
    bearer = {"Authorization": f"Bearer {created['token']}"}
    assert env.anonymous().request("GET", "/api/v1/systems", headers=bearer).status == 403
    assert env.anonymous().request("GET", "/api/v1/systems",
                                   headers={"Authorization": "Bearer sg_forged"}).status == 401
