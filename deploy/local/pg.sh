#!/usr/bin/env bash
# Private, embedded PostgreSQL 15 cluster for PhotoFlow development and tests.
#
# Usage: deploy/local/pg.sh start|stop|status|url|ca|destroy
#
#   start    initdb if needed, start the server (no-op if running), create the
#            role/database if missing, then print DATABASE_URL on stdout
#   stop     fast shutdown (exit 0 if it was not running)
#   status   exit 0 if running, 3 if not
#   url      print DATABASE_URL on stdout
#   ca       print the path of the server's TLS certificate (PHOTOFLOW_PG_SSL=1)
#   destroy  stop, then delete data dir, socket dir and log file
#
# Environment:
#   PHOTOFLOW_PGDATA    data directory        (default: <repo>/.local/pgdata)
#   PHOTOFLOW_PGPORT    TCP port on 127.0.0.1  (default: 55432)
#   PHOTOFLOW_PG_FAST=1 run with fsync/synchronous_commit/full_page_writes off
#                       (tests only: data may be lost on a crash)
#   PHOTOFLOW_PG_BIN    PostgreSQL bin dir     (default: /usr/lib/postgresql/15/bin)
#   PHOTOFLOW_PG_STOP_MODE  pg_ctl's stop mode for `stop` (default fast;
#                       immediate is a crash, recovered from the WAL at start)
#   PHOTOFLOW_PG_SSL=1  serve TLS as well, with a self-signed certificate for
#                       127.0.0.1 made at the first start; `pg.sh ca` prints
#                       the path to use as sslrootcert (sslmode=verify-full)
#
# Only the DATABASE_URL goes to stdout; everything else goes to stderr, so
#   export DATABASE_URL=$(deploy/local/pg.sh start)
# works. As root, the server runs as the `postgres` OS user (PostgreSQL refuses
# to run as root); otherwise it runs as the invoking user. In both cases the
# cluster superuser is `postgres` (trust auth over the private unix socket
# only; TCP on 127.0.0.1 requires scram-sha-256 passwords).
set -euo pipefail

readonly DB_NAME=photoflow
readonly DB_USER=photoflow
readonly DB_PASSWORD=photoflow
readonly SUPERUSER=postgres

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PG_BIN=${PHOTOFLOW_PG_BIN:-/usr/lib/postgresql/15/bin}
PORT=${PHOTOFLOW_PGPORT:-55432}
FAST=${PHOTOFLOW_PG_FAST:-0}
SSL=${PHOTOFLOW_PG_SSL:-0}
STOP_MODE=${PHOTOFLOW_PG_STOP_MODE:-fast}
[[ $STOP_MODE == fast || $STOP_MODE == immediate || $STOP_MODE == smart ]] \
  || { echo "pg.sh: PHOTOFLOW_PG_STOP_MODE must be fast, immediate or smart" >&2; exit 2; }

# Don't let the caller's libpq/server environment leak into our commands.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGPASSWORD PGOPTIONS \
  PGSERVICE PGSERVICEFILE PGSSLMODE PGCLIENTENCODING PGDATA PGTZ

log() { printf 'pg.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
  echo "usage: $0 start|stop|status|url|ca|destroy" >&2
  exit 2
}

if ! [[ $PORT =~ ^[1-9][0-9]{0,4}$ ]] || ((PORT > 65535)); then
  die "PHOTOFLOW_PGPORT must be a port number (1-65535), got '$PORT'"
fi

for tool in initdb pg_ctl; do
  [[ -x $PG_BIN/$tool ]] || die "$PG_BIN/$tool not found (install postgresql-15, see deploy/local/install-deps.sh)"
done
PSQL=$PG_BIN/psql
[[ -x $PSQL ]] || PSQL=$(command -v psql) || die "psql not found (install postgresql-client-15)"

short_hash() { printf '%s' "$1" | sha256sum | cut -c1-12; }

# --- who runs the server ----------------------------------------------------
if ((EUID == 0)); then
  AS_ROOT=1
  OWNER=postgres
  getent passwd "$OWNER" >/dev/null || die "running as root but OS user '$OWNER' does not exist"
  command -v runuser >/dev/null || die "running as root but runuser is not available"
  # cd / so the postgres user never trips over an unreadable cwd (e.g. /root).
  as_owner() { (cd / && runuser -u "$OWNER" -- "$@"); }
else
  AS_ROOT=0
  OWNER=$(id -un)
  as_owner() { "$@"; }
fi

# --- where things live ------------------------------------------------------
# Nearest existing ancestor of a path (the path itself if it exists).
existing_ancestor() {
  local p=$1
  while [[ ! -e $p && $p != / ]]; do p=$(dirname "$p"); done
  printf '%s' "$p"
}

if [[ -n ${PHOTOFLOW_PGDATA:-} ]]; then
  PGDATA_DIR=$PHOTOFLOW_PGDATA
  [[ $PGDATA_DIR == /* ]] || PGDATA_DIR=$PWD/$PGDATA_DIR
  FALLBACK_KEY=$PGDATA_DIR
else
  PGDATA_DIR=$REPO_DIR/.local/pgdata
  FALLBACK_KEY=$REPO_DIR
fi
PGDATA_DIR=${PGDATA_DIR%/}
[[ -n $PGDATA_DIR && $PGDATA_DIR != / ]] || die "refusing to use '/' as data directory"
[[ $PGDATA_DIR != *"'"* ]] || die "data directory path must not contain a single quote: $PGDATA_DIR"

if ((AS_ROOT)); then
  # An existing cluster created by a normal user is run as that user.
  if [[ -f $PGDATA_DIR/PG_VERSION ]]; then
    data_owner=$(stat -c %U -- "$PGDATA_DIR")
    if [[ $data_owner != root && $data_owner != "$OWNER" ]]; then
      log "$PGDATA_DIR belongs to '$data_owner'; running PostgreSQL as that user"
      OWNER=$data_owner
    fi
  fi
  # The server's OS user must be able to traverse down to the data dir's
  # parent (directories we still have to create are made world-traversable).
  parent_dir=$(dirname "$PGDATA_DIR")
  if ! runuser -u "$OWNER" -- test -x "$(existing_ancestor "$parent_dir")" 2>/dev/null; then
    fallback=/var/tmp/photoflow-pgdata-$(short_hash "$FALLBACK_KEY")
    log "OS user '$OWNER' cannot reach $parent_dir; using $fallback instead"
    PGDATA_DIR=$fallback
  fi
fi

PARENT_DIR=$(dirname "$PGDATA_DIR")
BASE_NAME=$(basename "$PGDATA_DIR")
SOCK_DIR=$PARENT_DIR/$BASE_NAME-sock
LOG_FILE=$PARENT_DIR/$BASE_NAME.log
# The server's TLS certificate (public, so that clients can trust it) and key.
CA_FILE=$PARENT_DIR/$BASE_NAME-server.crt
# sun_path is 108 bytes including the NUL; the socket is SOCK_DIR/.s.PGSQL.PORT
if (( ${#SOCK_DIR} + ${#PORT} + 11 > 107 )); then
  SOCK_DIR=/tmp/photoflow-pgsock-$(short_hash "$PGDATA_DIR")
  log "socket directory path too long for a unix socket; using $SOCK_DIR"
fi

URL_PREFIX="postgresql://$DB_USER:$DB_PASSWORD@127.0.0.1"

# --- helpers ----------------------------------------------------------------
pg_ctl() { as_owner "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" "$@"; }

# First line of a postmaster.pid / socket lock file (empty if unreadable).
lockfile_pid() { head -n1 "$1" 2>/dev/null | tr -dc '0-9' || true; }

# 0 if PID is (very likely) a process of this cluster, 1 if it is dead or
# some unrelated process that reused the PID of a killed postmaster.
pid_is_ours() {
  local pid=$1 cwd
  [[ -n $pid ]] || return 1
  [[ -d /proc/1 ]] || return 0          # no /proc: trust pg_ctl
  [[ -e /proc/$pid ]] || return 1
  # The postmaster chdir()s into its data directory.
  cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) || return 0  # can't tell: trust pg_ctl
  [[ $cwd == "$(cd "$PGDATA_DIR" 2>/dev/null && pwd -P)" ]]
}

is_running() {
  [[ -d $PGDATA_DIR ]] || return 1
  pg_ctl status >/dev/null 2>&1 || return 1
  local pidfile=$PGDATA_DIR/postmaster.pid
  if [[ -r $pidfile ]] && ! pid_is_ours "$(lockfile_pid "$pidfile")"; then
    return 1
  fi
  return 0
}

# Port the running server actually listens on (line 4 of postmaster.pid).
running_port() {
  local p
  p=$(sed -n 4p "$PGDATA_DIR/postmaster.pid" 2>/dev/null | tr -dc '0-9' || true)
  printf '%s' "${p:-$PORT}"
}

# A postmaster.pid / socket lock naming a live process that is not our
# postmaster (PID reuse after a kill -9) makes postgres refuse to start.
# Lock files naming dead PIDs are handled by postgres itself.
clear_stale_locks() {
  local f pid
  for f in "$PGDATA_DIR/postmaster.pid" "$SOCK_DIR"/.s.PGSQL.*.lock; do
    [[ -f $f ]] || continue
    pid=$(lockfile_pid "$f")
    if [[ -n $pid && -e /proc/$pid ]] && ! pid_is_ours "$pid"; then
      log "removing stale lock file $f (PID $pid belongs to another process)"
      rm -f -- "$f"
    fi
  done
}

# Create a private directory owned by OWNER (mode 0700).
make_private_dir() {
  local d=$1
  if [[ -L $d ]]; then die "$d is a symlink; refusing to use it"; fi
  if [[ ! -d $d ]]; then
    mkdir -m 700 -- "$d"
    if ((AS_ROOT)); then chown "$OWNER:" -- "$d"; fi
  fi
  local o
  o=$(stat -c %U -- "$d")
  if [[ $o != "$OWNER" ]]; then
    if ((AS_ROOT)) && [[ -z $(ls -A -- "$d") ]]; then
      chown "$OWNER:" -- "$d"
    else
      die "$d is owned by '$o', expected '$OWNER'"
    fi
  fi
  chmod 700 -- "$d"
}

# A self-signed certificate for 127.0.0.1 (its own CA): the key inside the
# data directory, owned by the server's user, the certificate beside it.
ensure_tls_files() {
  [[ -f $PGDATA_DIR/server.key && -f $CA_FILE ]] && return 0
  command -v openssl >/dev/null || die "PHOTOFLOW_PG_SSL=1 needs openssl"
  log "making a self-signed TLS certificate for 127.0.0.1 ($CA_FILE)"
  local key
  key=$(mktemp)
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
    -subj /CN=photoflow-dev-postgres -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$key" -out "$CA_FILE" 2>/dev/null || die "openssl could not make the certificate"
  chmod 644 -- "$CA_FILE"
  install -m 600 -- "$key" "$PGDATA_DIR/server.key"
  rm -f -- "$key"
  if ((AS_ROOT)); then chown "$OWNER:" -- "$PGDATA_DIR/server.key"; fi
}

tail_log() {
  if [[ -r $LOG_FILE ]]; then
    log "last lines of $LOG_FILE:"
    tail -n 20 -- "$LOG_FILE" >&2 || true
  fi
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

run_initdb() {
  log "initialising new cluster in $PGDATA_DIR"
  local common=(-D "$PGDATA_DIR" -U "$SUPERUSER" --auth-local=trust
    --auth-host=scram-sha-256 -E UTF8)
  if ! as_owner "$PG_BIN/initdb" "${common[@]}" --locale=C.UTF-8 >&2; then
    log "initdb with --locale=C.UTF-8 failed; retrying with --no-locale"
    # initdb cleans up after itself on failure
    as_owner "$PG_BIN/initdb" "${common[@]}" --no-locale >&2 \
      || die "initdb failed"
  fi
}

psql_super() {
  as_owner "$PSQL" -X -q -v ON_ERROR_STOP=1 -h "$SOCK_DIR" -p "$1" \
    -U "$SUPERUSER" -d postgres "${@:2}"
}

ensure_role_and_db() {
  local port=$1
  psql_super "$port" >/dev/null <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
    CREATE ROLE $DB_USER;
  END IF;
END
\$\$;
ALTER ROLE $DB_USER WITH LOGIN CREATEDB CREATEROLE PASSWORD '$DB_PASSWORD';
-- The owner creates the application role (deploy/sql/app-role.sql), and
-- watches and ends its sessions in the tests (lock waiters, dead connections).
GRANT pg_read_all_stats, pg_signal_backend TO $DB_USER;
SELECT 'CREATE DATABASE $DB_NAME OWNER $DB_USER ENCODING ''UTF8'' TEMPLATE template0'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB_NAME')\gexec
ALTER DATABASE $DB_NAME OWNER TO $DB_USER;
SQL
  # Statement statistics, for looking at what the service sends (and for the
  # test that a page of tasks with comments costs one comments query).
  psql_super "$port" -d "$DB_NAME" >/dev/null <<SQL
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
SQL
  # pg_trgm, the search indexes' operator class, where every schema sees it.
  # The tests give each test a schema of its own, and an extension exists
  # once per database, so here it lives in pg_catalog (also in template1, for
  # the databases tests create); the migration's CREATE EXTENSION IF NOT
  # EXISTS then finds it. Elsewhere the migration creates it in public, as
  # the database's owner (pg_trgm is a trusted extension).
  local db
  for db in template1 "$DB_NAME"; do
    psql_super "$port" -d "$db" -c "CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA pg_catalog" \
      >/dev/null
  done
}

# --- commands ---------------------------------------------------------------
cmd_start() {
  local port=$PORT
  if is_running; then
    port=$(running_port)
    log "already running (data $PGDATA_DIR, port $port)"
    if [[ $port != "$PORT" ]]; then
      log "warning: server listens on port $port, not PHOTOFLOW_PGPORT=$PORT; stop it first to change the port"
    fi
  else
    if port_in_use "$PORT"; then
      die "port $PORT on 127.0.0.1 is already in use by another process (set PHOTOFLOW_PGPORT)"
    fi
    # Parent dirs must stay traversable for the postgres user.
    (umask 022 && mkdir -p -- "$PARENT_DIR")
    if [[ -e $PGDATA_DIR && ! -d $PGDATA_DIR ]]; then
      die "$PGDATA_DIR exists and is not a directory"
    fi
    if [[ ! -f $PGDATA_DIR/PG_VERSION ]]; then
      if ((AS_ROOT)); then make_private_dir "$PGDATA_DIR"; fi
      run_initdb
    else
      local o
      o=$(stat -c %U -- "$PGDATA_DIR")
      [[ $o == "$OWNER" ]] \
        || die "$PGDATA_DIR is owned by '$o' but the server would run as '$OWNER'"
      local v
      v=$(<"$PGDATA_DIR/PG_VERSION")
      [[ $v == 15 ]] || die "$PGDATA_DIR is a PostgreSQL $v cluster, expected 15"
    fi
    make_private_dir "$SOCK_DIR"
    if [[ ! -e $LOG_FILE ]]; then
      (umask 077 && : >"$LOG_FILE")
      if ((AS_ROOT)); then chown "$OWNER:" -- "$LOG_FILE"; fi
    fi

    clear_stale_locks

    local opts="-p $PORT -k '$SOCK_DIR' -c listen_addresses=127.0.0.1"
    opts+=" -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.max=20000"
    if [[ $FAST == 1 ]]; then
      opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    if [[ $SSL == 1 ]]; then
      ensure_tls_files
      opts+=" -c ssl=on -c ssl_cert_file='$CA_FILE' -c ssl_key_file=server.key"
    fi
    log "starting server (data $PGDATA_DIR, port $PORT, log $LOG_FILE)"
    if ! pg_ctl -w -t 60 -l "$LOG_FILE" -o "$opts" start >&2; then
      tail_log
      die "could not start PostgreSQL (port $PORT in use? see $LOG_FILE)"
    fi
  fi

  ensure_role_and_db "$port" || die "could not create role/database $DB_USER/$DB_NAME"
  printf '%s:%s/%s\n' "$URL_PREFIX" "$port" "$DB_NAME"
}

cmd_stop() {
  if ! is_running; then
    log "not running (data $PGDATA_DIR)"
    return 0
  fi
  log "stopping server (data $PGDATA_DIR)"
  pg_ctl -m "$STOP_MODE" -w -t 60 stop >&2 || { tail_log; die "pg_ctl stop failed"; }
}

cmd_status() {
  if is_running; then
    log "running (data $PGDATA_DIR, port $(running_port), pid $(lockfile_pid "$PGDATA_DIR/postmaster.pid"))"
    return 0
  fi
  log "not running (data $PGDATA_DIR)"
  return 3
}

cmd_url() {
  local port=$PORT
  if is_running; then port=$(running_port); fi
  printf '%s:%s/%s\n' "$URL_PREFIX" "$port" "$DB_NAME"
}

cmd_ca() {
  [[ -f $CA_FILE ]] || die "no TLS certificate: start the cluster with PHOTOFLOW_PG_SSL=1"
  printf '%s\n' "$CA_FILE"
}

cmd_destroy() {
  cmd_stop
  if is_running; then die "server still running; not removing $PGDATA_DIR"; fi
  if [[ -d $PGDATA_DIR && ! -f $PGDATA_DIR/PG_VERSION && -n $(ls -A -- "$PGDATA_DIR") ]]; then
    die "$PGDATA_DIR does not look like a PostgreSQL data directory; not removing it"
  fi
  log "removing $PGDATA_DIR $SOCK_DIR $LOG_FILE"
  rm -rf -- "$PGDATA_DIR" "$SOCK_DIR"
  rm -f -- "$LOG_FILE" "$CA_FILE"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  url) cmd_url ;;
  ca) cmd_ca ;;
  destroy) cmd_destroy ;;
  *) usage ;;
esac
