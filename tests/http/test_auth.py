"""Sign-in, sessions, CSRF, the routes that need a session, security headers, server lifecycle."""

from __future__ import annotations

import http.client
import re
import time

import pytest

import registry_data as data
from sg_http import PASSWORD, Client, add_user, migrate

PUBLIC = {("POST", "/api/v1/session"), ("GET", "/healthz"), ("GET", "/metrics"),
          ("GET", "/api/v1/openapi.json"), ("GET", "/api/v1/invitations/x"),
          ("POST", "/api/v1/invitations/x"), ("POST", "/api/v1/password-reset"),
          ("GET", "/api/v1/password-reset/x"), ("POST", "/api/v1/password-reset/x")}
SUBSTITUTIONS = {"{collection}": "agencies", "{id}": "1", "{kind}": "agencies",
                 "{token}": "x"}


def openapi_operations(client: Client) -> list[tuple[str, str]]:
    response = client.get("/api/v1/openapi.json")
    assert response.status == 200
    document = response.json()
    operations = []
    for template, item in document["paths"].items():
        path = template
        for placeholder, value in SUBSTITUTIONS.items():
            path = path.replace(placeholder, value)
        assert "{" not in path, f"unexpected path parameter in {template}"
        for method in item:
            if method.lower() in ("get", "post", "put", "patch", "delete"):
                operations.append((method.upper(), path))
    return operations


# ------------------------------------------------------------------------------------------------
# Sign-in


def test_wrong_password_and_unknown_email_get_the_same_401(env):
    anonymous = env.anonymous()
    wrong_password = anonymous.sign_in(data.USERS["authority"][0], "Wrong-Horse-42!")
    unknown_email = anonymous.sign_in("nobody@test.supplyguard.tw", PASSWORD)
    assert wrong_password.status == unknown_email.status == 401
    assert wrong_password.error["code"] == "unauthenticated"
    assert wrong_password.json() == unknown_email.json()
    assert wrong_password.header("Set-Cookie") is None
    assert unknown_email.header("Set-Cookie") is None
    assert anonymous.cookie is None


def test_sign_in_with_missing_fields_is_a_validation_error(env):
    response = env.anonymous().post("/api/v1/session", {"email": data.USERS["authority"][0]})
    assert response.status == 422
    assert response.error["code"] == "validationFailed"
    assert response.error["fields"] == {"password": ["required"]}


def test_sign_in_with_malformed_json_is_a_bad_request(env):
    response = env.anonymous().request("POST", "/api/v1/session", body=b"{not json",
                                       headers={"Content-Type": "application/json"})
    assert response.status == 400
    assert response.error["code"] == "malformedJson"


def test_sign_in_answers_csrf_token_and_user(env):
    client = env.anonymous()
    response = client.sign_in(data.USERS["officer"][0])
    assert response.status == 200
    body = response.json()
    assert len(body["csrf_token"]) >= 16
    assert body["user"]["email"] == data.USERS["officer"][0]
    assert body["user"]["role"] == "agency_officer"
    assert body["user"]["agency_code"] == "A0101"
    assert body["user"]["vendor_tax_id"] is None
    assert body["user"]["must_change_password"] is False
    assert "password" not in response.text.lower().replace("must_change_password", "").replace(
        "password_expires_at", "")


def test_email_is_case_insensitive_at_sign_in(env):
    response = env.anonymous().sign_in(data.USERS["auditor"][0].upper())
    assert response.status == 200
    assert response.json()["user"]["email"] == data.USERS["auditor"][0]


def test_session_cookie_is_httponly_and_samesite_strict(env):
    response = env.anonymous().sign_in(data.USERS["auditor"][0])
    assert response.status == 200
    cookie = response.header("Set-Cookie")
    assert cookie is not None and cookie.startswith("sg_session=")
    attributes = [part.strip().lower() for part in cookie.split(";")[1:]]
    assert "httponly" in attributes
    assert "samesite=strict" in attributes
    assert "path=/" in attributes
    token = cookie.split(";", 1)[0].split("=", 1)[1]
    assert len(token) >= 32


def test_get_session_restores_the_session_from_the_cookie(env):
    signed_in = env.new_client("vendor")
    first = signed_in.get("/api/v1/session")
    assert first.status == 200
    # A reloaded page has only the cookie: GET /api/v1/session gives back the CSRF token.
    reloaded = Client(env.base_url, cookie=signed_in.cookie)
    restored = reloaded.get("/api/v1/session")
    assert restored.status == 200
    assert restored.json()["csrf_token"] == signed_in.csrf
    assert restored.json()["user"] == signed_in.user
    assert restored.json()["user"]["vendor_tax_id"] == data.V1


def test_session_cookie_is_found_among_other_cookies(env, authority):
    response = env.anonymous().request(
        "GET", "/api/v1/session",
        headers={"Cookie": f"theme=dark; sg_session={authority.cookie}; lang=zh-TW"})
    assert response.status == 200
    assert response.json()["user"]["role"] == "authority"


def test_get_session_without_cookie_is_401(env):
    response = env.anonymous().get("/api/v1/session")
    assert response.status == 401
    assert response.error["code"] == "unauthenticated"


@pytest.mark.parametrize("cookie", ["garbage", "x" * 300, ""])
def test_unknown_session_token_is_401(env, cookie):
    response = env.anonymous().request("GET", "/api/v1/agencies",
                                       headers={"Cookie": f"sg_session={cookie}"})
    assert response.status == 401
    assert response.error["code"] == "unauthenticated"


def test_delete_session_signs_out(env):
    client = env.new_client("auditor")
    old_cookie = client.cookie
    assert client.get("/api/v1/agencies").status == 200
    response = client.delete("/api/v1/session")
    assert response.status == 204
    cleared = response.header("Set-Cookie")
    assert cleared is not None and "max-age=0" in cleared.lower()
    assert client.cookie is None
    # The old token is dead on the server, not only forgotten by the client.
    stale = Client(env.base_url, cookie=old_cookie, csrf=client.csrf)
    for method, path in (("GET", "/api/v1/session"), ("GET", "/api/v1/agencies"),
                         ("DELETE", "/api/v1/session")):
        answer = stale.request(method, path)
        assert answer.status == 401, (method, path, answer)
        assert answer.error["code"] == "unauthenticated"


def test_sign_out_of_one_session_keeps_the_others(env):
    first = env.new_client("auditor")
    second = env.new_client("auditor")
    assert first.delete("/api/v1/session").status == 204
    assert second.get("/api/v1/session").status == 200


# ------------------------------------------------------------------------------------------------
# CSRF


def test_unsafe_request_without_csrf_token_is_403_and_writes_nothing(env, authority):
    before = authority.total("agencies")
    no_token = Client(env.base_url, cookie=authority.cookie)  # no csrf
    payload = {"code": "A-CSRF-1", "name": "CSRF", "level": "A", "kind": "central"}
    response = no_token.post("/api/v1/agencies", payload)
    assert response.status == 403
    assert response.error["code"] == "forbidden"
    wrong = Client(env.base_url, cookie=authority.cookie, csrf="not-the-token")
    response = wrong.post("/api/v1/agencies", payload)
    assert response.status == 403
    assert response.error["code"] == "forbidden"
    assert authority.total("agencies") == before
    assert authority.find("agencies", "code", "A-CSRF-1") is None


@pytest.mark.parametrize("method", ["POST", "PATCH", "DELETE"])
def test_every_unsafe_method_needs_the_csrf_token(env, authority, ids, method):
    path = "/api/v1/agencies" if method == "POST" else f"/api/v1/agencies/{ids['A0102']}"
    no_token = Client(env.base_url, cookie=authority.cookie)
    response = no_token.request(method, path, json_body={"name": "changed"})
    assert response.status == 403
    assert authority.ok("GET", f"/api/v1/agencies/{ids['A0102']}")["name"] == "分署丙 Branch"


def test_unsafe_request_from_a_foreign_origin_is_403(env, authority):
    missing = "/api/v1/agencies/999999999"
    foreign = authority.request("PATCH", missing, json_body={"name": "x"},
                                headers={"Origin": "https://evil.example"})
    assert foreign.status == 403
    assert foreign.error["code"] == "forbidden"
    # Same scheme and host but another port is another origin too.
    other_port = authority.request("PATCH", missing, json_body={"name": "x"},
                                   headers={"Origin": f"http://127.0.0.1:{env.server.port + 1}"})
    assert other_port.status == 403
    # The page's own origin passes the check (and reaches the handler: 404).
    own = authority.request("PATCH", missing, json_body={"name": "x"},
                            headers={"Origin": env.base_url})
    assert own.status == 404
    assert own.error["code"] == "notFound"


def test_foreign_origin_cannot_create_a_record(env, authority):
    before = authority.total("agencies")
    response = authority.request(
        "POST", "/api/v1/agencies", headers={"Origin": "null"},
        json_body={"code": "A-CSRF-2", "name": "CSRF", "level": "A", "kind": "central"})
    assert response.status == 403
    assert authority.total("agencies") == before


def test_safe_methods_need_no_csrf_token(env, authority):
    reader = Client(env.base_url, cookie=authority.cookie)
    assert reader.get("/api/v1/agencies").status == 200


# ------------------------------------------------------------------------------------------------
# Routes that need a session


def test_openapi_document_lists_the_routes(env):
    operations = openapi_operations(env.anonymous())
    assert ("POST", "/api/v1/session") in operations
    assert ("GET", "/api/v1/agencies") in operations
    assert ("POST", "/api/v1/import/agencies") in operations
    assert ("GET", "/api/v1/reports/concentration") in operations
    assert len(operations) >= 15


def test_every_api_route_except_the_public_ones_needs_a_session(env):
    anonymous = env.anonymous()
    checked = 0
    for method, path in openapi_operations(anonymous):
        if (method, path) in PUBLIC:
            continue
        body = b"{}" if method in ("POST", "PATCH", "PUT") else None
        response = anonymous.request(method, path, body=body,
                                     headers={"Content-Type": "application/json"})
        assert response.status == 401, f"{method} {path}: {response}"
        assert response.error["code"] == "unauthenticated", f"{method} {path}"
        checked += 1
    assert checked >= 11


def test_public_routes_answer_without_a_session(env):
    anonymous = env.anonymous()
    health = anonymous.get("/healthz")
    assert health.status == 200 and health.json() == {"status": "ok"}
    metrics = anonymous.get("/metrics")
    assert metrics.status == 200
    assert metrics.header("Content-Type").startswith("text/plain")
    assert "supplyguard_http_requests_total" in metrics.text
    openapi = anonymous.get("/api/v1/openapi.json")
    assert openapi.status == 200
    assert "paths" in openapi.json()


def test_failed_sign_ins_are_counted_in_metrics(env):
    anonymous = env.anonymous()

    def failures() -> int:
        match = re.search(r"^supplyguard_sign_in_failures_total (\d+)$",
                          anonymous.get("/metrics").text, re.M)
        assert match
        return int(match.group(1))

    before = failures()
    anonymous.sign_in("nobody@test.supplyguard.tw", "Wrong-Horse-42!")
    assert failures() >= before + 1


def test_unknown_api_path_is_404_and_wrong_method_405(env, authority):
    assert authority.get("/api/v1/nothing/here/at/all").status == 404
    unknown_collection = authority.get("/api/v1/widgets")
    assert unknown_collection.status == 404
    assert unknown_collection.error["code"] == "notFound"
    wrong_method = authority.request("PUT", "/api/v1/agencies", json_body={})
    assert wrong_method.status == 405


# ------------------------------------------------------------------------------------------------
# Security headers


def assert_security_headers(response) -> None:
    csp = response.header("Content-Security-Policy")
    assert csp is not None, response
    assert "frame-ancestors 'none'" in csp
    assert response.header("X-Content-Type-Options") == "nosniff"
    assert response.header("Referrer-Policy") is not None
    assert response.header("Referrer-Policy").lower() in (
        "no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin")


def test_security_headers_are_on_every_kind_of_response(env, authority):
    anonymous = env.anonymous()
    responses = [
        anonymous.get("/healthz"),
        anonymous.get("/api/v1/openapi.json"),
        anonymous.get("/api/v1/agencies"),  # 401
        anonymous.sign_in("nobody@test.supplyguard.tw", "Wrong-Horse-42!"),  # 401
        authority.get("/api/v1/agencies"),  # 200
        authority.get("/api/v1/agencies/999999999"),  # 404
        authority.get("/api/v1/agencies", per_page=501),  # 400
        authority.get("/api/v1/reports/concentration", format="csv"),  # CSV
        authority.post("/api/v1/agencies", {}),  # 422
    ]
    for response in responses:
        assert_security_headers(response)


def test_api_responses_are_json_and_not_cached(env, authority):
    response = authority.get("/api/v1/agencies")
    assert response.header("Content-Type").startswith("application/json")
    assert response.header("Cache-Control") == "no-store"


# ------------------------------------------------------------------------------------------------
# Server lifecycle


def test_first_start_makes_an_admin_who_must_change_the_one_time_password(
        env, make_database, start_server):
    database = make_database()
    migrate(database.url)
    server = start_server(database.url)
    output = "".join(server.lines)
    assert "admin@supplyguard.local" in output
    match = re.search(r"One-time password:\s+(\S+)", output)
    assert match, output
    one_time = match.group(1)

    client = server.client()
    assert client.sign_in("admin@supplyguard.local", "not-the-password!").status == 401
    signed_in = client.sign_in("admin@supplyguard.local", one_time)
    assert signed_in.status == 200
    assert signed_in.json()["user"]["must_change_password"] is True
    assert signed_in.json()["user"]["role"] == "authority"
    assert client.get("/api/v1/session").status == 200

    # Every registry route answers 403 until the password is changed.
    refused = 0
    for method, path in openapi_operations(client):
        if (method, path) in PUBLIC or path in ("/api/v1/session", "/api/v1/me/password") or \
                path.startswith("/api/v1/me/mfa/"):
            continue
        response = client.request(method, path, body=b"{}",
                                  headers={"Content-Type": "application/json"})
        assert response.status == 403, f"{method} {path}: {response}"
        assert response.error["code"] == "forbidden"
        refused += 1
    assert refused >= 8

    wrong_current = client.post("/api/v1/me/password", {"current_password": "Wrong-Horse-42!",
                                                        "new_password": "Brand-New-Horse-7!"})
    assert wrong_current.status == 422
    assert wrong_current.error["fields"] == {"current_password": ["wrongPassword"]}
    too_short = client.post("/api/v1/me/password",
                            {"current_password": one_time, "new_password": "Short-1!"})
    assert too_short.status == 422
    assert too_short.error["fields"] == {"new_password": ["tooShort"]}
    same = client.post("/api/v1/me/password",
                       {"current_password": one_time, "new_password": one_time})
    assert same.status == 422
    assert client.get("/api/v1/agencies").status == 403

    changed = client.post("/api/v1/me/password",
                          {"current_password": one_time, "new_password": "Brand-New-Horse-7!"})
    assert changed.status == 200, changed
    client.csrf = changed.json()["csrf_token"]
    assert client.get("/api/v1/agencies").status == 200
    assert client.get("/api/v1/session").json()["user"]["must_change_password"] is False

    # The one-time password is spent; the new one works.
    assert server.client().sign_in("admin@supplyguard.local", one_time).status == 401
    assert server.client().sign_in("admin@supplyguard.local", "Brand-New-Horse-7!").status == 200
    assert server.stop() == 0


def test_existing_users_mean_no_first_admin(env):
    assert not any("One-time password" in line for line in env.server.lines)
    assert env.anonymous().sign_in("admin@supplyguard.local", PASSWORD).status == 401


def test_server_stops_gracefully_on_sigterm_with_an_idle_connection(
        env, make_database, start_server):
    database = make_database()
    migrate(database.url)
    server = start_server(database.url)
    # A keep-alive connection that has finished a request and stays open.
    idle = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    idle.request("GET", "/healthz")
    assert idle.getresponse().read() == b'{"status":"ok"}'
    try:
        assert server.stop() == 0
    finally:
        idle.close()


# ------------------------------------------------------------------------------------------------
# Session idle timeout (--session-idle-timeout 10, the smallest allowed)


@pytest.fixture(scope="module")
def idle_timeout_run(env, make_database, start_server) -> dict:
    """One session left idle and one used every 4 s, both signed in at t=0; checked at 11.5 s."""
    if env.backend != "sqlite":
        pytest.skip("session expiry does not depend on the database: checked on sqlite only")
    database = make_database()
    migrate(database.url)
    email = data.USERS["authority"][0]
    add_user(database.url, email, "authority")
    server = start_server(database.url, "--session-idle-timeout", "10")
    idle = server.client().signed_in(email)
    active = server.client().signed_in(email)
    started = time.monotonic()
    statuses = []
    for at in (4.0, 8.0, 11.5):
        time.sleep(max(0.0, started + at - time.monotonic()))
        statuses.append(active.get("/api/v1/agencies").status)
    expired = idle.get("/api/v1/agencies")
    assert server.stop() == 0
    return {"active": statuses, "idle": expired}


def test_idle_session_expires(idle_timeout_run):
    response = idle_timeout_run["idle"]
    assert response.status == 401
    assert response.error["code"] == "sessionExpired"


def test_session_in_use_does_not_expire(idle_timeout_run):
    assert idle_timeout_run["active"] == [200, 200, 200]


def test_metrics_show_where_request_time_goes(env):
    anonymous = env.anonymous()
    for _ in range(3):
        assert anonymous.get("/healthz").status == 200

    def count(text, name):
        line = next(x for x in text.splitlines() if x.startswith(name + "_count "))
        return int(line.split()[1])

    text = anonymous.get("/metrics").text
    for name in ("supplyguard_http_queue_wait_seconds", "supplyguard_http_handler_seconds",
                 "supplyguard_http_request_duration_seconds"):
        assert f"# TYPE {name} histogram" in text
        assert f'{name}_bucket{{le="+Inf"}}' in text
    # The three health checks were answered and written before /metrics was asked.
    assert count(text, "supplyguard_http_request_duration_seconds") >= 3
    assert count(text, "supplyguard_http_handler_seconds") >= 4
