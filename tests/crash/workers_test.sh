#!/usr/bin/env bash
# Many workers on one PostgreSQL catalog: 30 tasks queued into 5 workspaces, 3 `ferry worker`
# processes. Every task must be done exactly once (IMPORT_SUCCESS, claimed once, its journal all
# succeeded), nothing lost (each workspace holds every object of its tasks), nothing doubled (every
# object at version 1), and no workspace imported by two tasks at once (their runs never overlap).
#   workers_test.sh BUILD_DIR SOURCE_DIR    (needs FERRY_TEST_PG_DSN from tests/servers/postgres.sh)
set -euo pipefail
BUILD=$(cd "$1" && pwd) SRC=$(cd "$2" && pwd)
. "$SRC/tests/crash/lib.sh"
[[ -n ${FERRY_TEST_PG_DSN:-} ]] || fail "FERRY_TEST_PG_DSN is not set: start the server with tests/servers/postgres.sh start DIR PORT and export what it prints"

work="$BUILD/tests/scratch/workers"
rm -rf "$work" && mkdir -p "$work"
dbname=ferry_workers
pg_query "$FERRY_TEST_PG_DSN" "DROP DATABASE IF EXISTS $dbname" >/dev/null
pg_query "$FERRY_TEST_PG_DSN" "CREATE DATABASE $dbname" >/dev/null
dsn=$(sed -E "s/dbname=[^ ]+/dbname=$dbname/" <<<"$FERRY_TEST_PG_DSN")
uri="postgresql:$dsn"
q() { pg_query "$dsn" "$1"; }

tasks=30 workspaces=5 per_task=31  # 20 nodes + 6 tables + 3 functions + 2 resources
for i in $(seq 0 $((tasks - 1))); do
  p=$(printf 'k%02d' "$i")
  mkdir -p "$work/$p"
  "$genpkg" "$work/$p/package.zip" --prefix "$p" --nodes 20 --tables 6 --functions 3 --resources 2 >/dev/null
  write_task "$work/$p/task.toml" "task_$p" "ws_$((i % workspaces))" "$work/$p/package.zip"
  "$ferry" queue "$work/$p/task.toml" --catalog "$uri" >/dev/null 2>"$work/$p/queue.err" ||
    fail "ferry queue task_$p: $(cat "$work/$p/queue.err")"
done
[[ $(q "SELECT count(*) FROM tasks WHERE state = 'QUEUED'") == "$tasks" ]] || fail "not every task was queued"

pids=()
for w in 1 2 3; do
  timeout 300 "$ferry" worker --catalog "$uri" --once --poll 0.1 >"$work/worker$w.out" 2>"$work/worker$w.err" &
  pids+=($!)
done
for w in 1 2 3; do
  wait "${pids[$((w - 1))]}" || fail "worker $w exited $?: $(tail -5 "$work/worker$w.err")"
done

# Every task done, once.
bad=$(q "SELECT name || ' ' || state FROM tasks WHERE state <> 'IMPORT_SUCCESS'")
[[ -z $bad ]] || fail "tasks not done: $bad"
claims=$(cat "$work"/worker*.out | grep -c ' claimed ' || true)
[[ $claims == "$tasks" ]] || fail "$claims claims for $tasks tasks (a task ran twice or not at all)"
dup=$(cat "$work"/worker*.out | grep ' claimed ' | awk '{print $3}' | sort | uniq -d)
[[ -z $dup ]] || fail "tasks claimed twice: $dup"
# Nothing lost, nothing doubled.
[[ $(q "SELECT count(*) FROM objects") == $((tasks * per_task)) ]] ||
  fail "$(q "SELECT count(*) FROM objects") objects, expected $((tasks * per_task))"
twice=$(q "SELECT workspace || '/' || name FROM objects WHERE version <> 1 LIMIT 5")
[[ -z $twice ]] || fail "objects written more than once: $twice"
bad=$(q "SELECT task || ' ' || name || ' ' || status FROM journal WHERE status <> 'succeeded' LIMIT 5")
[[ -z $bad ]] || fail "journal entries not succeeded: $bad"
[[ $(q "SELECT count(*) FROM journal") == $((tasks * per_task)) ]] || fail "the journal does not hold one entry per object"
for i in $(seq 0 $((tasks - 1))); do
  p=$(printf 'k%02d' "$i")
  got=$(q "SELECT count(*) FROM objects WHERE workspace = 'ws_$((i % workspaces))' AND name LIKE '%$p%'")
  [[ $got == "$per_task" ]] || fail "task_$p: $got of its $per_task objects are in ws_$((i % workspaces))"
done
# One import at a time per workspace: the runs of one workspace's tasks never overlap.
overlap=$(q "SELECT a.name || ' and ' || b.name FROM tasks a JOIN tasks b ON a.workspace = b.workspace AND a.name < b.name
             WHERE a.started_at < b.finished_at AND b.started_at < a.finished_at LIMIT 5")
[[ -z $overlap ]] || fail "tasks imported into one workspace at once: $overlap"
[[ $(q "SELECT count(*) FROM workspace_locks") == 0 ]] || fail "workspace locks left behind"

workers_used=$(q "SELECT count(DISTINCT claimed_by) FROM tasks")
note "$tasks tasks into $workspaces workspaces by $workers_used workers; $((tasks * per_task)) objects, each once"
pg_query "$FERRY_TEST_PG_DSN" "DROP DATABASE IF EXISTS $dbname" >/dev/null
echo PASS
