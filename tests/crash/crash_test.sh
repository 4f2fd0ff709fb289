#!/usr/bin/env bash
# Crash safety: an import killed at many points, then `ferry reimport`, must leave exactly the
# catalog a clean import leaves: the same objects with the same SHA-256, every version 1 (nothing
# written twice), the journal all succeeded and the report's counts true.
#   crash_test.sh BUILD_DIR SOURCE_DIR sqlite     SIGKILL (FERRY_FAULT_KILL_AFTER_COMMITS) at 23 points,
#                                                 and at the two points of ending a run (FERRY_FAULT_KILL_AT)
#   crash_test.sh BUILD_DIR SOURCE_DIR postgresql SIGKILL at 6 + 2 points, then PostgreSQL stopped
#       mid-import and started again. It starts a cluster of its own (tests/servers/postgres.sh, on a
#       free loopback port): stopping the server the other tests share would fail them, and with its
#       own the ctest can run it beside them.
set -euo pipefail
BUILD=$(cd "$1" && pwd) SRC=$(cd "$2" && pwd) backend=$3
. "$SRC/tests/crash/lib.sh"

work="$BUILD/tests/scratch/crash_$backend"
rm -rf "$work" && mkdir -p "$work"
pkg="$work/package.zip"
# A few hundred objects: 200 nodes, 40 tables, 15 functions, 10 resources.
"$genpkg" "$pkg" --nodes 200 --tables 40 --functions 15 --resources 10 --code-bytes 1KB --resource-bytes 8KB >/dev/null
total=265
task=crash_task

if [[ $backend == postgresql ]]; then
  pgctl="$SRC/tests/servers/postgres.sh"
  # Under /tmp, open to the postgres user the cluster runs as when the tests run as root.
  pg_dir=$(mktemp -d /tmp/ferry-crash-pg.XXXXXX)
  chmod 755 "$pg_dir"
  . "$SRC/tests/servers/free_port.sh"
  pg_port=$(free_port)
  drop_cluster() { "$pgctl" stop "$pg_dir" "$pg_port" >/dev/null 2>&1 || true; rm -rf "$pg_dir"; }
  trap drop_cluster EXIT
  pg_exports=$("$pgctl" start "$pg_dir" "$pg_port") || fail "the test's PostgreSQL server did not start on port $pg_port (its log is above)"
  eval "$pg_exports"
  admin_dsn=$FERRY_TEST_PG_DSN
fi

# new_catalog LABEL -> sets $uri and $query (a function taking SQL) for a fresh, empty catalog.
new_catalog() {
  if [[ $backend == sqlite ]]; then
    db="$work/$1.db"
    rm -f "$db"*
    uri="sqlite:$db"
    query() { sqlite_query "$db" "$1"; }
  else
    dbname="ferry_crash_$1"
    pg_query "$admin_dsn" "DROP DATABASE IF EXISTS $dbname" >/dev/null
    pg_query "$admin_dsn" "CREATE DATABASE $dbname" >/dev/null
    dsn=$(sed -E "s/dbname=[^ ]+/dbname=$dbname/" <<<"$admin_dsn")
    uri="postgresql:$dsn"
    query() { pg_query "$dsn" "$1"; }
  fi
}

# snapshot FILE: objects, journal and report digest of the task in the current catalog.
snapshot() {
  {
    query "$sql_objects"
    echo "== journal"
    query "$(sed "s/FROM journal/FROM journal WHERE task = '$task'/" <<<"$sql_journal")"
    echo "== report"
    "$ferry" report "$task" --format json --catalog "$uri" | report_digest
    echo "== state"
    query "SELECT state FROM tasks WHERE name = '$task'"
    query "SELECT count(*) FROM workspace_locks"
  } >"$1"
}

write_task "$work/task.toml" "$task" crash_ws "$pkg"

new_catalog clean
"$ferry" import "$work/task.toml" --yes --json --catalog "$uri" >"$work/clean.out" 2>"$work/clean.err" ||
  fail "the clean import failed: $(cat "$work/clean.err")"
snapshot "$work/clean.snap"
[[ $(query "SELECT count(*) FROM objects") == "$total" ]] || fail "the clean import holds $(query "SELECT count(*) FROM objects") objects, expected $total"
[[ -z $(query "SELECT name FROM objects WHERE version <> 1") ]] || fail "the clean import wrote an object twice"
[[ -z $(query "SELECT name FROM journal WHERE status <> 'succeeded'") ]] || fail "the clean import's journal is not all succeeded"
note "clean import: $total objects"

# check_resumed LABEL: the catalog now must be the clean one.
check_resumed() {
  snapshot "$work/$1.snap"
  if ! diff -u "$work/clean.snap" "$work/$1.snap" >"$work/$1.diff"; then
    head -40 "$work/$1.diff" >&2
    fail "$1: the catalog after reimport differs from a clean import's (full diff: $work/$1.diff)"
  fi
}

if [[ $backend == sqlite ]]; then
  points=$(seq 1 12 $((total - 1)); echo $total)  # 1, 13, ... 253, 265: 23 points spread over the run
else
  points="1 50 100 150 200 $total"
fi
n=0
for k in $points; do
  new_catalog "kill_$k"
  set +e
  # Catalog-only objects commit in batches (here of 16): the hook strikes after the batch holding
  # the k-th object commits, or inside its open transaction, which is then lost as a whole.
  FERRY_COMMIT_BATCH=16 FERRY_FAULT_KILL_AFTER_COMMITS=$k "$ferry" import "$work/task.toml" --yes --json \
    --catalog "$uri" >"$work/kill_$k.out" 2>"$work/kill_$k.err"
  rc=$?
  set -e
  # A shell reports a child killed by SIGKILL as 128 + 9.
  [[ $rc == 137 ]] || fail "kill after $k commits: the import exited $rc instead of being killed"
  landed=$(query "SELECT count(*) FROM objects")
  ((landed > k - 16 && landed < k + 16)) ||
    fail "kill after $k commits: $landed objects landed, expected within one batch (16) of $k"
  "$ferry" reimport "$task" --json --catalog "$uri" >"$work/re_$k.out" 2>"$work/re_$k.err" ||
    fail "kill after $k commits: reimport failed: $(cat "$work/re_$k.err")"
  check_resumed "kill_$k"
  n=$((n + 1))
done
note "killed at $n points ($(tr '\n' ' ' <<<"$points")), each resumed to the clean catalog"

# Killed while the run ends (before the transaction that ends it, and inside it before the
# commit): the task stays IMPORTING under a dead holder, and the next `import` of the same task or
# a `reimport` finishes it, leaving the catalog a clean import leaves (the journal still saying
# which objects this task created, the lock released, the report written).
for point in before-finish finish; do
  for next in reimport import; do
    label="end_${point//-/_}_$next"
    new_catalog "$label"
    set +e
    FERRY_FAULT_KILL_AT=$point "$ferry" import "$work/task.toml" --yes --json --catalog "$uri" \
      >"$work/$label.out" 2>"$work/$label.err"
    rc=$?
    set -e
    [[ $rc == 137 ]] || fail "$label: the import exited $rc instead of being killed"
    [[ $(query "SELECT state FROM tasks WHERE name = '$task'") == IMPORTING ]] ||
      fail "$label: the killed task is not IMPORTING"
    [[ $(query "SELECT count(*) FROM workspace_locks") == 1 ]] || fail "$label: the killed importer's lock is gone"
    if [[ $next == reimport ]]; then
      "$ferry" reimport "$task" --json --catalog "$uri" >"$work/re_$label.out" 2>"$work/re_$label.err" ||
        fail "$label: reimport failed: $(cat "$work/re_$label.err")"
    else
      "$ferry" import "$work/task.toml" --yes --json --catalog "$uri" >"$work/re_$label.out" 2>"$work/re_$label.err" ||
        fail "$label: import failed: $(cat "$work/re_$label.err")"
    fi
    check_resumed "$label"
    n=$((n + 1))
  done
done
note "killed while ending the run (before-finish, finish), each finished by import and by reimport"

if [[ $backend == postgresql ]]; then
  # The server goes away under a running import: stopped once the import has committed some
  # objects, started again after the importer gave up, then the task is re-imported.
  restart_server() {
    [[ -f $pg_dir/data/postmaster.pid ]] || "$pgctl" start "$pg_dir" "$pg_port" >/dev/null
  }
  new_catalog stopped
  # One object per transaction here; the importer pauses itself after 20 of them (an import is
  # faster than any polling), the server stops, and the importer goes on against no server.
  FERRY_COMMIT_BATCH=1 FERRY_FAULT_PAUSE_AFTER_COMMITS=20 "$ferry" import "$work/task.toml" --yes --json \
    --catalog "$uri" >"$work/stopped.out" 2>"$work/stopped.err" &
  importer=$!
  for _ in $(seq 1 1500); do
    [[ $(ps -o stat= -p "$importer" 2>/dev/null) == T* ]] && break
    sleep 0.02
  done
  landed=$(query "SELECT count(*) FROM objects")
  "$pgctl" stop "$pg_dir" "$pg_port"
  kill -CONT "$importer" 2>/dev/null || true
  set +e
  wait $importer
  rc=$?
  set -e
  restart_server
  [[ $rc != 0 ]] || fail "the import finished before PostgreSQL stopped ($landed objects seen); the test proves nothing"
  landed=$(query "SELECT count(*) FROM objects")
  ((landed < total)) || fail "all $total objects landed although the server stopped mid-import"
  "$ferry" reimport "$task" --json --catalog "$uri" >"$work/re_stopped.out" 2>"$work/re_stopped.err" ||
    fail "reimport after the server restart failed: $(cat "$work/re_stopped.err")"
  check_resumed stopped
  note "PostgreSQL stopped after $landed of $total objects (import exited $rc), restarted, reimport = clean"
fi  # the cluster, with every catalog the test made, goes on exit
echo "PASS"
