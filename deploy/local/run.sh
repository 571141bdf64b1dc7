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

if [[ -n ${DATABASE_URL:-} ]]; then
  "$build_dir/server/photoflow-migrate" --migrations "$repo/migrations" deploy
  exec "$build_dir/server/photoflow-server" "$@"
fi

# The embedded PostgreSQL, set up as production should be (docs/security.md):
# migrations as the schema's owner, the service as the application role,
# which may read and write rows and nothing else.
owner_url=$("$repo/deploy/local/pg.sh" start)
echo "run.sh: using the embedded PostgreSQL at 127.0.0.1:${PHOTOFLOW_PGPORT:-55432}" >&2
DATABASE_URL=$owner_url "$build_dir/server/photoflow-migrate" --migrations "$repo/migrations" deploy
psql -X -q -d "$owner_url" -v app_role=photoflow_app -v app_password=photoflow_app \
  -v schema=public -f "$repo/deploy/sql/app-role.sql"
DATABASE_URL=${owner_url/photoflow:photoflow@/photoflow_app:photoflow_app@}
if [[ $DATABASE_URL == "$owner_url" ]]; then
  echo "run.sh: unexpected URL from pg.sh; not serving as the schema's owner" >&2
  exit 1
fi
export DATABASE_URL
exec "$build_dir/server/photoflow-server" "$@"
