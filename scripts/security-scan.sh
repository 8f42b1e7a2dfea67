#!/usr/bin/env bash
# External scanner run against a throwaway SupplyGuard (issue 3, docs/security-scan/FINDINGS.md).
#
# Starts `supplyguard serve` on a temporary SQLite database with the demo registry, TLS with a
# self-signed certificate, on a free loopback port; signs in as the demo authority and the demo
# vendor; then runs
#   1. testssl.sh against the TLS listener (protocols, ciphers, server defaults, headers, vulns),
#   2. wapiti against the web UI and the API with the authority's session (error-based and blind
#      SQL, command, file, XSS, open redirect, CRLF, headers, CSP, cookie flags, HTTP methods),
#   3. sqlmap (batch mode) against representative API routes: list routes with search, sort,
#      filter and page parameters, detail routes (path injection), the audit log, the
#      concentration report, the user list, and the sign-in JSON body;
# stops the server and writes SUMMARY.md (tool versions, what ran, findings by severity) to the
# report folder and to stdout. Also checks that every line of the server's JSON log is still
# valid JSON after the scanners' payloads (log injection). About 6 minutes on two cores.
#
# Usage: scripts/security-scan.sh [--report-dir DIR] [--binary PATH] [--web-root DIR]
#                                 [--only testssl,wapiti,sqlmap] [--level N] [--risk N]
#                                 [--wapiti-time SECONDS]
#   --report-dir   where the raw reports go (default $SG_SCAN_REPORT_DIR or /tmp/sg-security-scan;
#                  emptied first, only if it is empty or an earlier run's folder)
#   --binary       the supplyguard binary (default $SG_BINARY or build/src/cli/supplyguard); it is
#                  copied into the report folder and run from there, never rebuilt
#   --web-root     the built web UI (default web/dist when it exists)
#   --only         run only these scanners (comma separated)
#   --level/--risk sqlmap's level (default 3) and risk (default 2)
#   --wapiti-time  wapiti's --max-scan-time (default 360)
# Exit status: 0 nothing severe; 1 a severe finding (an SQL injection, a HIGH/CRITICAL testssl
# result other than the throwaway certificate's, a HIGH/CRITICAL wapiti finding, server log
# lines broken by request data, a scanner that produced no result, or the server died under the
# scan); 2 the scan could not run (missing tool, server did not start, sign-in failed).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
PY=/usr/bin/python3

REPORT_DIR=${SG_SCAN_REPORT_DIR:-/tmp/sg-security-scan}
BINARY=${SG_BINARY:-$REPO/build/src/cli/supplyguard}
WEB_ROOT=""
[ -f "$REPO/web/dist/index.html" ] && WEB_ROOT=$REPO/web/dist
ONLY="testssl,wapiti,sqlmap"
SQLMAP_LEVEL=3
SQLMAP_RISK=2
WAPITI_TIME=360

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --report-dir) REPORT_DIR=$2; shift 2 ;;
    --binary) BINARY=$2; shift 2 ;;
    --web-root) WEB_ROOT=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --level) SQLMAP_LEVEL=$2; shift 2 ;;
    --risk) SQLMAP_RISK=$2; shift 2 ;;
    --wapiti-time) WAPITI_TIME=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
wants() { [[ ",$ONLY," == *",$1,"* ]]; }
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { echo "error: $*" >&2; exit 2; }
START=$(date +%s)

# --- Tools ----------------------------------------------------------------------------------
# Debian 12 packages: testssl.sh (command `testssl`), wapiti, sqlmap; and openssl, curl, python3.
declare -A PACKAGE_OF=([testssl]=testssl.sh [wapiti]=wapiti [sqlmap]=sqlmap [openssl]=openssl
                       [curl]=curl [python3]=python3)
missing=()
for tool in openssl curl; do command -v "$tool" >/dev/null || missing+=("${PACKAGE_OF[$tool]}"); done
[ -x "$PY" ] || missing+=(python3)
for tool in testssl wapiti sqlmap; do
  if wants "$tool" && ! command -v "$tool" >/dev/null; then missing+=("${PACKAGE_OF[$tool]}"); fi
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    log "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >/dev/null \
      || die "apt-get install -y ${missing[*]} failed"
  else
    die "missing tools; install them with: sudo apt-get install -y ${missing[*]}"
  fi
fi
[ -x "$BINARY" ] || die "no supplyguard binary at $BINARY (build it, or pass --binary)"

# --- Report folder --------------------------------------------------------------------------
MARKER=.sg-security-scan
if [ -d "$REPORT_DIR" ] && [ -n "$(ls -A "$REPORT_DIR")" ] && [ ! -f "$REPORT_DIR/$MARKER" ]; then
  die "$REPORT_DIR is not empty and not an earlier scan's folder; pick another --report-dir"
fi
rm -rf "$REPORT_DIR"
mkdir -p "$REPORT_DIR"/{server,testssl,wapiti,sqlmap}
touch "$REPORT_DIR/$MARKER"
REPORT_DIR=$(cd "$REPORT_DIR" && pwd)
SERVER_DIR=$REPORT_DIR/server
chmod 700 "$SERVER_DIR"

# --- The throwaway server -------------------------------------------------------------------
cp "$BINARY" "$SERVER_DIR/supplyguard"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 365 \
  -keyout "$SERVER_DIR/key.pem" -out "$SERVER_DIR/cert.pem" -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
chmod 600 "$SERVER_DIR/key.pem"
SERVE_ARGS=(serve --db "sqlite:$SERVER_DIR/sg.db" --listen 127.0.0.1:0
  --demo --demo-dir "$REPO/demo"
  # asvs: MFA optional, so the demo accounts sign in with a password alone.
  --password-profile asvs
  # Thousands of sign-in attempts from 127.0.0.1 (sqlmap on POST /api/v1/session): keep the
  # per-address throttle and the account lockout from answering instead of the code under test.
  --sign-in-ip-limit 1000000 --lockout-threshold 100 --lockout-duration 1
  --tls-cert "$SERVER_DIR/cert.pem" --tls-key "$SERVER_DIR/key.pem")
[ -n "$WEB_ROOT" ] && SERVE_ARGS+=(--web-root "$WEB_ROOT")
SERVER_PID=""
stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$SERVER_PID" 2>/dev/null; then kill -KILL "$SERVER_PID" 2>/dev/null || true; fi
  fi
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
trap stop_server EXIT
trap 'exit 130' INT TERM

log "starting the server (${SERVER_DIR}/serve.log)"
SG_KEY_DIR=$SERVER_DIR/keys "$SERVER_DIR/supplyguard" "${SERVE_ARGS[@]}" \
  >"$SERVER_DIR/serve.log" 2>"$SERVER_DIR/serve.stderr" &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 60); do
  PORT=$(sed -nE 's|^SupplyGuard is listening on https://127\.0\.0\.1:([0-9]+)/$|\1|p' \
    "$SERVER_DIR/serve.log" | head -1)
  [ -n "$PORT" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.5
done
[ -n "$PORT" ] || { cat "$SERVER_DIR/serve.log" "$SERVER_DIR/serve.stderr" >&2; die "serve did not start"; }
BASE=https://127.0.0.1:$PORT
log "listening on $BASE"
demo_password() { awk -v email="$1" '$2 == email && $3 == "/" {print $4; exit}' "$SERVER_DIR/serve.log"; }

# sign_in EMAIL PASSWORD PREFIX: sets ${PREFIX}_COOKIE and ${PREFIX}_CSRF.
sign_in() {
  local headers body cookie csrf
  headers=$(mktemp) body=$(mktemp)
  curl -sk -o "$body" -D "$headers" -X POST "$BASE/api/v1/session" \
    -H 'Content-Type: application/json' \
    --data "{\"email\":\"$1\",\"password\":\"$2\"}" || true
  cookie=$(sed -nE 's/^[Ss]et-[Cc]ookie: sg_session=([^;]+);.*/\1/p' "$headers" | tr -d '\r' | head -1)
  csrf=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf_token"])' "$body" \
    2>/dev/null || true)
  cp "$headers" "$SERVER_DIR/sign-in-$3.headers"
  rm -f "$headers" "$body"
  if [ -z "$cookie" ] || [ -z "$csrf" ]; then
    die "sign-in as $1 failed (see $SERVER_DIR/sign-in-$3.headers)"
  fi
  printf -v "${3}_COOKIE" '%s' "$cookie"
  printf -v "${3}_CSRF" '%s' "$csrf"
}
AUTHORITY_EMAIL=authority@demo.supplyguard.tw
VENDOR_EMAIL=vendor@demo.supplyguard.tw
OFFICER_EMAIL=officer@demo.supplyguard.tw
sign_in "$AUTHORITY_EMAIL" "$(demo_password "$AUTHORITY_EMAIL")" AUTHORITY
sign_in "$VENDOR_EMAIL" "$(demo_password "$VENDOR_EMAIL")" VENDOR
OFFICER_PASSWORD=$(demo_password "$OFFICER_EMAIL")
log "signed in as $AUTHORITY_EMAIL and $VENDOR_EMAIL"

api_get() {  # api_get COOKIE PATH: the body
  curl -sk -H "Cookie: sg_session=$1" "$BASE$2"
}
json_field() { "$PY" -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
VENDOR_ID=$(api_get "$AUTHORITY_COOKIE" "/api/v1/vendors?per_page=1&tax_id=04595252" \
  | json_field 'd["items"][0]["id"]')
VENDOR_CONTRACT_ID=$(api_get "$VENDOR_COOKIE" "/api/v1/contracts?per_page=1" \
  | json_field 'd["items"][0]["id"]')
# A real invitation link (public route: the token is looked up in the database).
INVITE_TOKEN=$(curl -sk -X POST "$BASE/api/v1/users" -H 'Content-Type: application/json' \
  -H "Cookie: sg_session=$AUTHORITY_COOKIE" -H "X-CSRF-Token: $AUTHORITY_CSRF" \
  --data '{"email":"scan-invitee@demo.supplyguard.tw","role":"auditor"}' \
  | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["invitation"]["url"].rsplit("/", 1)[1])' \
  2>/dev/null || true)
[ -n "$INVITE_TOKEN" ] || INVITE_TOKEN=not-a-real-token

session_alive() {  # session_alive COOKIE: 0 when GET /api/v1/session still answers 200
  [ "$(curl -sk -o /dev/null -w '%{http_code}' -H "Cookie: sg_session=$1" "$BASE/api/v1/session")" = 200 ]
}
server_alive() { kill -0 "$SERVER_PID" 2>/dev/null; }
SERVER_DIED_DURING=""
after_stage() {  # after_stage NAME: notes a dead server or lost sessions
  if ! server_alive; then
    SERVER_DIED_DURING=$1
    echo "!! the server is no longer running after $1" >&2
    return 1
  fi
  for who in AUTHORITY VENDOR; do
    local cookie_var=${who}_COOKIE
    if ! session_alive "${!cookie_var}"; then
      echo "$1: the ${who,,} session ended during the run" >>"$REPORT_DIR/session-notes.txt"
      if [ "$who" = AUTHORITY ]; then
        sign_in "$AUTHORITY_EMAIL" "$(demo_password "$AUTHORITY_EMAIL")" AUTHORITY
      else
        sign_in "$VENDOR_EMAIL" "$(demo_password "$VENDOR_EMAIL")" VENDOR
      fi
    fi
  done
}

# --- 1. testssl.sh ----------------------------------------------------------------------------
if wants testssl; then
  log "testssl: $BASE (about a minute)"
  # Full default run minus nothing; --sneaky: a browser-like User-Agent; --ip one: no DNS.
  testssl --quiet --color 0 --warnings off --sneaky --ip one --connect-timeout 10 \
    --openssl-timeout 10 --jsonfile "$REPORT_DIR/testssl/testssl.json" \
    --logfile "$REPORT_DIR/testssl/testssl.log" "127.0.0.1:$PORT" >/dev/null 2>&1 || true
  after_stage testssl || true
fi

# --- 2. wapiti --------------------------------------------------------------------------------
if wants wapiti && server_alive; then
  log "wapiti: $BASE (at most ${WAPITI_TIME}s)"
  # No link in the single-page app leads to the API, so the API URLs (with their query
  # parameters) are given as start URLs. Not loaded: ssrf and xxe (they call wapiti's public
  # endpoint), nikto/buster/backup (file brute force: every unknown path answers the app's
  # index.html), brute_login_form, shellshock, wapp. Signing out is DELETE /api/v1/session,
  # which wapiti never sends (GET, POST, OPTIONS and an unknown method only); `-x` is not used:
  # Debian 12's wapiti 3.0.4 crashes on any -x under Python 3.11 ("global flags not at the start
  # of the expression"). after_stage checks that the session survived.
  WAPITI_MODULES=sql,blindsql,exec,file,xss,permanentxss,redirect,crlf,http_headers,csp,cookieflags,methods,htaccess
  WAPITI_STARTS=(
    "/#/" "/index.html" "/api/v1/openapi.json"
    "/api/v1/agencies?q=A01&sort=code&page=1&per_page=5&parent_code=A0100&level=B"
    "/api/v1/vendors?q=04595252&sort=-name&page=1&per_page=5&prc_capital=false"
    "/api/v1/systems?q=S01&sort=name&per_page=5&protection_level=high&agency_code=A0100"
    "/api/v1/contracts?q=C00&sort=-amount&per_page=5&service_type=saas_packaged&vendor_tax_id=82120437&in_force_on=2026-01-01"
    "/api/v1/vendors/$VENDOR_ID" "/api/v1/vendors/$VENDOR_ID/history"
    "/api/v1/contracts/$VENDOR_CONTRACT_ID"
    "/api/v1/reports/concentration?as_of=2026-01-01&agency_code=A0100&sort=-amount"
    "/api/v1/reports/concentration?as_of=2026-01-01&format=csv"
    "/api/v1/audit-log?q=demo&actor=authority&action=session.sign_in&object_type=session&from=2000-01-01&to=2999-12-31&per_page=5"
    "/api/v1/audit-log/export?format=csv&action=session.sign_in"
    "/api/v1/audit-log/verify"
    "/api/v1/users?q=demo&role=vendor&disabled=false&per_page=5"
    "/api/v1/me/sessions" "/api/v1/tokens"
    "/api/v1/invitations/$INVITE_TOKEN"
  )
  start_args=()
  for url in "${WAPITI_STARTS[@]}"; do start_args+=(-s "$BASE$url"); done
  wapiti -u "$BASE/" --scope folder -m "$WAPITI_MODULES" --level 1 -d 3 \
    "${start_args[@]}" \
    -H "Cookie: sg_session=$AUTHORITY_COOKIE" -H "X-CSRF-Token: $AUTHORITY_CSRF" \
    --max-scan-time "$WAPITI_TIME" --max-attack-time 120 -t 15 --verify-ssl 0 \
    --flush-session --store-session "$REPORT_DIR/wapiti/session" \
    --store-config "$REPORT_DIR/wapiti/config" --no-bugreport -v 1 \
    -f json -o "$REPORT_DIR/wapiti/wapiti.json" >"$REPORT_DIR/wapiti/wapiti.log" 2>&1 || true
  after_stage wapiti || true
fi

# --- 3. sqlmap --------------------------------------------------------------------------------
# One run per target: name|who (authority, vendor, none)|URL|-p parameters (URI: the `*` in the
# path)|JSON body (POST)|more sqlmap options. The sign-in answers 401 to every wrong guess:
# --ignore-code 401 there (the officer's real password is the baseline, so a true condition would
# answer 200); every attempt costs an Argon2id hash (~150 ms), so its payloads are limited to
# SQLite's and the generic ones (--dbms SQLite: ~2 min instead of ~8).
SQLMAP_TARGETS=(
  "contracts-list|authority|/api/v1/contracts?q=C00&sort=-amount&page=1&per_page=5&service_type=saas_packaged&vendor_tax_id=82120437&in_force_on=2026-01-01|q,sort,page,per_page,service_type,vendor_tax_id,in_force_on|"
  "vendors-list|authority|/api/v1/vendors?q=04595252&sort=name&prc_capital=false&tax_id=04595252|q,sort,prc_capital,tax_id|"
  "systems-list-vendor|vendor|/api/v1/systems?q=S01&sort=-name&agency_code=A0100&protection_level=high&core=true|q,sort,agency_code,protection_level,core|"
  "vendor-detail|authority|/api/v1/vendors/${VENDOR_ID}*|URI|"
  "contract-detail-vendor|vendor|/api/v1/contracts/${VENDOR_CONTRACT_ID}*|URI|"
  "vendor-history|authority|/api/v1/vendors/${VENDOR_ID}*/history|URI|"
  "concentration|authority|/api/v1/reports/concentration?as_of=2026-01-01&agency_code=A0100&sort=-amount|as_of,agency_code,sort|"
  "audit-log|authority|/api/v1/audit-log?q=demo&actor=authority&action=session.sign_in&object_type=session&from=2000-01-01&to=2999-12-31|q,actor,action,object_type,from,to|"
  "users-list|authority|/api/v1/users?q=demo&role=vendor&disabled=false|q,role,disabled|"
  "invitation|none|/api/v1/invitations/${INVITE_TOKEN}*|URI|"
  "sign-in|none|/api/v1/session|email,password|{\"email\":\"$OFFICER_EMAIL\",\"password\":\"$OFFICER_PASSWORD\"}|--ignore-code 401 --dbms SQLite"
)
if wants sqlmap && server_alive; then
  log "sqlmap: ${#SQLMAP_TARGETS[@]} targets, level $SQLMAP_LEVEL risk $SQLMAP_RISK"
  : >"$REPORT_DIR/sqlmap/targets.tsv"
  for target in "${SQLMAP_TARGETS[@]}"; do
    IFS='|' read -r name who path params data extra <<<"$target"
    args=(-u "$BASE$path" --batch --flush-session --level "$SQLMAP_LEVEL" --risk "$SQLMAP_RISK"
      --threads 1 --keep-alive --time-sec 2 --timeout 15 --retries 1 --drop-set-cookie
      --disable-coloring --output-dir "$REPORT_DIR/sqlmap/$name" --answers "follow=N")
    [ "$params" != URI ] && args+=(-p "$params")
    case "$who" in
      authority) args+=(--cookie "sg_session=$AUTHORITY_COOKIE" -H "X-CSRF-Token: $AUTHORITY_CSRF") ;;
      vendor) args+=(--cookie "sg_session=$VENDOR_COOKIE" -H "X-CSRF-Token: $VENDOR_CSRF") ;;
    esac
    [ -n "$data" ] && args+=(--data "$data" -H "Content-Type: application/json")
    # shellcheck disable=SC2206  # word splitting of the options is meant
    [ -n "$extra" ] && args+=($extra)
    log "  sqlmap $name"
    t0=$(date +%s)
    sqlmap "${args[@]}" >"$REPORT_DIR/sqlmap/$name.log" 2>&1 || true
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$who" "$path" "$params" "$(( $(date +%s) - t0 ))" \
      >>"$REPORT_DIR/sqlmap/targets.tsv"
    after_stage "sqlmap $name" || break
  done
fi

# --- Stop, summarise --------------------------------------------------------------------------
SERVER_ALIVE_AT_END=yes
server_alive || SERVER_ALIVE_AT_END=no
stop_server
log "server stopped"

{
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "duration_s=$(( $(date +%s) - START ))"
  echo "base=$BASE"
  echo "only=$ONLY"
  echo "sqlmap_level=$SQLMAP_LEVEL"
  echo "sqlmap_risk=$SQLMAP_RISK"
  echo "wapiti_time=$WAPITI_TIME"
  echo "server_alive_at_end=$SERVER_ALIVE_AT_END"
  echo "server_died_during=$SERVER_DIED_DURING"
  echo "binary=$BINARY"
  echo "binary_sha256=$(sha256sum "$SERVER_DIR/supplyguard" | cut -d' ' -f1)"
  echo "git_commit=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "git_dirty=$([ -n "$(git -C "$REPO" status --porcelain 2>/dev/null)" ] && echo yes || echo no)"
  echo "v_testssl=$(testssl --version 2>/dev/null | sed -nE 's/.*testssl +([0-9][^ ]*) .*/\1/p' | head -1)"
  echo "v_wapiti=$(wapiti --version 2>/dev/null | tail -1)"
  echo "v_sqlmap=$(sqlmap --version 2>/dev/null | head -1)"
  echo "v_openssl=$(openssl version)"
} >"$REPORT_DIR/run.env"
rm -f "$SERVER_DIR/supplyguard"  # 60 MB; its sha256 is in run.env

set +e
"$PY" - "$REPORT_DIR" <<'PYTHON'
"""Summarises the raw reports of one run into SUMMARY.md; exit 1 on a severe finding."""
import collections, json, os, re, sys

root = sys.argv[1]
env = dict(line.rstrip("\n").split("=", 1) for line in open(os.path.join(root, "run.env")))
out, severe = [], []
say = out.append

say(f"# SupplyGuard external scan — {env['date']}")
say("")
say(f"- Target: throwaway `supplyguard serve` (SQLite, `--demo`, TLS with a self-signed "
    f"certificate) at {env['base']}; binary {env['binary']} (sha256 {env['binary_sha256'][:16]}…), "
    f"commit {env['git_commit']}{' + uncommitted changes' if env['git_dirty'] == 'yes' else ''}")
say(f"- Tools: testssl {env['v_testssl']}, {env['v_wapiti']}, sqlmap {env['v_sqlmap']}, "
    f"{env['v_openssl']}")
say(f"- Scanners run: {env['only']}; sqlmap level {env['sqlmap_level']} risk {env['sqlmap_risk']}; "
    f"wapiti max scan time {env['wapiti_time']} s; total {env['duration_s']} s")
if env["server_alive_at_end"] != "yes":
    severe.append(f"the server died during {env['server_died_during'] or 'the scan'}")
notes = os.path.join(root, "session-notes.txt")
if os.path.exists(notes):
    for line in open(notes):
        say(f"- Note: {line.strip()} (signed in again)")
say("")

# Server log: answers by status class, every 5xx, and lines that are not JSON any more (the
# scanners' payloads must not be able to break out of a field or forge a line: CWE-117).
statuses, errors = collections.Counter(), collections.Counter()
broken, broken_examples = 0, []
for line in open(os.path.join(root, "server", "serve.log"), errors="replace"):
    if not line.startswith("{"):
        if line.strip() and not re.match(r"^(Demo accounts|  \w+ +\S+@|First administrator|"
                                         r"One-time password|SupplyGuard is listening)", line):
            broken += 1
            broken_examples.append(line.strip())
        continue
    try:
        entry = json.loads(line)
        if not isinstance(entry, dict):
            raise ValueError("not an object")
    except ValueError:
        broken += 1
        broken_examples.append(line.strip())
        continue
    if "status" in entry:
        statuses[f"{entry['status'] // 100}xx"] += 1
        if entry["status"] >= 500:
            errors[f"{entry.get('method')} {entry.get('path')} → {entry['status']}"] += 1
say("## Server")
say(f"- Requests answered: {sum(statuses.values())} ("
    + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())) + ")")
say(f"- Still running at the end: {env['server_alive_at_end']}")
if broken:
    say(f"- **Log injection**: {broken} line(s) of the server's JSON log are not valid JSON "
        "(request data written into the log unescaped), e.g.:")
    for example in broken_examples[:3]:
        say(f"  - `{example[:160]}`")
    severe.append(f"log injection: {broken} server log lines broken by request data")
else:
    say("- Server log: every line is valid JSON (no log injection)")
if errors:
    say("- 5xx answers (unexpected errors, to look at):")
    for what, count in errors.most_common(20):
        say(f"  - {what} ×{count}")
say("")

# testssl: findings by severity; the throwaway certificate's own findings are expected.
path = os.path.join(root, "testssl", "testssl.json")
if os.path.exists(path):
    say("## testssl.sh (TLS listener)")
    try:
        findings = json.load(open(path))
    except ValueError:
        findings = []
        severe.append("testssl produced no readable JSON report")
    # The throwaway certificate's own findings (self-signed, no CRL/OCSP, no CAA record) are
    # expected; a CA-issued certificate removes them. engine_problem is about the local openssl.
    certificate = re.compile(r"^(cert_|DNS_CAArecord$|intermediate_cert)")
    tooling = re.compile(r"^(engine_problem|scanProblem)$")
    by_severity = collections.Counter(f["severity"] for f in findings)
    say("- Results by severity: " + ", ".join(f"{k} {v}" for k, v in sorted(by_severity.items())))
    for f in findings:
        if f["severity"] in ("OK", "INFO"):
            continue
        tag = (" (throwaway self-signed certificate: expected)" if certificate.match(f["id"])
               else " (the scanning host's openssl: ignored)" if tooling.match(f["id"]) else "")
        say(f"- {f['severity']}: `{f['id']}` {f['finding']}{tag}")
        if f["severity"] in ("HIGH", "CRITICAL") and not tag:
            severe.append(f"testssl {f['severity']} {f['id']}: {f['finding']}")
    say("- Selected results:")
    wanted = ("SSLv2", "SSLv3", "TLS1", "TLS1_1", "TLS1_2", "TLS1_3", "cipher_order",
              "PFS_ECDHE_curves", "TLS_session_ticket", "sessionresumption_ticket",
              "secure_client_renego", "CRIME_TLS", "BREACH", "HSTS_time", "HSTS_subdomains",
              "HTTP_clock_skew", "banner_server", "X-Frame-Options", "X-Content-Type-Options",
              "Content-Security-Policy", "Referrer-Policy")
    for f in findings:
        if f["id"] in wanted:
            say(f"  - `{f['id']}` ({f['severity']}): {f['finding']}")
    say("")

elif "testssl" in env["only"].split(","):
    severe.append("testssl produced no report (see testssl/testssl.log)")

# wapiti: vulnerabilities and anomalies with their level.
path = os.path.join(root, "wapiti", "wapiti.json")
if os.path.exists(path):
    say("## wapiti (web UI and API, signed in as the authority)")
    report = json.load(open(path))
    names = {"4": "CRITICAL", "3": "HIGH", "2": "MEDIUM", "1": "LOW", "0": "INFO"}
    counted = collections.Counter()
    lines = []
    for section in ("vulnerabilities", "anomalies", "additionals"):
        for category, items in sorted(report.get(section, {}).items()):
            for item in items:
                level = names.get(str(item.get("level")), str(item.get("level")))
                counted[level] += 1
                where = f"{item.get('method', '')} {item.get('path', '')}".strip()
                param = f" [{item['parameter']}]" if item.get("parameter") else ""
                lines.append(f"- {level}: {category} — {where}{param}: {item.get('info', '')[:200]}")
                if section == "vulnerabilities" and level in ("HIGH", "CRITICAL"):
                    severe.append(f"wapiti {level} {category} at {where}{param}")
    crawled = len(report.get("infos", {}).get("crawled_pages", [])) if isinstance(
        report.get("infos"), dict) else 0
    say(f"- Findings by level: " + (", ".join(f"{k} {v}" for k, v in sorted(counted.items()))
                                    or "none") + (f"; pages crawled: {crawled}" if crawled else ""))
    out.extend(lines[:60])
    if len(lines) > 60:
        say(f"- … {len(lines) - 60} more in wapiti/wapiti.json")
    say("")

elif "wapiti" in env["only"].split(","):
    severe.append("wapiti produced no report (see wapiti/wapiti.log)")

# sqlmap: per target, the parameters tested and any injection point.
path = os.path.join(root, "sqlmap", "targets.tsv")
if os.path.exists(path):
    say("## sqlmap (API routes)")
    say("| target | as | parameters | result | HTTP codes seen | s |")
    say("|---|---|---|---|---|---|")
    for row in open(path):
        name, who, url, params, seconds = row.rstrip("\n").split("\t")
        text = open(os.path.join(root, "sqlmap", f"{name}.log"), errors="replace").read()
        injectable = re.findall(r"parameter '([^']+)' (?:is|appears to be) '([^']+)' injectable", text)
        found = "identified the following injection point" in text or bool(injectable)
        not_injectable = re.findall(r"parameter '([^']+)' does not seem to be injectable", text)
        codes = re.search(r"HTTP error codes detected during run:\n(.*)", text)
        if found:
            result = "**INJECTABLE**: " + "; ".join(f"{p} ({t})" for p, t in injectable)
            severe.append(f"sqlmap: injection in {name} ({url})")
        elif "all tested parameters do not appear to be injectable" in text:
            result = f"not injectable ({len(not_injectable)} parameters)"
        else:
            last = [l for l in text.splitlines() if "[CRITICAL]" in l or "[ERROR]" in l]
            result = "did not finish: " + (last[-1].split("] ", 2)[-1][:120] if last else "see log")
            severe.append(f"sqlmap did not finish {name}")
        say(f"| {name} | {who} | {params} | {result} | "
            f"{codes.group(1).strip() if codes else '-'} | {seconds} |")
    say("")

say("## Verdict")
if severe:
    say(f"**{len(severe)} severe finding(s):**")
    out.extend(f"- {s}" for s in severe)
else:
    say("No severe finding (no SQL injection; no HIGH/CRITICAL TLS or web finding other than "
        "the throwaway certificate's).")
text = "\n".join(out) + "\n"
open(os.path.join(root, "SUMMARY.md"), "w").write(text)
print(text)
sys.exit(1 if severe else 0)
PYTHON
status=$?
log "raw reports and SUMMARY.md in $REPORT_DIR"
exit $status
