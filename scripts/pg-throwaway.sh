#!/usr/bin/env bash
# Runs a throwaway PostgreSQL 15 cluster for tests.
#
#   scripts/pg-throwaway.sh start DIR   create a cluster in DIR, start it, print its URI on stdout
#   scripts/pg-throwaway.sh uri DIR     print the URI of the cluster in DIR again
#   scripts/pg-throwaway.sh stop DIR    stop the cluster in DIR and remove DIR
#
# The cluster listens only on a unix socket in DIR and on 127.0.0.1 at the first free port from
# 55432 upward. Local (socket) connections are trusted; TCP connections need the password of the
# role `supplyguard`, which owns the database `supplyguard_test`. fsync is off: the data is
# disposable. Logs go to stderr and to DIR/server.log; stdout carries only the URI, e.g.
#
#   export SG_TEST_POSTGRES_URL="$(scripts/pg-throwaway.sh start /tmp/sg-pg)"
#   ...
#   scripts/pg-throwaway.sh stop /tmp/sg-pg
#
# Works as root (initdb and the server then run as the `postgres` OS user) or as any other user.
# Installs postgresql-15 with apt-get when it is missing. Never uses or starts the Debian default
# cluster.
set -euo pipefail

readonly PG_BIN=/usr/lib/postgresql/15/bin
readonly FIRST_PORT=55432
readonly LAST_PORT=55531
readonly ROLE=supplyguard
readonly DATABASE=supplyguard_test
readonly MARKER=.pg-throwaway
readonly READY_TIMEOUT_S=30

log() { echo "pg-throwaway: $*" >&2; }
die() {
  log "error: $*"
  exit 1
}

usage() {
  echo "usage: $0 start DIR | uri DIR | stop DIR" >&2
  exit 2
}

# Runs a command as the OS user that owns the cluster: `postgres` when we are root, else ourselves.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# Keeps the caller's libpq settings from leaking into psql, pg_isready and pg_ctl.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGPASSWORD PGPASSFILE PGSERVICE PGSERVICEFILE \
  PGOPTIONS PGSSLMODE PGDATA PGTZ 2>/dev/null || true

install_postgres() {
  [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] && return 0
  log "PostgreSQL 15 is not installed; installing postgresql-15 with apt-get"
  [ "$(id -u)" -eq 0 ] || die "installing postgresql-15 needs root; run: sudo apt-get install -y postgresql-15"
  command -v apt-get >/dev/null || die "apt-get not found; install PostgreSQL 15 so that $PG_BIN exists"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || die "apt-get update failed"
  apt-get install -y -qq postgresql-15 >&2 || die "apt-get install postgresql-15 failed"
  [ -x "$PG_BIN/initdb" ] || die "postgresql-15 installed but $PG_BIN/initdb is missing"
  # The package creates and may start the Debian default cluster; these tests never use it.
  if command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster 15 main stop >/dev/null 2>&1 || true
  fi
}

# True when something on this machine listens on TCP port $1 (IPv4 or IPv6).
port_in_use() {
  local port=$1
  if command -v ss >/dev/null; then
    [ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]
  else
    # /proc/net/tcp*: field 2 is ADDRESS:PORT in hex, field 4 the state (0A = LISTEN).
    awk -v suffix="$(printf ':%04X' "$port")" \
      '$4 == "0A" && substr($2, length($2) - 4) == suffix {found = 1} END {exit !found}' \
      /proc/net/tcp /proc/net/tcp6 2>/dev/null
  fi
}

random_password() {
  # Hex only, so it needs no escaping in a URI or in SQL.
  od -An -N16 -tx1 /dev/urandom | tr -d ' \n'
}

# State of a `start` in progress, for cleanup_failed_start.
START_DIR=""
CREATED_DIR=0
STARTED=0

# EXIT trap of `start`: on failure, stops the server if it runs and removes what start made.
cleanup_failed_start() {
  local status=$?
  [ "$status" -ne 0 ] && [ -n "$START_DIR" ] || return 0
  if [ "$STARTED" -eq 1 ]; then
    as_owner "$PG_BIN/pg_ctl" stop -D "$START_DIR/data" -m immediate -s >/dev/null 2>&1 || true
  fi
  if [ -s "$START_DIR/server.log" ]; then
    log "last lines of $START_DIR/server.log:"
    tail -n 20 "$START_DIR/server.log" >&2 || true
  fi
  local made
  for made in data server.log initdb.log uri port "$MARKER"; do
    rm -rf "${START_DIR:?}/$made"
  done
  [ "$CREATED_DIR" -eq 0 ] || rmdir "$START_DIR" 2>/dev/null || true
  exit "$status"
}

cmd_start() {
  local dir=$1
  install_postgres
  command -v runuser >/dev/null || [ "$(id -u)" -ne 0 ] || die "runuser not found (package util-linux)"

  if [ -e "$dir" ] && [ ! -d "$dir" ]; then
    die "$dir exists and is not a directory"
  fi
  if [ -d "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
    die "$dir exists and is not empty; stop the old cluster with '$0 stop $dir' or pick another DIR"
  fi
  local created_dir=0
  if [ ! -e "$dir" ]; then
    mkdir -p "$dir" || die "cannot create $dir"
    created_dir=1
  fi
  dir=$(cd "$dir" && pwd -P)
  touch "$dir/$MARKER"

  # The server's socket path is DIR/.s.PGSQL.PORT and must fit in sockaddr_un (107 bytes).
  if [ $((${#dir} + 17)) -gt 107 ]; then
    rm -f "$dir/$MARKER"
    [ "$created_dir" -eq 0 ] || rmdir "$dir"
    die "$dir is too long for a unix socket path; use a shorter DIR (e.g. under /tmp)"
  fi

  # Only the cluster's owner may reach its socket, where connections are trusted.
  chmod 700 "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$dir"
    if ! runuser -u postgres -- test -w "$dir"; then
      rm -f "$dir/$MARKER"
      [ "$created_dir" -eq 0 ] || rmdir "$dir"
      die "the postgres OS user cannot reach $dir (a parent directory is not searchable); use a DIR under /tmp"
    fi
  fi

  # From here on, a failure removes the half-made cluster.
  START_DIR=$dir
  CREATED_DIR=$created_dir
  trap cleanup_failed_start EXIT

  log "initialising a cluster in $dir/data"
  if ! as_owner "$PG_BIN/initdb" --pgdata="$dir/data" --username=postgres --encoding=UTF8 \
    --no-locale --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    die "initdb failed"
  fi
  rm -f "$dir/initdb.log"

  as_owner tee -a "$dir/data/postgresql.conf" >/dev/null <<EOF

# pg-throwaway: disposable test cluster
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
password_encryption = scram-sha-256
logging_collector = off
EOF
  # Trust only the unix socket; TCP on loopback needs the password; nothing else may connect.
  as_owner tee "$dir/data/pg_hba.conf" >/dev/null <<'EOF'
# TYPE  DATABASE  USER  ADDRESS       METHOD
local   all       all                 trust
host    all       all   127.0.0.1/32  scram-sha-256
EOF
  # The log file lives in DIR, which the owner can write; create it with the right owner.
  as_owner touch "$dir/server.log"

  local port=""
  local candidate
  for ((candidate = FIRST_PORT; candidate <= LAST_PORT; candidate++)); do
    port_in_use "$candidate" && continue
    as_owner truncate -s 0 "$dir/server.log"
    # Another process may take the port between the check and the bind: then try the next one.
    if as_owner "$PG_BIN/pg_ctl" start -D "$dir/data" -l "$dir/server.log" -w -t "$READY_TIMEOUT_S" \
      -s -o "-p $candidate" >/dev/null 2>&1; then
      port=$candidate
      STARTED=1
      break
    fi
    if grep -q -E 'could not (bind|create any TCP/IP)|Address already in use' "$dir/server.log"; then
      log "port $candidate was taken meanwhile; trying the next one"
      as_owner "$PG_BIN/pg_ctl" stop -D "$dir/data" -m immediate -s >/dev/null 2>&1 || true
      continue
    fi
    die "the server did not start (see $dir/server.log)"
  done
  [ -n "$port" ] || die "no free port between $FIRST_PORT and $LAST_PORT"
  # The port must survive restarts with pg_ctl: keep it in the configuration too.
  echo "port = $port" | as_owner tee -a "$dir/data/postgresql.conf" >/dev/null

  local waited=0
  until "$PG_BIN/pg_isready" -q -h "$dir" -p "$port" -U postgres -d postgres; do
    waited=$((waited + 1))
    [ "$waited" -le $((READY_TIMEOUT_S * 10)) ] || die "the server is not ready after ${READY_TIMEOUT_S}s"
    sleep 0.1
  done
  until "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres; do
    waited=$((waited + 1))
    [ "$waited" -le $((READY_TIMEOUT_S * 10)) ] || die "the server does not answer on 127.0.0.1:$port"
    sleep 0.1
  done

  local password
  password=$(random_password)
  # The password goes through stdin, never through the command line that `ps` shows.
  if ! as_owner "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres \
    -d postgres >/dev/null <<EOF; then
CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$password';
CREATE DATABASE $DATABASE OWNER $ROLE ENCODING 'UTF8' TEMPLATE template0;
EOF
    die "creating the role $ROLE and the database $DATABASE failed"
  fi

  # Checks the password over TCP, as the tests will connect (PGPASSWORD keeps it out of `ps`).
  if ! PGPASSWORD=$password PGCONNECT_TIMEOUT=10 "$PG_BIN/psql" -X -q -At -h 127.0.0.1 -p "$port" \
    -U "$ROLE" -d "$DATABASE" -c 'SELECT 1' >/dev/null; then
    die "cannot connect to $DATABASE as $ROLE over TCP"
  fi
  local uri="postgresql://$ROLE:$password@127.0.0.1:$port/$DATABASE"
  (umask 077 && echo "$uri" >"$dir/uri" && echo "$port" >"$dir/port")
  trap - EXIT
  log "PostgreSQL $("$PG_BIN/postgres" -V | awk '{print $3}') is ready on 127.0.0.1:$port and $dir (stop: $0 stop $dir)"
  echo "$uri"
}

cmd_uri() {
  local dir=$1
  [ -f "$dir/uri" ] || die "no throwaway cluster in $dir"
  cat "$dir/uri"
}

cmd_stop() {
  local dir=$1
  if [ ! -e "$dir" ]; then
    log "$dir does not exist; nothing to stop"
    return 0
  fi
  [ -f "$dir/$MARKER" ] || die "$dir was not made by $0 start; refusing to remove it"
  dir=$(cd "$dir" && pwd -P)
  if [ -f "$dir/data/postmaster.pid" ]; then
    log "stopping the cluster in $dir"
    if ! as_owner "$PG_BIN/pg_ctl" stop -D "$dir/data" -m fast -w -t 30 -s >/dev/null 2>&1; then
      log "fast shutdown failed; stopping immediately"
      as_owner "$PG_BIN/pg_ctl" stop -D "$dir/data" -m immediate -w -t 30 -s >/dev/null 2>&1 ||
        die "cannot stop the server of $dir/data (postmaster.pid: $(head -n 1 "$dir/data/postmaster.pid"))"
    fi
  fi
  rm -rf "${dir:?}"
  log "removed $dir"
}

[ $# -eq 2 ] || usage
[ -n "$2" ] || usage
case "$1" in
  start) cmd_start "$2" ;;
  uri) cmd_uri "$2" ;;
  stop) cmd_stop "$2" ;;
  *) usage ;;
esac
