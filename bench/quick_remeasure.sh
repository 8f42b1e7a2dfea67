#!/usr/bin/env bash
# Quick re-measure (national scale): import times, single-request medians of 21, and wrk at 64
# and 512 connections for 10 s (SG_QUICK_REPEAT runs each). Usage: bench/quick_remeasure.sh [REGISTRY_DIR]
# (generate one first: /usr/bin/python3 bench/generate_registry.py --out /tmp/sg-bench/registry).
# SQLite by default; SG_BENCH_DB=postgresql://… measures an existing, empty PostgreSQL database.
# SG_QUICK_CONNECTIONS (default "64 512"); SG_QUICK_SERVER_CPUS / SG_QUICK_WRK_CPUS pin the server
# and wrk to CPUs (taskset lists, e.g. 0 and 1) and SG_QUICK_WRK_THREADS sets wrk's threads, to
# tell the server's latency from the load generator's.
set -euo pipefail
B=/work/main/build-release/src/cli/supplyguard
R=${1:-/tmp/sg-bench/registry}  # a registry written by bench/generate_registry.py
D=$(mktemp -d); DB=${SG_BENCH_DB:-"sqlite:$D/sg.db"}
$B migrate --db "$DB" >/dev/null
for k in agencies vendors systems contracts; do
  s=$(date +%s.%N); $B import $k $R/$k.csv --db "$DB" | tail -1; e=$(date +%s.%N)
  echo "import $k: $(echo "$e - $s" | awk '{print $1 - $3}') s"
done
echo 'Bench-Passphrase-2026' | $B user add --db "$DB" --email quick@test.gov.tw --role authority --password-stdin >/dev/null
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
SG_QUIET=1 ${SG_QUICK_SERVER_CPUS:+taskset -c "$SG_QUICK_SERVER_CPUS"} $B serve --db "$DB" --password-profile asvs --listen 127.0.0.1:0 > $D/serve.log 2>&1 & PID=$!
trap 'kill -TERM $PID 2>/dev/null || true' EXIT  # also when a step fails (set -e)
for _ in $(seq 1 100); do grep -qs "listening on" $D/serve.log && break; sleep 0.1; done
URL=$(grep -oE "http://127.0.0.1:[0-9]+" $D/serve.log | head -1)
COOKIE=$(curl -s -i -X POST $URL/api/v1/session -d '{"email":"quick@test.gov.tw","password":"Bench-Passphrase-2026"}' | grep -i set-cookie | sed -E 's/.*(sg_session=[^;]+).*/\1/')
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]*1000 " ms"}'; }
SID=$(curl -s -H "Cookie: $COOKIE" "$URL/api/v1/systems?per_page=1&page=20000" | python3 -c 'import json,sys;print(json.load(sys.stdin)["items"][0]["id"])')
for name in "concentration:/api/v1/reports/concentration" "list:/api/v1/contracts?page=3&per_page=50&sort=-amount" "detail:/api/v1/systems/$SID"; do
  path=${name#*:}
  curl -s -o /dev/null -H "Cookie: $COOKIE" "$URL$path"
  echo "${name%%:*} single request, median of 21: $(for i in $(seq 21); do curl -s -o /dev/null -w '%{time_total}\n' -H "Cookie: $COOKIE" "$URL$path"; done | median)"
done
for c in ${SG_QUICK_CONNECTIONS:-64 512}; do
  for run in $(seq 1 "${SG_QUICK_REPEAT:-1}"); do
  for name in "list:/api/v1/contracts?page=3&per_page=50&sort=-amount" "detail:/api/v1/systems/$SID" "concentration:/api/v1/reports/concentration"; do
    curl -s "$URL/metrics" > $D/before.txt
    out=$(${SG_QUICK_WRK_CPUS:+taskset -c "$SG_QUICK_WRK_CPUS"} wrk -t"${SG_QUICK_WRK_THREADS:-2}" -c$c -d10s --latency -H "Cookie: $COOKIE" "$URL${name#*:}" 2>&1)
    curl -s "$URL/metrics" > $D/after.txt
    echo "wrk c=$c ${name%%:*}: $(echo "$out" | grep Requests/sec) p50 $(echo "$out" | awk '/ 50%/{print $2}') p99 $(echo "$out" | awk '/ 99%/{print $2}') $(echo "$out" | grep -E 'Non-2xx|Socket errors' | tr '\n' ' ')"
    echo "    $(/usr/bin/python3 "$(dirname "$0")/server_quantiles.py" $D/before.txt $D/after.txt)"
  done
  done
done
echo "server RSS: $(grep VmRSS /proc/$PID/status)"
kill -TERM $PID; wait $PID || true
rm -rf "$D"
