#!/usr/bin/env bash
# Every test: installs what is missing, builds, starts the test servers on loopback ports, runs the
# suite, then runs it again built by clang with AddressSanitizer and UndefinedBehaviorSanitizer
# (all but the four breadth tests named below).
# A server that cannot start fails the run; nothing is skipped.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FERRY_BUILD_DIR:-$root/build}
asan_build=${FERRY_ASAN_BUILD_DIR:-$root/build-asan}

"$root/tests/install-deps.sh" test

work=$(mktemp -d /tmp/ferry-tests.XXXXXX)
chmod 755 "$work"
servers=()  # "script port" of every server started, to stop each the way it was started
cleanup() {
  local entry script port
  for entry in "${servers[@]}"; do
    read -r script port <<<"$entry"
    "$root/tests/servers/$script" stop "$work/${script%.*}" $port >/dev/null 2>&1 ||
      echo "tests/run.sh: could not stop $script (see $work)" >&2
  done
  rm -rf "$work"
}
trap cleanup EXIT

# Each server script prints `export VAR=...` lines for the tests that need it.
start_server() {
  local script=$1; shift
  local out
  if ! out=$("$root/tests/servers/$script" start "$work/${script%.*}" "$@"); then
    echo "tests/run.sh: the server $script did not start" >&2
    exit 1
  fi
  servers+=("$script ${1:-}")
  eval "$out"
}

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2

start_server postgres.sh 55433
export FERRY_TEST_PG_URI="postgresql:${FERRY_TEST_PG_DSN}"
start_server mariadb.sh 55434
start_server fake_maxcompute.py 55435
start_server start_source_servers.sh

ctest --test-dir "$build" -j2 --output-on-failure
"$root/tests/web/run_browser_tests.sh" "$build"
# A bounded fuzzing run (libFuzzer, clang) over the package reader, FlowSpec, DDL and task config.
"$root/tests/fuzz/run_fuzz.sh" "$root/build-fuzz" "${FERRY_FUZZ_SECONDS:-15}"

if [ "${FERRY_SKIP_SANITIZERS:-0}" != "1" ]; then
  # clang, not gcc: the same sanitizers compiled this tree in 10.7 minutes instead of 14.8, and its
  # tests ran in 520 s instead of 831 (docs/performance.md, "The test command's time").
  # FERRY_SANITIZE_CXX / FERRY_SANITIZE_CC name another compiler.
  sanitize_cxx=${FERRY_SANITIZE_CXX:-$(command -v clang++-14 || command -v clang++)}
  sanitize_cc=${FERRY_SANITIZE_CC:-$(command -v clang-14 || command -v clang)}
  # Line tables only (-g1): sanitizer reports still name files and lines, and the build is shorter.
  # Each test executable runs as a few shards, a process each, not a process per case: an
  # instrumented process took 0.1-0.3 s to start and end, a third of this phase when paid a
  # thousand times (tests/cmake/FerryGTest.cmake).
  cmake -S "$root" -B "$asan_build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DFERRY_SANITIZE=ON \
    -DFERRY_GTEST_SHARDED=ON -DCMAKE_CXX_COMPILER="$sanitize_cxx" -DCMAKE_C_COMPILER="$sanitize_cc" >/dev/null
  cmake --build "$asan_build" -j2
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    LSAN_OPTIONS="suppressions=$root/tests/lsan.supp:print_suppressions=0"
  # Left to the plain run above: the tests that repeat one end-to-end path over many inputs or kill
  # points (the round trip of every sample document, 23 kill points on SQLite). Under the
  # sanitizers they were a third of this phase's time. The same paths still run here on fewer
  # inputs: the round trip on the bundled example and on the Azkaban and DWMA packages
  # (RoundTrip.*), kill and resume at six points on PostgreSQL (crash.postgresql_sigkill_and_restart)
  # and in process (Import.KilledImportResumesToTheCatalogOfACleanImport); the sample documents
  # themselves are read here by the readers' and the check's tests.
  breadth_cases=(RoundTrip.EverySampleDocumentLosesNothing RoundTrip.EveryFeatureDocumentLosesNothing
                 RoundTrip.DolphinSchedulerExportsLoseNothing)
  breadth_tests='^crash\.sqlite_sigkill$'
  # A name that no longer names its case runs the case here unnoticed (it once did, for two of
  # them); stop and say so.
  cases=$("$asan_build/bin/test_host" --gtest_list_tests | awk '/^[^ ]/ {suite = $1} /^  / {print suite $1}')
  for c in "${breadth_cases[@]}"; do
    if ! grep -qxF "$c" <<<"$cases"; then
      echo "tests/run.sh: test_host has no case $c to leave to the plain run; it was renamed, mend \$breadth_cases" >&2
      exit 1
    fi
  done
  left=$(ctest --test-dir "$asan_build" -N -R "$breadth_tests" | grep -cE '^ *Test +#' || true)
  if [ "$left" != 1 ]; then
    echo "tests/run.sh: \$breadth_tests matches $left tests, not 1; a test was renamed or added, mend it" >&2
    exit 1
  fi
  GTEST_FILTER="-$(IFS=:; echo "${breadth_cases[*]}")" \
    ctest --test-dir "$asan_build" -j2 --output-on-failure -E "$breadth_tests"
fi
