#!/usr/bin/env bash
# From a fresh clone to a serving PhotoFlow in one command:
#   installs missing Debian packages, builds, starts the embedded PostgreSQL
#   (only when DATABASE_URL is unset), applies migrations and serves in the
#   foreground. Extra arguments go to photoflow-server (see --help).
# Ctrl-C stops the server; the embedded PostgreSQL keeps running with your data
# (deploy/local/pg.sh stop stops it).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build_dir=${PHOTOFLOW_BUILD_DIR:-$repo/build}

"$repo/deploy/local/install-deps.sh"
cmake -S "$repo" -B "$build_dir" -G Ninja >/dev/null
cmake --build "$build_dir" --target photoflow-server photoflow-migrate

if [[ -z ${DATABASE_URL:-} ]]; then
  DATABASE_URL=$("$repo/deploy/local/pg.sh" start)
  export DATABASE_URL
  echo "run.sh: using the embedded PostgreSQL at 127.0.0.1:${PHOTOFLOW_PGPORT:-55432}" >&2
fi

"$build_dir/server/photoflow-migrate" --migrations "$repo/migrations" deploy
exec "$build_dir/server/photoflow-server" "$@"
