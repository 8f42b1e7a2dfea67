#!/usr/bin/env bash
# Command 1 of the README: installs what is missing, builds SupplyGuard (server and web UI) and
# runs it at http://127.0.0.1:8080 with an embedded SQLite database in ./data.
# Extra arguments go to `supplyguard serve` (e.g. --demo, --listen 127.0.0.1:9000).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

BUILD_DIR=${SG_BUILD_DIR:-build-release}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSG_BUILD_TESTS=OFF >/dev/null
ninja -C "$BUILD_DIR" supplyguard
(cd web && npm run --silent build)

mkdir -p data
chmod 700 data
exec "$BUILD_DIR/src/cli/supplyguard" serve --db "sqlite:data/supplyguard.db" \
  --listen 127.0.0.1:8080 --web-root web/dist "$@"
