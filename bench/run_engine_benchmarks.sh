#!/usr/bin/env bash
# Benchmarks the matching engine (issue 4's performance section): SBOM ingest against a plain
# simdjson parse of the same bytes, and the inventory at national scale.
#
#   bench/run_engine_benchmarks.sh            national scale at full size (50,000 systems,
#                                             15,000,000 components, 250,000 advisories)
#   bench/run_engine_benchmarks.sh --quick    a 1% run of the national scale, fewer repetitions
#
# Configures a Release build in build-bench (SG_BUILD_BENCH=ON, tests off), builds only the two
# benchmark targets, runs them niced, and writes to $SG_BENCH_OUT (default /tmp/sg-engine-bench):
#   ingest.txt, ingest.json     sbom_ingest_bench's console output (its Markdown summary at the
#                               end) and Google Benchmark's JSON
#   national.txt                national_scale_bench's report (its Markdown table at the end)
#   summary.md                  the two tables and the commands that produced them
#
# Settings (environment):
#   SG_BENCH_OUT          results folder (default /tmp/sg-engine-bench)
#   SG_BENCH_BUILD        build folder (default build-bench in the repository)
#   SG_BENCH_JOBS         parallel build jobs (default 2)
#   SG_BENCH_SEED         generator seed (default 2026)
#   SG_BENCH_REPETITIONS  ingest repetitions per benchmark (default 9; 3 with --quick)
#   SG_BENCH_NATIONAL_ARGS  extra flags for national_scale_bench (e.g. "--systems 20000")
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
readonly ROOT
OUT=${SG_BENCH_OUT:-/tmp/sg-engine-bench}
BUILD=${SG_BENCH_BUILD:-$ROOT/build-bench}
JOBS=${SG_BENCH_JOBS:-2}
SEED=${SG_BENCH_SEED:-2026}
QUICK=""

log() { echo "engine-bench: $*" >&2; }
die() {
  log "error: $*"
  exit 1
}

for argument in "$@"; do
  case "$argument" in
    --quick) QUICK=1 ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *) die "unknown argument '$argument' (--quick or nothing)" ;;
  esac
done
if [ -n "$QUICK" ]; then
  REPETITIONS=${SG_BENCH_REPETITIONS:-3}
  NATIONAL_SCALE=(--quick)
else
  REPETITIONS=${SG_BENCH_REPETITIONS:-9}
  NATIONAL_SCALE=(--systems 50000 --components 15000000 --advisories 250000 --agencies 3000)
fi
# shellcheck disable=SC2206 # word splitting of the extra flags is the point
NATIONAL_ARGS=("${NATIONAL_SCALE[@]}" --seed "$SEED" ${SG_BENCH_NATIONAL_ARGS:-})

for tool in cmake ninja nice; do
  command -v "$tool" >/dev/null || die "$tool is missing"
done
mkdir -p "$OUT"

log "configuring $BUILD (Release, SG_BUILD_BENCH=ON)"
nice cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSG_BUILD_BENCH=ON \
  -DSG_BUILD_TESTS=OFF >"$OUT/configure.log" || die "configure failed: see $OUT/configure.log"
log "building sbom_ingest_bench and national_scale_bench (-j$JOBS)"
nice ninja -C "$BUILD" -j"$JOBS" sbom_ingest_bench national_scale_bench >"$OUT/build.log" ||
  die "build failed: see $OUT/build.log"

INGEST=(nice "$BUILD/bench/sbom_ingest_bench" --benchmark_repetitions="$REPETITIONS"
  --benchmark_report_aggregates_only=true --benchmark_out="$OUT/ingest.json"
  --benchmark_out_format=json --benchmark_color=false)
log "running ${INGEST[*]}"
"${INGEST[@]}" | tee "$OUT/ingest.txt"

NATIONAL=(nice "$BUILD/bench/national_scale_bench" "${NATIONAL_ARGS[@]}")
log "running ${NATIONAL[*]}"
"${NATIONAL[@]}" | tee "$OUT/national.txt"

{
  echo "# Engine benchmarks ($(date -u +%Y-%m-%dT%H:%MZ), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' + working tree'))"
  echo
  echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo
  echo "Commands: \`${INGEST[*]}\` and \`${NATIONAL[*]}\`"
  echo
  sed -n '/^## SBOM ingest/,$p' "$OUT/ingest.txt"
  echo
  sed -n '/^| National scale/,$p' "$OUT/national.txt"
} >"$OUT/summary.md"
log "results in $OUT (summary.md)"
cat "$OUT/summary.md"
