#!/usr/bin/env bash
# The benchmark command (docs/benchmarks.md): in one run, for each scenario,
#   - pgbench -M prepared on the statements the server runs for that call (the
#     limit: what PostgreSQL does without us; photoflow-pgbench-scripts takes
#     them from the store itself),
#   - the empty gRPC call, health Check (the transport's limit),
#   - the service under photoflow-bench,
# at 1 and 16 calls in flight, against its own PostgreSQL 15 with durable
# settings (fsync, synchronous_commit and full_page_writes on), seeded with
# PHOTOFLOW_BENCH_TASKS tasks. Prints one Markdown table with the ratios.
#
# Settings (environment):
#   PHOTOFLOW_BENCH_TASKS      tasks to seed                (default 10000)
#   PHOTOFLOW_BENCH_SECONDS    measured seconds per cell    (default 10)
#   PHOTOFLOW_BENCH_SCENARIOS  which scenarios              (default "get list list-column create comment update")
#   PHOTOFLOW_BENCH_IN_FLIGHT  which in-flight counts       (default "1 16"; "" skips the main table)
#   PHOTOFLOW_BENCH_PGPORT     the cluster's port           (default 55436)
#   PHOTOFLOW_BENCH_LIST_DEPTH 0 skips the list-cost table   (default 1)
#   PHOTOFLOW_BENCH_BOARD      0 skips the search and board-counts table (default 1)
#   PHOTOFLOW_BENCH_WATCH      0 skips the WatchTasks table  (default 1)
#   PHOTOFLOW_BENCH_WATCHERS   WatchTasks streams            (default 1000, over 10 connections)
#   PHOTOFLOW_BENCH_WRITE_RATE updates per second meanwhile  (default 500)
# After the main table, a second one gives ListTasks' cost by page depth, board
# size and ties on the due date (16 in flight): page 1 and page 1000 on
# 1,000,000 tasks, page 1 on the main board, and pages 1 and 1000 with
# 100,000 tasks all due on one day.
# Then title search and SummarizeBoard at 10,000 and 1,000,000 tasks (pgbench on
# the same statements, and the service, 1 and 16 in flight), and WatchTasks:
# PHOTOFLOW_BENCH_WATCHERS streams over 10 connections while
# PHOTOFLOW_BENCH_WRITE_RATE updates a second commit, with the delay from commit
# to delivery, the server's CPU and its memory per stream (against the same
# writes without streams).
# The cluster lives in .local/bench-pgdata and is removed afterwards.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build_dir=${PHOTOFLOW_BUILD_DIR:-$repo/build}
tasks=${PHOTOFLOW_BENCH_TASKS:-10000}
seconds=${PHOTOFLOW_BENCH_SECONDS:-10}
scenarios=${PHOTOFLOW_BENCH_SCENARIOS:-"get list list-column create comment update"}
in_flight_counts=${PHOTOFLOW_BENCH_IN_FLIGHT-"1 16"}
columns=4
pgbench=/usr/lib/postgresql/15/bin/pgbench

"$repo/deploy/local/install-deps.sh"
cmake -S "$repo" -B "$build_dir" -G Ninja -DPHOTOFLOW_BUILD_TESTS=ON >/dev/null
cmake --build "$build_dir" --target photoflow-server photoflow-migrate photoflow-bench \
  photoflow-pgbench-scripts

export PHOTOFLOW_PGDATA=$repo/.local/bench-pgdata
export PHOTOFLOW_PGPORT=${PHOTOFLOW_BENCH_PGPORT:-55436}
unset PHOTOFLOW_PG_FAST  # durable: fsync on
work=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null || true
    timeout 30 tail --pid="$server_pid" -f /dev/null || kill -9 "$server_pid" 2>/dev/null || true
  fi
  "$repo/deploy/local/pg.sh" destroy >/dev/null 2>&1 || true
  rm -rf "$work"
}
fail() {
  echo "bench.sh: $*" >&2
  [[ -s $work/server.log ]] && tail -20 "$work/server.log" >&2
  exit 1
}
trap cleanup EXIT
"$repo/deploy/local/pg.sh" destroy >/dev/null 2>&1 || true
DATABASE_URL=$("$repo/deploy/local/pg.sh" start)
export DATABASE_URL
"$build_dir/server/photoflow-migrate" --migrations "$repo/migrations" deploy >/dev/null

# The board: due dates on whole days over 60 days (as the app stores them),
# $columns columns, a fifth finished, one comment on each task. Laid anew
# before each round, so that every round starts from the same board.
# seed_board [TASKS [DAYS]]: TASKS tasks (default $tasks) due over DAYS days
# (default 60), with one comment each on the main board; the larger boards of
# the list-cost table get none (ListTasks does not read them).
seed_board() {
  psql -q -v ON_ERROR_STOP=1 -v tasks="${1:-$tasks}" -v days="${2:-60}" -v columns="$columns" \
    -v comments="$([[ -z ${1:-} ]] && echo 1 || echo 0)" "$DATABASE_URL" <<'SQL'
TRUNCATE "Tasks", task_comments, photoflow_request_ids RESTART IDENTITY;
-- The seed is set-up, not a million changes to log: the change-log
-- triggers are off while it loads (TRUNCATE has expired the log's tokens).
ALTER TABLE "Tasks" DISABLE TRIGGER USER;
ALTER TABLE task_comments DISABLE TRIGGER USER;
INSERT INTO "Tasks" ("dueAt", task, additional_information, status, is_finished, "taskColumn",
                     amount_of_comments)
SELECT timestamp '2027-01-01' + (i % :days) * interval '1 day', 'Seeded order ' || i,
       'Seeded by bench.sh', 'Scheduled', i % 5 = 0, (1 + i % :columns)::text, :comments
FROM generate_series(1, :tasks) AS i;
INSERT INTO task_comments (task_id, comment) SELECT id, 'Looks great' FROM "Tasks" WHERE :comments = 1;
ALTER TABLE "Tasks" ENABLE TRIGGER USER;
ALTER TABLE task_comments ENABLE TRIGGER USER;
VACUUM ANALYZE "Tasks";
VACUUM ANALYZE task_comments;
SQL
}
"$build_dir/tests/bench/photoflow-pgbench-scripts" "$work/scripts"

port=$((PHOTOFLOW_PGPORT + 100))
"$build_dir/server/photoflow-server" --listen "127.0.0.1:$port" --metrics-listen '' \
  --log-level warn 2>"$work/server.log" &
server_pid=$!
bench=("$build_dir/client/bench/photoflow-bench" --addr "127.0.0.1:$port")
"${bench[@]}" --wait-ready 30 --scenario health --duration 0.5 --warmup 0 >/dev/null ||
  fail "the server did not become SERVING"

# The server's CPU time (µs, all threads) and context switches (all threads),
# read from /proc: what a call costs the server besides its wall time.
server_cost() {
  local ticks switches=0 task
  ticks=$(awk '{print $14 + $15}' "/proc/$server_pid/stat")
  for task in /proc/"$server_pid"/task/*/status; do
    switches=$((switches + $(awk '/ctxt_switches/ {n += $2} END {print n}' "$task" 2>/dev/null || echo 0)))
  done
  echo "$((ticks * 1000000 / $(getconf CLK_TCK))) $switches"
}

# Statements the cluster has run (pg_stat_statements, BEGIN and COMMIT included).
statements_run() {
  psql -qAt -c "SELECT coalesce(sum(calls), 0)::bigint FROM pg_stat_statements" "$DATABASE_URL"
}

# "calls/s errors server-µs/call switches/call p50-ms statements/call" from
# photoflow-bench --json, /proc and pg_stat_statements (every statement the
# cluster ran meanwhile, BEGIN and COMMIT included, over every call the run
# made); arguments after the in-flight count go to photoflow-bench.
service_rate() {
  local before after statements_before statements
  statements_before=$(statements_run)
  before=$(server_cost)
  "${bench[@]}" --scenario "$1" --in-flight "$2" --channels "$(( $2 < 2 ? 1 : 2 ))" \
    --duration "$seconds" --warmup 2 --json "${@:3}" >"$work/result.json" ||
    fail "photoflow-bench --scenario $1 failed"
  after=$(server_cost)
  statements=$(($(statements_run) - statements_before))
  /usr/bin/python3 - "$work/result.json" $before $after "$statements" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
cpu_before, switches_before, cpu_after, switches_after, statements = map(int, sys.argv[2:7])
calls = max(r["all_calls"], 1)
print("%.0f %d %.0f %.1f %.2f %.2f" % (r["calls_per_second"], sum(r["errors"].values()),
                                       (cpu_after - cpu_before) / calls,
                                       (switches_after - switches_before) / calls,
                                       r["latency_ms"]["p50"], statements / calls))
PY
}
pgbench_rate() {
  "$pgbench" -n -M prepared -c "$2" -j "$(( $2 < 2 ? 1 : 2 ))" -T "$seconds" \
    -D tasks="$tasks" -D columns="$columns" -f "$work/scripts/$1.sql" "$DATABASE_URL" \
    >"$work/pgbench.log" 2>&1 || { cat "$work/pgbench.log" >&2; fail "pgbench $1 failed"; }
  sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$work/pgbench.log" | head -1 | xargs printf '%.0f'
}

echo "| scenario | in flight | pgbench (tx/s) | empty call (calls/s) | service (calls/s) | service / pgbench | service / empty call | server CPU per call (µs) | context switches per call | statements per call | errors |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for in_flight in $in_flight_counts; do
  seed_board
  read -r empty _ empty_cpu empty_switches _ _ < <(service_rate health "$in_flight")
  echo "| (empty call) | $in_flight | | $empty | | | | $empty_cpu | $empty_switches | | |"
  for scenario in $scenarios; do
    limit=$(pgbench_rate "$scenario" "$in_flight")
    read -r service errors cpu switches _ statements < <(service_rate "$scenario" "$in_flight")
    ratio_pg=$(/usr/bin/python3 -c "print(f'{$service / max($limit, 1):.2f}')")
    ratio_empty=$(/usr/bin/python3 -c "print(f'{$service / max($empty, 1):.2f}')")
    echo "| $scenario | $in_flight | $limit | $empty | $service | $ratio_pg | $ratio_empty | $cpu | $switches | $statements | $errors |"
  done
done
echo
echo "server threads: $(awk '/^Threads/ {print $2}' "/proc/$server_pid/status")"

if [[ ${PHOTOFLOW_BENCH_LIST_DEPTH:-1} != 0 ]]; then
  echo
  echo "| ListTasks, 50 unfinished by due date, 16 in flight | board | page | service (calls/s) | p50 (ms) | cost / page 1 of $tasks tasks | errors |"
  echo "|---|---|---|---|---|---|---|"
  seed_board
  read -r base errors _ _ base_p50 _ < <(service_rate list 16)
  echo "| spread over 60 days | $tasks tasks | 1 | $base | $base_p50 | 1.00 | $errors |"
  list_depth_row() {  # label board-size page
    local rate errors p50
    read -r rate errors _ _ p50 _ < <(service_rate list 16 --page "$3")
    echo "| $1 | $2 tasks | $3 | $rate | $p50 | $(/usr/bin/python3 -c "print(f'{$base / max($rate, 1):.2f}')") | $errors |"
  }
  seed_board 1000000
  list_depth_row "spread over 60 days" 1000000 1
  list_depth_row "spread over 60 days" 1000000 1000
  seed_board 100000 1
  list_depth_row "all due on one day" 100000 1
  list_depth_row "all due on one day" 100000 1000
fi
if [[ ${PHOTOFLOW_BENCH_BOARD:-1} != 0 ]]; then
  echo
  echo "| query | board | in flight | pgbench (tx/s) | service (calls/s) | service / pgbench | p50 (ms) | errors |"
  echo "|---|---|---|---|---|---|---|---|"
  for board_size in 10000 1000000; do
    seed_board "$board_size"
    for scenario in search summarize; do
      for in_flight in 1 16; do
        limit=$(pgbench_rate "$scenario" "$in_flight")
        read -r service errors _ _ p50 _ < <(service_rate "$scenario" "$in_flight")
        echo "| $scenario | $board_size tasks | $in_flight | $limit | $service |" \
          "$(/usr/bin/python3 -c "print(f'{$service / max($limit, 1):.2f}')") | $p50 | $errors |"
      done
    done
  done
fi

if [[ ${PHOTOFLOW_BENCH_WATCH:-1} != 0 ]]; then
  watchers=${PHOTOFLOW_BENCH_WATCHERS:-1000}
  write_rate=${PHOTOFLOW_BENCH_WRITE_RATE:-500}
  seed_board
  rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status"; }
  # watch_row WATCHERS: photoflow-bench --scenario watch, with the server's CPU
  # over the run and its peak memory (sampled every 0.2 s) against before.
  watch_row() {
    local before after rss_before peak=0 sampler started ended
    rss_before=$(rss_kib)
    before=$(server_cost)
    started=$(date +%s%N)
    ( while kill -0 "$server_pid" 2>/dev/null; do rss_kib; sleep 0.2; done ) >"$work/rss" &
    sampler=$!
    "${bench[@]}" --scenario watch --watchers "$1" --channels 10 --write-rate "$write_rate" \
      --duration "$seconds" --warmup 2 --json >"$work/watch.json" ||
      fail "photoflow-bench --scenario watch failed"
    kill "$sampler" 2>/dev/null || true
    wait "$sampler" 2>/dev/null || true
    ended=$(date +%s%N)
    after=$(server_cost)
    peak=$(sort -n "$work/rss" | tail -1)
    /usr/bin/python3 - "$work/watch.json" "$1" $before $after "$started" "$ended" "$rss_before" "${peak:-0}" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
watchers = int(sys.argv[2])
cpu_before, _, cpu_after, _ = map(int, sys.argv[3:7])
started, ended, rss_before, peak = map(int, sys.argv[7:11])
cores = (cpu_after - cpu_before) / ((ended - started) / 1000)
ends = sum(r["stream_ends"].values())
per = "%.0f" % ((peak - rss_before) / watchers) if watchers else ""
d = r["delivery_ms"]
print("| %d | %.0f | %.0f | %s | %s | %s | %.2f | %.1f | %s | %d | %d |" % (
    watchers, r["writes_per_second"], r["events_per_second"],
    "%.1f" % d["p50"] if watchers else "", "%.1f" % d["p99"] if watchers else "",
    "%.1f" % d["max"] if watchers else "", cores, peak / 1024, per, ends, r["write_errors"]))
PY
  }
  echo
  echo "| WatchTasks streams (10 connections) | writes/s | events delivered/s | commit to delivery p50 (ms) | p99 (ms) | max (ms) | server CPU (cores) | server peak RSS (MiB) | RSS per stream (KiB) | streams ended early | write errors |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  watch_row 1
  watch_row "$watchers"
fi

echo
echo "bench.sh: $tasks tasks, ${seconds} s per cell, PostgreSQL with fsync on; $(nproc) cores," \
  "$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)," \
  "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
