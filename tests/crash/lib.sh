# Shared by the crash and worker harnesses: paths, a task file, catalog snapshots, failures.
# Sourced with BUILD set to the build tree and SRC to the source tree.
ferry="$BUILD/bin/ferry"
genpkg="$BUILD/bin/ferry_bench_genpkg"

fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "-- $*"; }

# write_task FILE NAME WORKSPACE PACKAGE: the catalog-only task the harnesses import (commission
# rules off, so no engine runs; the package's MaxCompute instance mapped onto a rehearsal one).
write_task() {
  cat >"$1" <<TOML
[task]
name = "$2"

[source]
plugin = "local"
path = "$4"
max_size = "1GB"

[workspace]
name = "$3"
importer = "crash"

[[workspace.engines]]
name = "rehearsal"
type = "sqlite"
path = "rehearsal.db"

[mapping.engines]
odps_first = { instance = "rehearsal", cross_engine = true }

[mapping.workspaces]
sales_dev = "sales_prod"

[commit]
resources = false
tables = false
functions = false
TOML
}

# A catalog's state as text, for comparing a resumed import with a clean one.
#   sql_objects: every object with its hash and version; sql_journal: the task's journal.
sql_objects="SELECT workspace, kind, name, sha256, version, owner, resource_group, engine_instance, dry_run, length(content) FROM objects ORDER BY workspace, kind, name"
sql_journal="SELECT kind, name, action, status, sha256 FROM journal ORDER BY kind, name"

sqlite_query() { sqlite3 -batch -separator '|' "$1" "$2"; }
pg_query() { PGOPTIONS='-c client_min_messages=warning' psql -X -q -At -F '|' -v ON_ERROR_STOP=1 "$1" -c "$2"; }

# What a report says that must not depend on how the import got there: state, the counts per kind
# and status, and each object's line (report JSON on stdin, python3 reads it).
report_digest() {
  python3 -c '
import json, sys
r = json.load(sys.stdin)
b = r["basic"]
details = sorted(r["details"], key=lambda d: (d["kind"], d["name"]))
print(json.dumps({"status": b["status"], "sha256": b["package"]["sha256"], "results": r["results"],
                  "details": details}, sort_keys=True, indent=1))'
}
