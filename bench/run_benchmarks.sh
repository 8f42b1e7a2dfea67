#!/usr/bin/env bash
# Benchmarks SupplyGuard on the national-scale registry, on SQLite and on PostgreSQL.
#
#   bench/run_benchmarks.sh [SCALE]          SCALE 1.0 = national (default), 0.01 = quick run
#
# For each back-end: migrate, import agencies/vendors/systems/contracts with the CLI (wall seconds,
# rows/s), start `supplyguard serve` on 127.0.0.1, sign in, then measure with wrk a list page, a
# detail page and the concentration report at 64 and 512 connections (requests/s, p50, p99, the
# server's RSS after the run), and the single-request latency of each (median of 21 sequential
# curl requests). Everything is on loopback; the PostgreSQL cluster is a throwaway one
# (scripts/pg-throwaway.sh) and is removed at the end, even on failure or Ctrl-C.
#
# Results: $SG_BENCH_OUT (default /tmp/sg-bench): results.json (every run and the medians),
# results.md (the Markdown table, also printed), raw/ (wrk and import outputs), registry/ (CSVs).
#
# Settings (environment):
#   SG_BENCH_SCALE            registry scale when no argument is given (default 1.0)
#   SG_BENCH_SEED             generator seed (default 2026)
#   SG_BENCH_OUT              results folder (default /tmp/sg-bench)
#   SG_BENCH_BIN              the supplyguard binary (default build-release/src/cli/supplyguard)
#   SG_BENCH_BACKENDS         "sqlite postgres" (default both)
#   SG_BENCH_CONNECTIONS      wrk connection counts (default "64 512")
#   SG_BENCH_DURATION         seconds per wrk run of the list and detail pages (default 15)
#   SG_BENCH_DURATION_CONCENTRATION  seconds per wrk run of the concentration report (default 60)
#   SG_BENCH_DRAIN_TIMEOUT    seconds to wait after a run for the server to finish the requests
#                             of clients that have gone, before restarting it (default 120)
#   SG_BENCH_REPEAT           wrk runs per figure; the table shows medians (default 3)
#   SG_BENCH_IMPORT_REPEAT    imports per back-end into fresh databases (default 1)
#   SG_BENCH_IMPORT_TIMEOUT   seconds one import may take before it is stopped (default 1800)
#   SG_BENCH_WRK_THREADS      wrk threads (default 2)
#   SG_BENCH_REPORT_ONLY      non-empty: only rewrite results.json/.md from $SG_BENCH_OUT/raw/runs.tsv
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
readonly ROOT
readonly PYTHON=/usr/bin/python3
SCALE=${1:-${SG_BENCH_SCALE:-1.0}}
SEED=${SG_BENCH_SEED:-2026}
OUT=${SG_BENCH_OUT:-/tmp/sg-bench}
BIN=${SG_BENCH_BIN:-$ROOT/build-release/src/cli/supplyguard}
BACKENDS=${SG_BENCH_BACKENDS:-sqlite postgres}
CONNECTIONS=${SG_BENCH_CONNECTIONS:-64 512}
DURATION=${SG_BENCH_DURATION:-15}
DURATION_CONCENTRATION=${SG_BENCH_DURATION_CONCENTRATION:-60}
DRAIN_TIMEOUT=${SG_BENCH_DRAIN_TIMEOUT:-120}
REPEAT=${SG_BENCH_REPEAT:-3}
IMPORT_REPEAT=${SG_BENCH_IMPORT_REPEAT:-1}
IMPORT_TIMEOUT=${SG_BENCH_IMPORT_TIMEOUT:-1800}
WRK_THREADS=${SG_BENCH_WRK_THREADS:-2}
readonly EMAIL=bench@test.gov.tw
readonly KINDS="agencies vendors systems contracts"

# Messages go to the script's own standard error (fd 3), also from inside redirected commands.
exec 3>&2
log() { echo "bench: $*" >&3; }
die() {
  log "error: $*"
  exit 1
}

[ -x "$BIN" ] || die "$BIN not found; build it: cmake -S $ROOT -B $ROOT/build-release -G Ninja \
-DCMAKE_BUILD_TYPE=Release -DSG_BUILD_TESTS=OFF && ninja -C $ROOT/build-release supplyguard"
for tool in wrk curl timeout "$PYTHON"; do
  command -v "$tool" >/dev/null || die "$tool is missing (wrk: apt-get install wrk)"
done
case "$SCALE" in '' | *[!0-9.]*) die "SCALE must be a number in (0, 1], not '$SCALE'" ;; esac

# 512 connections need more than 1024 descriptors, in wrk and in the server.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" -ge 2048 ] || log "warning: ulimit -n is $(ulimit -n); 512 connections may fail"

mkdir -p "$OUT/raw"
WORK=$(mktemp -d /tmp/sg-bench-work.XXXXXX)
PG_DIR=""
SERVER_PID=""
CHILD_PID=""
BASE=""
COOKIE=""
readonly RUNS="$OUT/raw/runs.tsv"
REPORT_ONLY=${SG_BENCH_REPORT_ONLY:-}
[ -n "$REPORT_ONLY" ] || : >"$RUNS"

stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 150); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      log "the server did not stop on SIGTERM within 15 s; killing it"
      kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
  fi
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

stop_postgres() {
  [ -n "$PG_DIR" ] || return 0
  "$ROOT/scripts/pg-throwaway.sh" stop "$PG_DIR" >/dev/null 2>&1 ||
    log "warning: could not stop the PostgreSQL cluster in $PG_DIR"
  PG_DIR=""
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$CHILD_PID" ]; then
    kill -TERM "$CHILD_PID" 2>/dev/null || true
    wait "$CHILD_PID" 2>/dev/null || true
  fi
  stop_server
  stop_postgres
  rm -rf "$WORK"
  [ "$status" -eq 0 ] || log "failed (exit $status); partial results in $OUT"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs a command in the background and waits for it: a signal to this script then stops it at
# once (bash defers traps while a foreground command runs), and cleanup stops the command.
run_child() {
  "$@" &
  CHILD_PID=$!
  local status=0
  wait "$CHILD_PID" || status=$?
  CHILD_PID=""
  return "$status"
}

# Runs a command with its output in $1 and sets TOOK to the wall seconds it took.
TOOK=""
timed() {
  local log_file=$1
  shift
  local started ended
  started=$(date +%s.%N)
  if ! run_child timeout "$IMPORT_TIMEOUT" "$@" >"$log_file" 2>&1; then
    cat "$log_file" >&2
    die "'${*:1:3}' failed or took over $IMPORT_TIMEOUT s (see $log_file)"
  fi
  ended=$(date +%s.%N)
  TOOK=$("$PYTHON" -c "print(f'{$ended - $started:.3f}')")
}

# --------------------------------------------------------------------------------------------
# The registry. Contracts are generated in force on today's date in Taiwan (the server's "today").

TODAY=$(date -u -d '+8 hours' +%F)
if [ -z "$REPORT_ONLY" ]; then
  log "generating the registry at scale $SCALE (seed $SEED, contracts in force on $TODAY)"
  "$PYTHON" "$ROOT/bench/generate_registry.py" --scale "$SCALE" --seed "$SEED" --today "$TODAY" \
    --out "$OUT/registry"
fi
# Row counts, read as ROWS_$kind by bench_backend.
# shellcheck disable=SC2034
ROWS_agencies=$(($(wc -l <"$OUT/registry/agencies.csv") - 1))
# shellcheck disable=SC2034
ROWS_vendors=$(($(wc -l <"$OUT/registry/vendors.csv") - 1))
ROWS_systems=$(($(wc -l <"$OUT/registry/systems.csv") - 1))
# shellcheck disable=SC2034
ROWS_contracts=$(($(wc -l <"$OUT/registry/contracts.csv") - 1))

record() { # backend kind name repeat value... (tab-separated)
  local IFS=$'\t'
  echo "$*" >>"$RUNS"
}

# Parses `wrk --latency` output: requests/s, p50 ms, p99 ms, requests, errors, non-2xx.
parse_wrk() {
  "$PYTHON" - "$1" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
def ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]
def latency(percent):
    m = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
    return ms(*m.groups()) if m else float("nan")
rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
total = re.search(r"(\d+) requests in", text)
errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"{float(rps.group(1)) if rps else 0:.1f}\t{latency(50):.3f}\t{latency(99):.3f}\t"
      f"{total.group(1) if total else 0}\t{sum(map(int, errors.groups())) if errors else 0}\t"
      f"{non2xx.group(1) if non2xx else 0}")
EOF
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status"; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status"; }

CLK_TCK=$(getconf CLK_TCK)
readonly CLK_TCK
# CPU ticks (user + system) of a process: fields 14 and 15 of /proc/PID/stat, counted after
# the command name; with "children", also those of its waited-for children (16 and 17).
ticks_of() {
  [ -r "/proc/$1/stat" ] || {
    echo 0
    return
  }
  sed 's/.*) //' "/proc/$1/stat" | awk -v children="${2:-}" \
    '{print $12 + $13 + (children ? $14 + $15 : 0)}'
}
server_ticks() { ticks_of "$SERVER_PID"; }
# PostgreSQL: the postmaster (with its exited children) and every live backend.
db_ticks() {
  if [ -z "$PG_DIR" ] || [ ! -r "$PG_DIR/data/postmaster.pid" ]; then
    echo 0
    return
  fi
  local postmaster total child
  postmaster=$(head -n 1 "$PG_DIR/data/postmaster.pid")
  total=$(ticks_of "$postmaster" children)
  for child in $(pgrep -P "$postmaster"); do total=$((total + $(ticks_of "$child"))); done
  echo "$total"
}

# Starts the server on a free loopback port; sets SERVER_PID and BASE.
start_server() {
  local backend=$1 url=$2
  shift 2  # further arguments go to serve
  local server_out="$OUT/raw/$backend-serve.log"
  # Without per-request logs: writing them would dominate. The asvs profile: the benchmark
  # account signs in with a password only (tw-high would give it an MFA-enrolment-only session).
  local port="" lines_before=0
  [ -f "$server_out" ] && lines_before=$(wc -l <"$server_out")
  SG_QUIET=1 "$BIN" serve --db "$url" --password-profile asvs --listen 127.0.0.1:0 "$@" \
    >>"$server_out" 2>&1 3>&- &
  SERVER_PID=$!
  for _ in $(seq 1 600); do
    port=$(tail -n +"$((lines_before + 1))" "$server_out" |
      sed -n 's|^SupplyGuard is listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' | head -n 1)
    if [ -n "$port" ] && curl -s --max-time 5 -o /dev/null "http://127.0.0.1:$port/healthz"; then
      break
    fi
    port=""
    kill -0 "$SERVER_PID" 2>/dev/null || die "the server exited: $(tail -n 5 "$server_out")"
    sleep 0.1
  done
  [ -n "$port" ] || die "the server did not start listening within 60 s"
  BASE="http://127.0.0.1:$port"
}

# Single-request latency of the three endpoints (names, paths) after a warm-up: the median of 21
# sequential requests, and the CPU time the server (and PostgreSQL) spent per request. $1 is a
# suffix for the figures' names ("-uncached" when the server runs without its read cache).
single_requests() {
  local suffix=$1 index
  for index in 0 1 2; do
    for _ in 1 2 3; do curl -sS --max-time 120 -o /dev/null -H "$COOKIE" "$BASE${paths[$index]}"; done
    local -a times=()
    local server_before db_before
    server_before=$(server_ticks)
    db_before=$(db_ticks)
    for _ in $(seq 1 21); do
      times+=("$(curl -sS --max-time 120 -o /dev/null -w '%{http_code} %{time_total}' \
        -H "$COOKIE" "$BASE${paths[$index]}")")
    done
    local cpu_ms
    cpu_ms=$(awk -v s="$(($(server_ticks) - server_before))" -v d="$(($(db_ticks) - db_before))" \
      -v hz="$CLK_TCK" 'BEGIN {printf "%.2f\t%.2f", s * 1000 / hz / 21, d * 1000 / hz / 21}')
    if printf '%s\n' "${times[@]}" | grep -qv '^200 '; then
      die "${names[$index]} did not answer 200: $(printf '%s\n' "${times[@]}" | sort | uniq -c)"
    fi
    local median
    median=$(printf '%s\n' "${times[@]}" | awk '{print $2 * 1000}' | sort -n | sed -n 11p)
    record "$backend" single "${names[$index]}$suffix" 1 "$median" "$cpu_ms"
    log "$backend single ${names[$index]}$suffix: median ${median} ms; CPU ms/request (server, db): $cpu_ms"
  done
}

# The server goes on with requests whose clients have gone; waits until it answers /healthz
# (which queues behind them) and sets DRAINED to the seconds that took, or to "restart" past
# DRAIN_TIMEOUT.
DRAINED=""
drain() {
  if run_child curl -sS --max-time "$DRAIN_TIMEOUT" -o "$WORK/drain" -w '%{time_total}' \
    "$BASE/healthz" >"$WORK/drain-time" 2>/dev/null; then
    DRAINED=$(cat "$WORK/drain-time")
  else
    DRAINED=restart
  fi
}

# --------------------------------------------------------------------------------------------

database_url() { # backend index
  case "$1" in
    sqlite)
      rm -f "$WORK/bench-$2.db" "$WORK/bench-$2.db-wal" "$WORK/bench-$2.db-shm"
      echo "sqlite:$WORK/bench-$2.db"
      ;;
    postgres)
      # A fresh database in the throwaway cluster (its role may CREATE DATABASE).
      local base=${PG_URI%/*}
      local name="sg_bench_$2"
      PGCONNECT_TIMEOUT=10 PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 \
        "$PG_URI" -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null
      echo "$base/$name"
      ;;
  esac
}

bench_backend() {
  local backend=$1
  local url=""
  log "== $backend"
  if [ "$backend" = postgres ]; then
    command -v psql >/dev/null || die "psql is missing (apt-get install postgresql-client-15)"
    PG_DIR=$(mktemp -d /tmp/sg-bench-pg.XXXXXX)
    PG_URI=$("$ROOT/scripts/pg-throwaway.sh" start "$PG_DIR" 2>"$OUT/raw/pg-start.log") ||
      die "the PostgreSQL cluster did not start (see $OUT/raw/pg-start.log)"
  fi

  # Imports: each repetition into a fresh, migrated database; the last one is served.
  local repeat kind seconds
  for repeat in $(seq 1 "$IMPORT_REPEAT"); do
    url=$(database_url "$backend" "$repeat")
    timed "$OUT/raw/$backend-migrate-$repeat.log" "$BIN" migrate --db "$url"
    seconds=$TOOK
    record "$backend" import migrate "$repeat" "$seconds" 0
    for kind in $KINDS; do
      local rows_var="ROWS_$kind"
      timed "$OUT/raw/$backend-import-$kind-$repeat.log" \
        "$BIN" import "$kind" "$OUT/registry/$kind.csv" --db "$url"
      seconds=$TOOK
      grep -q "created ${!rows_var}," "$OUT/raw/$backend-import-$kind-$repeat.log" ||
        die "import of $kind did not create ${!rows_var} rows: $(cat "$OUT/raw/$backend-import-$kind-$repeat.log")"
      record "$backend" import "$kind" "$repeat" "$seconds" "${!rows_var}"
      log "$backend import $kind (#$repeat): ${seconds} s for ${!rows_var} rows"
    done
  done

  local password="Quiet-Harbour-Lamp-$RANDOM$RANDOM"
  echo "$password" | "$BIN" user add --db "$url" --email "$EMAIL" --role authority \
    --password-stdin >"$OUT/raw/$backend-user.log" 2>&1 || die "user add failed: $(cat "$OUT/raw/$backend-user.log")"

  start_server "$backend" "$url"
  local token
  token=$(curl -sS --max-time 60 -D - -o /dev/null -H 'Content-Type: application/json' \
    --data "{\"email\":\"$EMAIL\",\"password\":\"$password\"}" "$BASE/api/v1/session" |
    sed -n 's/^[Ss]et-[Cc]ookie: sg_session=\([^;]*\);.*/\1/p')
  [ -n "$token" ] || die "sign-in failed"
  COOKIE="Cookie: sg_session=$token"

  # A system id from the middle of the list, for the detail page.
  local system_id
  system_id=$(curl -sS --max-time 60 -H "$COOKIE" \
    "$BASE/api/v1/systems?per_page=1&page=$(((ROWS_systems + 1) / 2))" |
    "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')

  # The concentration report must agree with what the generator put in force.
  curl -sS --max-time 120 -H "$COOKIE" "$BASE/api/v1/reports/concentration" \
    >"$OUT/raw/$backend-concentration.json"
  "$PYTHON" - "$OUT/registry/summary.json" "$OUT/raw/$backend-concentration.json" <<'EOF' >&2 ||
import json, sys
expected = json.load(open(sys.argv[1]))["expected_top"][:9]
report = json.load(open(sys.argv[2]))
got = {row["vendor_tax_id"]: row for row in report["items"]}
bad = [e for e in expected if any(got.get(e["vendor_tax_id"], {}).get(k) != e[k]
                                  for k in ("agencies", "systems", "core_systems", "amount"))]
print(f"bench: concentration report ({len(report['items'])} vendors, as of {report['as_of']}): "
      f"top 9 {'match' if not bad else 'DIFFER from'} the generator's")
sys.exit(1 if bad else 0)
EOF
    log "warning: the concentration report differs from the generator's expectation"

  # Cheap endpoints first: an expensive one can leave a backlog behind (see drain).
  local -a names=(detail list concentration)
  local -a paths=("/api/v1/systems/$system_id" "/api/v1/contracts?page=3&per_page=50&sort=-amount"
    "/api/v1/reports/concentration")
  local -a durations=("$DURATION" "$DURATION" "$DURATION_CONCENTRATION")
  local index
  single_requests ""
  record "$backend" rss idle 1 "$(rss_kb)"

  local connections
  for connections in $CONNECTIONS; do
    for index in 0 1 2; do
      for repeat in $(seq 1 "$REPEAT"); do
        local raw="$OUT/raw/$backend-wrk-${names[$index]}-c$connections-$repeat.txt"
        local duration=${durations[$index]}
        local load server_before db_before server_cpu db_cpu
        load=$(cut -d' ' -f1 /proc/loadavg)
        server_before=$(server_ticks)
        db_before=$(db_ticks)
        run_child timeout $((duration + 120)) wrk -t"$WRK_THREADS" -c"$connections" \
          -d"${duration}s" --timeout "$((duration * 2))s" --latency -H "$COOKIE" \
          "$BASE${paths[$index]}" >"$raw" 2>&1 || die "wrk failed: $(cat "$raw")"
        kill -0 "$SERVER_PID" 2>/dev/null || die "the server died during $raw"
        server_cpu=$(awk -v t="$(($(server_ticks) - server_before))" -v hz="$CLK_TCK" \
          'BEGIN {printf "%.1f", t / hz}')
        db_cpu=$(awk -v t="$(($(db_ticks) - db_before))" -v hz="$CLK_TCK" \
          'BEGIN {printf "%.1f", t / hz}')
        local rss hwm figures drained
        rss=$(rss_kb)
        hwm=$(hwm_kb)
        figures=$(parse_wrk "$raw")
        drain
        drained=$DRAINED
        record "$backend" wrk "${names[$index]}-c$connections" "$repeat" "$figures" "$rss" "$hwm" \
          "$server_cpu" "$db_cpu" "$duration" "$drained" "$load"
        log "$backend ${names[$index]} c$connections #$repeat: $(echo "$figures" |
          awk -F'\t' '{printf "%s req/s, p50 %s ms, p99 %s ms, %s requests, errors %s, non-2xx %s", $1, $2, $3, $4, $5, $6}'), RSS $rss kB, CPU s server $server_cpu + db $db_cpu in $duration s, load $load, drained: $drained"
        if [ "$drained" = restart ]; then
          log "the server still had queued work after $DRAIN_TIMEOUT s: restarting it"
          stop_server
          start_server "$backend" "$url"
          for _ in 1 2 3; do curl -sS --max-time 120 -o /dev/null -H "$COOKIE" "$BASE${paths[$index]}"; done
        fi
        # A run that completed fewer requests than it had connections is saturated: its figures
        # are lower bounds and repeating it would only lengthen the benchmark.
        if [ "$(echo "$figures" | cut -f4)" -lt "$connections" ]; then
          log "saturated (fewer requests completed than connections): not repeated"
          break
        fi
      done
    done
  done
  stop_server
  # The same single requests without the read cache: what the first reader after a write waits.
  start_server "$backend" "$url" --read-cache-mib 0
  single_requests "-uncached"
  stop_server
  stop_postgres
}

for backend in $BACKENDS; do
  [ -z "$REPORT_ONLY" ] || break
  case "$backend" in sqlite | postgres) bench_backend "$backend" ;; *) die "unknown back-end $backend" ;; esac
done

# --------------------------------------------------------------------------------------------
# results.json and the Markdown table (medians over repetitions).

"$PYTHON" - "$RUNS" "$OUT" "$SCALE" "$SEED" "$REPEAT" "$WRK_THREADS" "$ROOT" "$BIN" <<'EOF'
import json, os, platform, statistics, subprocess, sys
runs_path, out, scale, seed, repeat, wrk_threads, root, binary = sys.argv[1:]
rows = [line.rstrip("\n").split("\t") for line in open(runs_path) if line.strip()]

def median(values):
    values = [float(v) for v in values]
    return statistics.median(values) if values else None

def first_line(path, prefix):
    for line in open(path):
        if line.startswith(prefix):
            return line.split(":", 1)[1].strip()
    return ""

def git(*args):
    try:
        return subprocess.run(["git", "-C", root, *args], capture_output=True, text=True,
                              check=True).stdout.strip()
    except Exception:
        return ""

nproc = os.cpu_count()
summary = json.load(open(os.path.join(out, "registry", "summary.json")))
binary_mtime = int(os.path.getmtime(binary))
last_src_commit = int(git("log", "-1", "--format=%ct", "--", "src") or 0)
results = {
    "machine": {"nproc": nproc, "mem_total_kb": int(first_line("/proc/meminfo", "MemTotal").split()[0]),
                "cpu_model": first_line("/proc/cpuinfo", "model name"), "kernel": platform.release()},
    "head": git("rev-parse", "HEAD"),
    "binary": {"path": binary, "mtime": binary_mtime,
               # True when src/ was committed after the binary was built: the binary may be older.
               "src_committed_after_build": last_src_commit > binary_mtime},
    "scale": float(scale), "seed": int(seed), "wrk_repeat": int(repeat),
    "wrk_threads": int(wrk_threads), "registry": summary["counts"], "runs": [], "medians": {}}
fields = {"import": ["seconds", "rows"], "single": ["median_ms", "server_cpu_ms", "db_cpu_ms"],
          "rss": ["kb"],
          "wrk": ["requests_per_s", "p50_ms", "p99_ms", "requests", "socket_errors", "non_2xx",
                  "rss_kb", "peak_rss_kb", "server_cpu_s", "db_cpu_s", "duration_s", "drain_s",
                  "loadavg_1m"]}
for row in rows:
    backend, category, name, rep, *values = row
    results["runs"].append({"backend": backend, "category": category, "name": name,
                            "repeat": int(rep), **dict(zip(fields[category], values))})
order = ["sqlite", "postgres"]
backends = sorted({r[0] for r in rows}, key=order.index)
for backend in backends:
    mine = [r for r in results["runs"] if r["backend"] == backend]
    medians = {"import": {}, "single": {}, "wrk": {}}
    for kind in ["migrate", "agencies", "vendors", "systems", "contracts"]:
        runs = [r for r in mine if r["category"] == "import" and r["name"] == kind]
        if runs:
            seconds = median(r["seconds"] for r in runs)
            count = int(runs[0]["rows"])
            medians["import"][kind] = {"seconds": seconds, "rows": count, "runs": len(runs),
                                       "rows_per_s": count / seconds if count and seconds else None}
    for r in mine:
        if r["category"] == "single":
            medians["single"][r["name"]] = {k: float(r[k]) for k in fields["single"]}
        if r["category"] == "rss":
            medians["rss_idle_kb"] = int(r["kb"])
    for name in sorted({r["name"] for r in mine if r["category"] == "wrk"}):
        runs = [r for r in mine if r["category"] == "wrk" and r["name"] == name]
        busy = [(float(r["server_cpu_s"]) + float(r["db_cpu_s"])) / float(r["duration_s"]) / nproc
                for r in runs]
        medians["wrk"][name] = {
            "requests_per_s": median(r["requests_per_s"] for r in runs),
            "p50_ms": median(r["p50_ms"] for r in runs), "p99_ms": median(r["p99_ms"] for r in runs),
            "requests": sum(int(r["requests"]) for r in runs),
            "socket_errors": sum(int(r["socket_errors"]) for r in runs),
            "non_2xx": sum(int(r["non_2xx"]) for r in runs),
            "rss_kb": max(int(r["rss_kb"]) for r in runs),
            "peak_rss_kb": max(int(r["peak_rss_kb"]) for r in runs),
            "cpu_busy_share": statistics.median(busy),
            "drain_s": [r["drain_s"] for r in runs],
            "loadavg_1m": [float(r["loadavg_1m"]) for r in runs],
            "duration_s": float(runs[0]["duration_s"]), "runs": len(runs)}
    results["medians"][backend] = medians
json.dump(results, open(os.path.join(out, "results.json"), "w"), indent=1, ensure_ascii=False)

def fmt(value, digits=1):
    return "–" if value is None else f"{value:,.{digits}f}"

counts = summary["counts"]
lines = [f"SupplyGuard benchmark: scale {scale} ({counts['agencies']:,} agencies, "
         f"{counts['vendors']:,} vendors, {counts['systems']:,} systems, {counts['contracts']:,} "
         f"contracts), {nproc} cores, {results['machine']['cpu_model']}, HEAD "
         f"{results['head'][:10]}"
         f"{' (src/ committed after the binary was built)' if results['binary']['src_committed_after_build'] else ''}",
         "", "| Import (wall s, rows/s) | " + " | ".join(backends) + " |",
         "|---|" + "---|" * len(backends)]
for kind in ["migrate", "agencies", "vendors", "systems", "contracts"]:
    cells = []
    for backend in backends:
        item = results["medians"][backend]["import"].get(kind)
        cells.append("–" if not item else f"{fmt(item['seconds'], 2)} s" + (
            f", {fmt(item['rows_per_s'], 0)} rows/s" if item["rows_per_s"] else ""))
    lines.append(f"| {kind} | " + " | ".join(cells) + " |")
labels = {"list": "list `GET /contracts?page=3&per_page=50&sort=-amount`",
          "detail": "detail `GET /systems/{id}`",
          "concentration": "`GET /reports/concentration`"}
lines += ["", "| Single request, sequential | " + " | ".join(
    f"{b}: median of 21 ms | {b}: CPU ms/request (server + db)" for b in backends) + " |",
          "|---|" + "---|---|" * len(backends)]
labels.update({f"{k}-uncached": f"{v}, read cache off" for k, v in list(labels.items())})
for name in ["detail", "list", "concentration", "detail-uncached", "list-uncached",
             "concentration-uncached"]:
    cells = []
    for b in backends:
        item = results["medians"][b]["single"].get(name)
        cells += ["–", "–"] if not item else [
            fmt(item["median_ms"], 2), f"{fmt(item['server_cpu_ms'], 1)} + {fmt(item['db_cpu_ms'], 1)}"]
    lines.append(f"| {labels[name]} | " + " | ".join(cells) + " |")
lines += ["", "| Endpoint | Back-end | Conn. | Requests/s | p50 ms | p99 ms | Requests | "
          "Errors, non-2xx | CPU busy | RSS after / peak MiB | Drain s |",
          "|---|---|---|---|---|---|---|---|---|---|---|"]
for name in ["detail", "list", "concentration"]:
    for backend in backends:
        for key, item in sorted(results["medians"][backend]["wrk"].items(),
                                key=lambda kv: int(kv[0].split("-c")[1])):
            endpoint, connections = key.split("-c")
            if endpoint != name:
                continue
            # wrk counts only requests completed within the run: when a run completes fewer
            # requests than it has connections, its latencies are a lower bound (*).
            bound = "*" if item["requests"] < int(connections) * item["runs"] else ""
            if item["requests"]:
                p50, p99 = f"{fmt(item['p50_ms'], 1)}{bound}", f"{fmt(item['p99_ms'], 1)}{bound}"
            else:  # nothing completed within the run
                p50 = p99 = f"> {item['duration_s'] * 1000:,.0f}*"
            lines.append(
                f"| {labels[name]} | {backend} | {connections} | {fmt(item['requests_per_s'])} | "
                f"{p50} | {p99} | "
                f"{item['requests']:,} | {item['socket_errors']}, {item['non_2xx']} | "
                f"{item['cpu_busy_share'] * 100:.0f}% | "
                f"{fmt(item['rss_kb'] / 1024)} / {fmt(item['peak_rss_kb'] / 1024)} | "
                f"{', '.join(d if d == 'restart' else f'{float(d):.1f}' for d in item['drain_s'])} |")
lines += ["", "Server RSS idle after warm-up (MiB): " + ", ".join(
    f"{b} {fmt(results['medians'][b].get('rss_idle_kb', 0) / 1024)}" for b in backends), "",
          "Medians of the runs (Requests: all runs). * = fewer requests completed than connections "
          "were open: the latencies are a lower bound (wrk counts only completed requests). CPU "
          "busy: CPU time of the server and PostgreSQL during the run, as a share of all cores. "
          "Drain: seconds the server needed after the run to finish requests of clients that had "
          "gone (restart = more than the drain timeout; the server was restarted)."]
table = "\n".join(lines) + "\n"
open(os.path.join(out, "results.md"), "w").write(table)
print(table)
EOF
log "results: $OUT/results.json, $OUT/results.md"
