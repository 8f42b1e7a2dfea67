#!/usr/bin/env bash
# Command 2 of the README: the whole test suite. Installs what is missing, then:
#   formatting, -Werror build, unit + storage contract tests (SQLite and a throwaway PostgreSQL 15),
#   HTTP black-box tests against the real binary on both databases, web lint/type check/build,
#   the browser test in headless Chromium, the unit tests again under ASan + UBSan, and the
#   parsers' libFuzzer harnesses for 30 s each (scripts/fuzz.sh).
# Ends with one line "N passed, N failed" over every test that ran.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
LOGS=${SG_TEST_LOGS:-$ROOT/build/test-logs}
mkdir -p "$LOGS"
PASSED=0
FAILED=0
FAILED_STAGES=()
START=$(date +%s)

stage() { printf '\n== %s (%ss)\n' "$1" "$(( $(date +%s) - START ))"; }
fail_stage() { FAILED_STAGES+=("$1"); echo "!! stage failed: $1"; }
count() {  # count PASSED FAILED from numbers a runner printed
  PASSED=$((PASSED + ${1:-0})); FAILED=$((FAILED + ${2:-0}))
}

stage "setup"
scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

PG_DIR=$(mktemp -d /tmp/sg-pg.XXXXXX)
rmdir "$PG_DIR"
cleanup() { scripts/pg-throwaway.sh stop "$PG_DIR" >/dev/null 2>&1 || true; }
trap cleanup EXIT

stage "format (clang-format)"
if git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror 2>"$LOGS/format.log"; then
  count 1 0
else
  head -20 "$LOGS/format.log"; count 0 1; fail_stage format
fi

stage "build (-Wall -Wextra -Werror)"
cmake -S . -B build/ci-debug -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSG_WERROR=ON >"$LOGS/cmake.log" 2>&1 \
  && ninja -C build/ci-debug >"$LOGS/build.log" 2>&1
if [ $? -ne 0 ]; then
  grep -E "error|FAILED" "$LOGS/build.log" | head -40
  echo "0 passed, 1 failed"; exit 1
fi

stage "PostgreSQL 15 throwaway cluster"
if PG_URL=$(scripts/pg-throwaway.sh start "$PG_DIR" 2>"$LOGS/pg.log"); then
  export SG_TEST_POSTGRES_URL="$PG_URL"
  echo "started at ${PG_URL%%:*}://…@${PG_URL##*@}"
else
  cat "$LOGS/pg.log"; count 0 1; fail_stage postgres
fi

run_ctest() {  # $1 build dir, $2 label
  (cd "$1" && ctest --output-on-failure -j2 >"$LOGS/ctest-$2.log" 2>&1)
  local status=$?
  local line total failed
  line=$(grep -E "tests passed, [0-9]+ tests failed out of [0-9]+" "$LOGS/ctest-$2.log" | tail -1)
  total=$(echo "$line" | sed -E 's/.*out of ([0-9]+).*/\1/')
  failed=$(echo "$line" | sed -E 's/.*, ([0-9]+) tests failed.*/\1/')
  echo "${line:-ctest printed no summary}"
  if [ -n "$total" ]; then count $((total - failed)) "$failed"; fi
  if [ $status -ne 0 ]; then
    grep -E "\(Failed\)|\(SEGFAULT\)|\(Subprocess aborted\)|\(Timeout\)" "$LOGS/ctest-$2.log" | head -20
    [ -z "$total" ] && count 0 1
    fail_stage "ctest $2"
  fi
}

stage "unit and storage contract tests"
run_ctest build/ci-debug debug

stage "HTTP black-box tests (SQLite and PostgreSQL)"
SG_BINARY="$ROOT/build/ci-debug/src/cli/supplyguard" /usr/bin/python3 -m pytest tests/http -q \
  -p no:cacheprovider >"$LOGS/http.log" 2>&1
status=$?
tail -1 "$LOGS/http.log"
p=$(tail -1 "$LOGS/http.log" | grep -oE "[0-9]+ passed" | grep -oE "[0-9]+")
f=$(tail -1 "$LOGS/http.log" | grep -oE "[0-9]+ (failed|error)" | grep -oE "[0-9]+" | awk "{s+=\$1} END {print s+0}")
count "${p:-0}" "${f:-0}"
if [ $status -ne 0 ]; then grep -E "^(FAILED|ERROR)" "$LOGS/http.log" | head -30; [ -z "$p$f" ] && count 0 1; fail_stage http; fi

stage "web: type check, lint, build"
for script in check lint build; do
  if (cd web && npm run --silent "$script") >"$LOGS/web-$script.log" 2>&1; then
    count 1 0
  else
    tail -30 "$LOGS/web-$script.log"; count 0 1; fail_stage "web $script"
  fi
done

stage "browser test (headless Chromium)"
BROWSER_DIR=$(mktemp -d /tmp/sg-browser.XXXXXX)
BIN="$ROOT/build/ci-debug/src/cli/supplyguard"
DB="sqlite:$BROWSER_DIR/sg.db"
BROWSER_PASSWORD='Browser-Test-2026!'
"$BIN" migrate --db "$DB" >/dev/null
# The SBOM spec matches an uploaded SBOM against the public Go vulnerability database.
"$BIN" advisories import "$ROOT/../shared/reference/sbom-data/osv-golang-vulndb/data/osv" --db "$DB" \
  >"$LOGS/browser-advisories.log" 2>&1 || echo "!! advisories import for the browser test failed"
echo "$BROWSER_PASSWORD" | "$BIN" user add --db "$DB" --email e2e-user@test.gov.tw --role authority --password-stdin >/dev/null
# The registry tests run under the asvs profile (no MFA); the MFA test on a second server with
# the default tw-high profile, whose accounts must enrol at their first sign-in.
SG_QUIET=1 "$BIN" serve --db "$DB" --listen 127.0.0.1:0 --web-root web/dist --password-profile asvs \
  >"$BROWSER_DIR/serve.log" 2>&1 &
SERVER_PID=$!
MFA_DB="sqlite:$BROWSER_DIR/mfa.db"
"$BIN" migrate --db "$MFA_DB" >/dev/null
echo "$BROWSER_PASSWORD" | "$BIN" user add --db "$MFA_DB" --email e2e-mfa@test.gov.tw --role authority --password-stdin >/dev/null
SG_QUIET=1 "$BIN" serve --db "$MFA_DB" --listen 127.0.0.1:0 --web-root web/dist \
  >"$BROWSER_DIR/serve-mfa.log" 2>&1 &
MFA_SERVER_PID=$!
for _ in $(seq 1 100); do
  grep -qs "listening on" "$BROWSER_DIR/serve.log" && grep -qs "listening on" "$BROWSER_DIR/serve-mfa.log" && break
  sleep 0.1
done
BASE_URL=$(grep -oE "http://127.0.0.1:[0-9]+" "$BROWSER_DIR/serve.log" | head -1)
MFA_BASE_URL=$(grep -oE "http://127.0.0.1:[0-9]+" "$BROWSER_DIR/serve-mfa.log" | head -1)
(cd web && SG_BASE_URL="$BASE_URL" SG_EMAIL=e2e-user@test.gov.tw SG_PASSWORD="$BROWSER_PASSWORD" \
  SG_MFA_BASE_URL="$MFA_BASE_URL" SG_MFA_EMAIL=e2e-mfa@test.gov.tw SG_MFA_PASSWORD="$BROWSER_PASSWORD" \
  npm run --silent test:browser) >"$LOGS/browser.log" 2>&1
status=$?
kill -TERM $SERVER_PID $MFA_SERVER_PID; wait $SERVER_PID $MFA_SERVER_PID 2>/dev/null
p=$(grep -E "^# pass [0-9]+" "$LOGS/browser.log" | grep -oE "[0-9]+" | tail -1)
f=$(grep -E "^# fail [0-9]+" "$LOGS/browser.log" | grep -oE "[0-9]+" | tail -1)
echo "browser: ${p:-0} passed, ${f:-0} failed"
count "${p:-0}" "${f:-0}"
if [ $status -ne 0 ]; then tail -40 "$LOGS/browser.log"; [ -z "$p$f" ] && count 0 1; fail_stage browser; fi
rm -rf "$BROWSER_DIR"

stage "unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build/ci-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSG_SANITIZE=ON -DCMAKE_CXX_FLAGS=-O1 \
  >"$LOGS/cmake-asan.log" 2>&1 && ninja -C build/ci-asan >"$LOGS/build-asan.log" 2>&1
if [ $? -ne 0 ]; then
  grep -E "error|FAILED" "$LOGS/build-asan.log" | head -20; count 0 1; fail_stage "asan build"
else
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 run_ctest build/ci-asan asan
fi

stage "fuzzing (libFuzzer with clang 16, 30 s per target)"
if scripts/fuzz.sh 30 >"$LOGS/fuzz.log" 2>&1; then :; else fail_stage fuzz; fi
tail -9 "$LOGS/fuzz.log"
p=$(tail -1 "$LOGS/fuzz.log" | grep -oE "^[0-9]+ passed" | grep -oE "[0-9]+")
f=$(tail -1 "$LOGS/fuzz.log" | grep -oE "[0-9]+ failed" | grep -oE "[0-9]+")
count "${p:-0}" "${f:-1}"

stage "engine benchmarks build and run (Release, 1% national scale; figures not judged here)"
if SG_BENCH_OUT="$LOGS/engine-bench" SG_BENCH_BUILD="$ROOT/build/ci-bench" SG_BENCH_REPETITIONS=1 \
  bench/run_engine_benchmarks.sh --quick >"$LOGS/engine-bench.log" 2>&1; then
  tail -4 "$LOGS/engine-bench.log"; count 1 0
else
  tail -20 "$LOGS/engine-bench.log"; count 0 1; fail_stage "engine benchmarks"
fi

stage "done"
if [ ${#FAILED_STAGES[@]} -gt 0 ]; then
  echo "failed stages: ${FAILED_STAGES[*]} (logs in $LOGS)"
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] && [ ${#FAILED_STAGES[@]} -eq 0 ]
