#!/usr/bin/env bash
# Compares photoflow-server binaries on one scenario, alternately, so that the
# machine's drift over minutes hits each the same way.
#
#   DATABASE_URL=... deploy/local/bench-ab.sh SCENARIO IN_FLIGHT ROUNDS BINARY...
#
# Each round starts each binary in turn on 127.0.0.1:50551 (metrics off),
# warms it up, and runs photoflow-bench for 5 s (plus 0.5 s warm-up); prints
# calls/s and the server's CPU time and context switches (all threads) per
# call. The board must be seeded already (photoflow-bench --seed N).
set -euo pipefail
if [[ $# -lt 4 || -z "${DATABASE_URL:-}" ]]; then
  sed -n '2,11p' "$0" >&2
  exit 2
fi
scenario=$1 in_flight=$2 rounds=$3
shift 3
repo=$(cd "$(dirname "$0")/../.." && pwd)
bench=${PHOTOFLOW_BENCH_BINARY:-$repo/build/client/bench/photoflow-bench}
address=127.0.0.1:50551

stop_server() {
  pkill -f -- "--listen=$address" 2>/dev/null || true
  while pgrep -f -- "--listen=$address" >/dev/null; do sleep 0.1; done
}
trap stop_server EXIT

# user+system clock ticks of PID, and its threads' context switches.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {s += $2} END {print s}'; }

for _ in $(seq "$rounds"); do
  for binary in "$@"; do
    stop_server
    "$binary" --listen=$address --metrics-listen= >/dev/null 2>&1 &
    pid=$!
    "$bench" --addr $address --wait-ready 10 --duration 0.5 --warmup 0 --in-flight 4 \
      --scenario "$scenario" >/dev/null
    cpu0=$(cpu_ticks $pid) sw0=$(switches $pid)
    json=$("$bench" --addr $address --duration 5 --warmup 0.5 --in-flight "$in_flight" \
      --scenario "$scenario" --json)
    cpu1=$(cpu_ticks $pid) sw1=$(switches $pid)
    ticks=$(getconf CLK_TCK)
    /usr/bin/python3 - "$json" "$cpu0" "$cpu1" "$sw0" "$sw1" "$ticks" "$binary" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
calls = d["all_calls"]
cpu_us = (int(sys.argv[3]) - int(sys.argv[2])) * 1e6 / int(sys.argv[6]) / calls
per_call = (int(sys.argv[5]) - int(sys.argv[4])) / calls
print("%-40s %-6s %3d in flight %8.0f calls/s %5.0f us CPU/call %.2f switches/call"
      % (sys.argv[7], d["scenario"], d["in_flight"], d["calls_per_second"], cpu_us, per_call))
PY
  done
done
