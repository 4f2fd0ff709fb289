#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on 127.0.0.1 for the engine tests (trust auth, fsync off).
#   tests/servers/postgres.sh start DIR PORT   prints the exports the tests read
#   tests/servers/postgres.sh stop  DIR PORT
# As root the cluster runs as the postgres user (PostgreSQL refuses to run as root).
set -euo pipefail
cmd=${1:-} dir=${2:-} port=${3:-}
if [[ -z "$cmd" || -z "$dir" || -z "$port" ]]; then
  echo "usage: $0 start|stop DIR PORT" >&2
  exit 2
fi
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [[ -z "$pgbin" ]]; then
  echo "postgres.sh: no PostgreSQL server found; apt-get install -y postgresql" >&2
  exit 1
fi
as_pg() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$cmd" in
  start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [[ $(id -u) == 0 ]] && chown postgres:postgres "$dir"
    if [[ ! -f "$dir/data/PG_VERSION" ]]; then
      as_pg "$pgbin/initdb" -D "$dir/data" -U test --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    as_pg "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 \
      -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c fsync=off -c full_page_writes=off" start >/dev/null ||
      { cat "$dir/log" >&2; exit 1; }
    if ! as_pg "$pgbin/psql" -h 127.0.0.1 -p "$port" -U test -d postgres -Atc \
        "SELECT 1 FROM pg_database WHERE datname = 'testdb'" | grep -q 1; then
      as_pg "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U test testdb
    fi
    echo "export FERRY_TEST_PG_DSN='host=127.0.0.1 port=$port dbname=testdb user=test'"
    ;;
  stop)
    if [[ -f "$dir/data/postmaster.pid" ]]; then
      as_pg "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    fi
    ;;
  *)
    echo "usage: $0 start|stop DIR PORT" >&2
    exit 2
    ;;
esac
