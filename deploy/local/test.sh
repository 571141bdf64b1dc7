#!/usr/bin/env bash
# Runs every test the way CI does (.ci/run calls this and nothing else):
#   installs missing Debian packages, builds everything, starts a throwaway
#   PostgreSQL 15 cluster with TLS on (only when DATABASE_URL is unset; else set
#   PHOTOFLOW_TEST_PG_SSLROOTCERT to its server's CA), runs CTest, and removes
#   the cluster again.
# Then it fuzzes the filter and page-token parsers and the request parsing of
# the raw methods (PHOTOFLOW_FUZZ_SECONDS each, default 30; 0 skips; skipped
# when ctest arguments are given).
# Settings: PHOTOFLOW_SANITIZE=address,undefined|thread builds with sanitizers
# (in build-<sanitizer>/) instead; PHOTOFLOW_SANITIZER_RUNS=1 (CI) adds, after
# the plain suite, the suite under ASan+UBSan and the concurrency tests under
# TSan; PHOTOFLOW_IMAGE_TEST=1 (CI) builds the container image and runs it
# against the cluster; PHOTOFLOW_TEST_PGPORT (default 55433) is the
# throwaway cluster's port; extra arguments go to ctest (e.g. -R TaskService).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
sanitize=${PHOTOFLOW_SANITIZE:-}
if [[ -n $sanitize ]]; then
  default_build_dir=$repo/build-${sanitize//,/-}
else
  default_build_dir=$repo/build
fi
build_dir=${PHOTOFLOW_BUILD_DIR:-$default_build_dir}
started=$(date +%s)

"$repo/deploy/local/install-deps.sh"
cmake -S "$repo" -B "$build_dir" -G Ninja -DPHOTOFLOW_SANITIZE="$sanitize" >/dev/null
cmake --build "$build_dir"

if [[ -z ${DATABASE_URL:-} ]]; then
  export PHOTOFLOW_PGDATA=$repo/.local/test-pgdata
  export PHOTOFLOW_PGPORT=${PHOTOFLOW_TEST_PGPORT:-55433}
  export PHOTOFLOW_PG_FAST=1
  # TLS on, so that the suite proves sslmode=verify-full (DatabaseTlsTest).
  export PHOTOFLOW_PG_SSL=1
  "$repo/deploy/local/pg.sh" destroy >/dev/null 2>&1 || true
  trap '"$repo/deploy/local/pg.sh" destroy >/dev/null 2>&1 || true' EXIT
  DATABASE_URL=$("$repo/deploy/local/pg.sh" start)
  PHOTOFLOW_TEST_PG_SSLROOTCERT=$("$repo/deploy/local/pg.sh" ca)
  export DATABASE_URL PHOTOFLOW_TEST_PG_SSLROOTCERT
fi

if [[ -n $sanitize ]]; then
  export LSAN_OPTIONS=suppressions=$repo/tests/sanitizers/lsan.supp:print_suppressions=0
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  export TSAN_OPTIONS=suppressions=$repo/tests/sanitizers/tsan.supp:halt_on_error=1:second_deadlock_stack=1
fi

status=0
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)" --timeout 300 "$@" || status=$?
# The fault suite's figures (writes checked, recovery, peak RSS).
grep -h "^FAULT " "$build_dir/Testing/Temporary/LastTest.log" >&2 || true

# The container image builds in the background while the fuzzers run (each
# fuzzer uses one core; the build's downloads need none), and is tested after.
image_build_pid=
image_log=$build_dir/image-build.log
if [[ $status -eq 0 && ${PHOTOFLOW_IMAGE_TEST:-0} == 1 && -z $sanitize && $# -eq 0 ]]; then
  image_started=$(date +%s)
  "$repo/deploy/docker/build-image.sh" --bootstrap-base --tag localhost/photoflow:test \
    >"$image_log" 2>&1 &
  image_build_pid=$!
fi

# The parsers of untrusted client input (filter, order_by, page tokens, request
# bytes) under libFuzzer with ASan/UBSan, from the committed seed corpus, for
# PHOTOFLOW_FUZZ_SECONDS each (default 30; 0 skips). Only the parser libraries
# are built with clang, in their own build folder.
fuzz_seconds=${PHOTOFLOW_FUZZ_SECONDS:-30}
if [[ $status -eq 0 && $fuzz_seconds -gt 0 && $# -eq 0 ]]; then
  fuzz_dir=$repo/build-fuzz
  cmake -S "$repo" -B "$fuzz_dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DPHOTOFLOW_FUZZ=ON \
    -DPHOTOFLOW_LANGUAGE_CLIENTS=OFF \
    -DPHOTOFLOW_BUILD_TESTS=OFF >/dev/null
  cmake --build "$fuzz_dir" --target photoflow_fuzz_filter photoflow_fuzz_page_token \
    photoflow_fuzz_request
  for target in filter page_token request; do
    work=$(mktemp -d)
    echo "test.sh: fuzzing $target for ${fuzz_seconds} s" >&2
    if ! "$fuzz_dir/tests/fuzz/photoflow_fuzz_$target" -max_total_time="$fuzz_seconds" \
      -max_len=2100 -print_final_stats=1 "$work" "$repo/tests/fuzz/corpus/$target" \
      >"$work.log" 2>&1; then
      tail -40 "$work.log" >&2
      echo "test.sh: the $target fuzzer found a failure" >&2
      status=1
    else
      grep -E "^stat::number_of_executed_units" "$work.log" >&2 || true
    fi
    rm -rf "$work" "$work.log"
  done
fi
# PHOTOFLOW_IMAGE_TEST=1 (what CI sets): the container image, built from a
# Debian base bootstrapped here (no registry needed), run against the same
# cluster as Kubernetes would run it (deploy/docker/image-test.sh).
if [[ -n $image_build_pid ]]; then
  if ! wait "$image_build_pid"; then
    tail -40 "$image_log" >&2
    echo "test.sh: the container image did not build" >&2
    status=1
  elif [[ $status -eq 0 ]]; then
    grep -h "^build-image:" "$image_log" >&2 || true
    if "$repo/deploy/docker/image-test.sh" localhost/photoflow:test "$DATABASE_URL"; then
      echo "test.sh: image built and tested in $(($(date +%s) - image_started)) s" >&2
    else
      echo "test.sh: the container image failed its test" >&2
      status=1
    fi
  fi
fi
# PHOTOFLOW_SANITIZER_RUNS=1 (what CI sets): the whole suite again under
# ASan+UBSan, then the concurrency tests (pool, batching, counters, shutdown,
# faults) under TSan, each in its own build folder, against the same cluster;
# any sanitizer report fails the test that caused it.
concurrency_tests='Pool|Batching|Counter|Racing|Concurrent|Drain|Shutdown|Periodic|CallerLimit'
concurrency_tests+='|OverItsLimit|DatabaseRestart|ServerFault|PostgresRestart|Health|Watch'
if [[ $status -eq 0 && ${PHOTOFLOW_SANITIZER_RUNS:-0} == 1 && -z $sanitize && $# -eq 0 ]]; then
  export LSAN_OPTIONS=suppressions=$repo/tests/sanitizers/lsan.supp:print_suppressions=0
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  export TSAN_OPTIONS=suppressions=$repo/tests/sanitizers/tsan.supp:halt_on_error=1:second_deadlock_stack=1
  for run in address,undefined thread; do
    run_dir=$repo/build-${run//,/-}
    run_started=$(date +%s)
    if [[ $run == thread ]]; then
      # What the concurrency tests need, without the language clients.
      cmake -S "$repo" -B "$run_dir" -G Ninja -DPHOTOFLOW_SANITIZE=$run \
        -DPHOTOFLOW_LANGUAGE_CLIENTS=OFF >/dev/null
      cmake --build "$run_dir" --target photoflow_unit_tests photoflow_db_tests photoflow_e2e_tests \
        photoflow_fault_tests
      # Not the 200 clients: under TSan's slowdown two cores cannot serve
      # them within the bound that test holds the server to.
      filter=(-R "$concurrency_tests" -E TwoHundredClients)
    else
      cmake -S "$repo" -B "$run_dir" -G Ninja -DPHOTOFLOW_SANITIZE=$run >/dev/null
      cmake --build "$run_dir"
      filter=()
    fi
    echo "test.sh: the suite under $run" >&2
    ctest --test-dir "$run_dir" --output-on-failure -j "$(nproc)" --timeout 600 "${filter[@]}" \
      || status=$?
    echo "test.sh: $run run took $(($(date +%s) - run_started)) s" >&2
  done
fi

echo "test.sh: finished in $(($(date +%s) - started)) s with exit code $status" >&2
exit "$status"
