#!/usr/bin/env bash
# Installs everything SupplyGuard needs to build, run and test on Debian 12.
# Idempotent: installs only what is missing. Run as root (or with sudo available).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev libpq-dev libsodium-dev libssl-dev libexpat1-dev libzip-dev
  libfmt-dev libspdlog-dev libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev
  libqrencode-dev libcurl4-openssl-dev libsimdjson-dev libyaml-cpp-dev zlib1g-dev
  clang-16 libclang-rt-16-dev llvm-16
  clang-format
  postgresql-15 postgresql-client-15
  python3 python3-pytest python3-openpyxl python3-aiosmtpd
  chromium wrk
)

need=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if ! command -v node >/dev/null 2>&1; then
  echo "setup: Node.js 20 is required (the machine's own node); it was not found" >&2
  exit 1
fi
if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  echo "setup: installing web dependencies (npm ci)"
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
fi
