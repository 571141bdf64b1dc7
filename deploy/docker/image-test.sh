#!/usr/bin/env bash
# Runs PhotoFlow's container image the way Kubernetes does (read-only root,
# no capabilities, its non-root user) against a live PostgreSQL, and checks:
# migrations and the application role's grants from the image (the migrate
# Job's commands), the server's health, one call through the image's CLI, a
# metrics scrape (promtool check metrics), the backup and archive CronJobs'
# commands (and a restore of that backup), and that SIGTERM ends it with exit
# code 0. test.sh runs it when PHOTOFLOW_IMAGE_TEST=1 (CI).
#
# Usage: deploy/docker/image-test.sh IMAGE OWNER_DATABASE_URL
#   OWNER_DATABASE_URL: a role that may create databases and roles (pg.sh's
#   owner); the test uses a database of its own and drops it afterwards.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
engine=${PHOTOFLOW_CONTAINER_ENGINE:-podman}
[[ $engine == podman ]] && export CONTAINERS_CONF=${CONTAINERS_CONF:-$repo/deploy/docker/containers.conf}
image=${1:?usage: image-test.sh IMAGE OWNER_DATABASE_URL}
owner_url=${2:?usage: image-test.sh IMAGE OWNER_DATABASE_URL}
name=photoflow-image-test-$$
database=photoflow_image_test_$$
started=$(date +%s)

fail() {
  echo "image-test: FAILED: $*" >&2
  "$engine" logs "$name" 2>&1 | tail -20 >&2 || true
  exit 1
}
cleanup() {
  "$engine" rm -f "$name" >/dev/null 2>&1 || true
  psql -X -q -d "$owner_url" -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# The URL of the test's own database, as the owner and as the application role.
base_url=${owner_url%%\?*}
db_owner_url=${base_url%/*}/$database
app_password=image-test-$$
app_url=${db_owner_url/\/\/*@/\/\/photoflow_app:$app_password@}
psql -X -q -v ON_ERROR_STOP=1 -d "$owner_url" -c "CREATE DATABASE $database"

# Kubernetes' securityContext, as podman flags (deploy/k8s/base).
restricted=(--network host --read-only --cap-drop ALL --security-opt no-new-privileges
            --user 10001:10001)
run() { "$engine" run --rm "${restricted[@]}" "$@"; }

# The migrate Job's two steps (deploy/k8s/base/migrate-job.yaml).
run -e DATABASE_URL="$db_owner_url" --entrypoint photoflow-migrate "$image" deploy \
  || fail "photoflow-migrate deploy"
owner_password=${db_owner_url#*://*:}
owner_password=${owner_password%%@*}
run -e PGPASSWORD="$owner_password" -e PHOTOFLOW_APP_ROLE_PASSWORD="$app_password" \
  --entrypoint psql "$image" "${db_owner_url/:$owner_password@/@}" -X -q \
  -v app_role=photoflow_app -v schema=public \
  -f /usr/local/share/photoflow/sql/app-role.sql >/dev/null || fail "app-role.sql"

# The server, as the application role, on ports the kernel picks.
"$engine" run -d --name "$name" "${restricted[@]}" -e DATABASE_URL="$app_url" \
  -e PHOTOFLOW_LISTEN=127.0.0.1:0 -e PHOTOFLOW_METRICS_LISTEN=127.0.0.1:0 "$image" >/dev/null
# Its log, followed until the serving line (which names the ports).
coproc logs { exec "$engine" logs -f "$name" 2>&1; }
serving=
while IFS= read -r -t 60 line <&"${logs[0]}"; do
  if [[ $line == *'"event":"serving"'* ]]; then serving=$line; break; fi
done
kill "$logs_PID" 2>/dev/null || true
[[ -n $serving ]] || fail "no serving line within 60 s"
port=$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' <<<"$serving")
metrics_port=$(sed -n 's/.*"metrics_port":\([0-9]*\).*/\1/p' <<<"$serving")
cli() { run --entrypoint photoflow "$image" --addr "127.0.0.1:$port" "$@"; }

health=$(cli health) || fail "health check"
[[ $health == *SERVING* && $health != *NOT_SERVING* ]] || fail "health says: $health"
liveness=$(cli health liveness) || fail "liveness check"
[[ $liveness == *SERVING* && $liveness != *NOT_SERVING* ]] || fail "liveness says: $liveness"
created=$(cli --json tasks create --title "Image test" --due 2026-12-24 --status Scheduled) \
  || fail "CreateTask"
id=$(sed -n 's/.*"id":"\{0,1\}\([0-9]*\).*/\1/p' <<<"$created")
[[ -n $id ]] || fail "no id in $created"
[[ $(cli --json tasks get "$id") == *'"title":"Image test"'* ]] || fail "GetTask $id"

metrics=$(curl -fsS "http://127.0.0.1:$metrics_port/metrics") || fail "metrics scrape"
grep -q 'grpc_server_handled_total{.*grpc_method="CreateTask".*} 1' <<<"$metrics" \
  || fail "CreateTask is not counted in the scrape"
promtool check metrics <<<"$metrics" || fail "promtool check metrics"

# The CronJobs' commands from the image (deploy/k8s/base): a custom-format
# backup onto a mounted folder with retention, restored into a second
# database; the archive run.
backups=$(mktemp -d)
chmod 777 "$backups"
restored=${database}_restored
psql -X -q -v ON_ERROR_STOP=1 -d "$owner_url" -c "CREATE DATABASE $restored"
trap 'cleanup; rm -rf "$backups"; psql -X -q -d "$owner_url" -c "DROP DATABASE IF EXISTS $restored WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
run -v "$backups:/backups" -e DATABASE_URL="$db_owner_url" --entrypoint photoflow-admin "$image" \
  backup --format custom --dir /backups --keep 14 || fail "photoflow-admin backup"
backup_file=$(ls "$backups"/photoflow-*.dump) || fail "no backup file in $backups"
run -v "$backups:/backups:ro" -e DATABASE_URL="${db_owner_url%/*}/$restored" \
  --entrypoint photoflow-admin "$image" restore --input "/backups/${backup_file##*/}" --json \
  | grep -q '"tasks":1,' || fail "photoflow-admin restore"
cli tasks finish "$id" >/dev/null || fail "finishing task $id"
run -e DATABASE_URL="$db_owner_url" --entrypoint photoflow-admin "$image" \
  archive --finished-before 2027-01-01 --json | grep -q '"tasks":1,' || fail "photoflow-admin archive"

# SIGTERM, as the kubelet sends it; the server drains and exits 0.
"$engine" stop --time 30 "$name" >/dev/null
code=$("$engine" inspect --format '{{.State.ExitCode}}' "$name")
[[ $code == 0 ]] || fail "exit code $code after SIGTERM"
"$engine" logs "$name" 2>&1 | grep -q '"event":"stopped"' || fail "no stopped line"
echo "image-test: $image passed (migrate, app role, health, CreateTask/GetTask, metrics, backup, restore, archive, SIGTERM exit 0) in $(($(date +%s) - started)) s" >&2
