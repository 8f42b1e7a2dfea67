#!/usr/bin/env bash
# Fuzzes every harness of fuzz/ with libFuzzer (clang 16, ASan + UBSan) for a while.
#   scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 60)
# Builds build/fuzz, writes each target's seed corpus from the public fixtures afresh into
# build/fuzz/corpus/<target> (where the run then adds what it finds: a grown corpus would spend a
# short run reloading itself), replays fuzz/regressions/<target>/, then fuzzes two targets at a
# time. Crash, timeout, leak and
# out-of-memory inputs land in build/fuzz/artifacts/<target>/ (emptied when the target starts) and
# its log in build/fuzz/logs/.
# Ends with "N passed, N failed"; exits non-zero when a target failed.
# A crash found here: copy the artifact to fuzz/regressions/<target>/ (the replay tests of the
# normal build then run it) and fix the code.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
ROOT=$(pwd)
SECONDS_PER_TARGET=${1:-60}
BUILD=$ROOT/build/fuzz
JOBS=2
CXX_FUZZ=${SG_FUZZ_CXX:-clang++-16}

# target:max_len (bytes). SBOMs and OSV records need room; purls and versions are short.
TARGETS=(
  cyclonedx_json:65536 cyclonedx_xml:65536 spdx_json:65536 spdx_tag_value:32768
  osv:32768 purl:1024 version:256
)

if ! [[ $SECONDS_PER_TARGET =~ ^[0-9]+$ ]] || [ "$SECONDS_PER_TARGET" -lt 1 ]; then
  echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET]" >&2; exit 2
fi
if ! command -v "$CXX_FUZZ" >/dev/null; then
  echo "fuzz: $CXX_FUZZ not found (scripts/setup.sh installs clang-16 and libclang-rt-16-dev)" >&2
  exit 2
fi
mkdir -p "$BUILD/logs"
START=$(date +%s)
elapsed() { echo $(( $(date +%s) - START )); }

echo "== build (clang 16, -O1 -g, ASan + UBSan + libFuzzer) into build/fuzz"
names=()
for entry in "${TARGETS[@]}"; do names+=("${entry%%:*}_fuzz"); done
if ! { CXX=$CXX_FUZZ nice cmake -S . -B "$BUILD" -G Ninja -DSG_FUZZ=ON -DSG_BUILD_TESTS=OFF \
         -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
         >"$BUILD/logs/cmake.log" 2>&1 &&
       nice ninja -C "$BUILD" -j "$JOBS" "${names[@]}" >"$BUILD/logs/build.log" 2>&1; }; then
  tail -30 "$BUILD/logs/cmake.log" "$BUILD/logs/build.log" 2>/dev/null | grep -E "error|Error|FAILED" -A3 | head -40
  echo "fuzz: build failed (logs in build/fuzz/logs)"
  echo "0 passed, ${#TARGETS[@]} failed"
  exit 1
fi
echo "built in $(elapsed)s"

echo "== seed corpora from the fixtures into build/fuzz/corpus"
for entry in "${TARGETS[@]}"; do
  target=${entry%%:*}
  rm -rf "$BUILD/corpus/$target"
  if ! python3 fuzz/seeds.py "$target" "$BUILD/corpus/$target" --max-bytes "${entry##*:}"; then
    echo "fuzz: no seeds for $target" >&2; exit 1
  fi
done
echo "seeded at $(elapsed)s"

# The symbolizer that matches clang 16 when installed, else any (for readable stack traces).
for symbolizer in /usr/lib/llvm-16/bin/llvm-symbolizer "$(command -v llvm-symbolizer || true)"; do
  if [ -x "$symbolizer" ]; then export ASAN_SYMBOLIZER_PATH=$symbolizer; break; fi
done
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Fuzzes one target; its result goes to build/fuzz/logs/<target>.result as one summary line.
fuzz_one() {
  local target=${1%%:*} max_len=${1##*:}
  local log=$BUILD/logs/$target.log artifacts=$BUILD/artifacts/$target
  rm -rf "$artifacts"; mkdir -p "$artifacts"
  local began
  began=$(date +%s)
  nice "$BUILD/fuzz/${target}_fuzz" "$BUILD/corpus/$target" "$ROOT/fuzz/regressions/$target" \
    -max_total_time="$SECONDS_PER_TARGET" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1
  local status=$? took=$(( $(date +%s) - began ))
  local runs cov corpus
  runs=$(grep -oE "stat::number_of_executed_units: *[0-9]+" "$log" | grep -oE "[0-9]+$")
  cov=$(grep -oE "cov: [0-9]+" "$log" | tail -1 | grep -oE "[0-9]+")
  corpus=$(find "$BUILD/corpus/$target" -type f | wc -l)
  if [ $status -eq 0 ]; then
    printf 'PASS %-15s %ss, %s runs, coverage %s, corpus %s\n' "$target" "$took" "${runs:-?}" \
      "${cov:-?}" "$corpus" >"$BUILD/logs/$target.result"
  else
    local what
    what=$(grep -m1 -oE "ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer): [a-zA-Z -]+|runtime error: .*|fuzz: property violated: .*" "$log")
    printf 'FAIL %-15s %ss, exit %s: %s; input in %s; log %s\n' "$target" "$took" "$status" \
      "${what:-see log}" "$(find "build/fuzz/artifacts/$target" -type f | head -1)" \
      "build/fuzz/logs/$target.log" >"$BUILD/logs/$target.result"
  fi
}

echo "== fuzzing ${#TARGETS[@]} targets, ${SECONDS_PER_TARGET}s each, $JOBS at a time"
rm -f "$BUILD"/logs/*.result
running=0
for entry in "${TARGETS[@]}"; do
  fuzz_one "$entry" &
  running=$((running + 1))
  if [ $running -ge $JOBS ]; then wait -n; running=$((running - 1)); fi
done
wait

passed=0
failed=0
for entry in "${TARGETS[@]}"; do
  result=$BUILD/logs/${entry%%:*}.result
  if [ -f "$result" ]; then cat "$result"; else echo "FAIL ${entry%%:*}: no result"; fi
  if grep -qs "^PASS" "$result"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "finished in $(elapsed)s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
