#!/usr/bin/env bash
# A throwaway MariaDB server on 127.0.0.1 for the engine tests: its own datadir and socket under
# DIR, no grant tables to set up (root over TCP with no password, a database `testdb`).
#   tests/servers/mariadb.sh start DIR PORT   prints the exports the tests read
#   tests/servers/mariadb.sh stop  DIR PORT
set -euo pipefail
cmd=${1:-} dir=${2:-} port=${3:-}
if [[ -z "$cmd" || -z "$dir" || -z "$port" ]]; then
  echo "usage: $0 start|stop DIR PORT" >&2
  exit 2
fi
for tool in mariadbd mariadb-install-db mariadb; do
  if ! command -v "$tool" >/dev/null && [[ ! -x /usr/sbin/$tool ]]; then
    echo "mariadb.sh: $tool not found; apt-get install -y mariadb-server mariadb-client" >&2
    exit 1
  fi
done
mariadbd=$(command -v mariadbd || echo /usr/sbin/mariadbd)

case "$cmd" in
  start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    user=$(id -un)
    exports() {
      echo "export FERRY_TEST_MYSQL_HOST=127.0.0.1"
      echo "export FERRY_TEST_MYSQL_PORT=$port"
      echo "export FERRY_TEST_MYSQL_USER=test"
      echo "export FERRY_TEST_MYSQL_DB=testdb"
    }
    if [[ -f "$dir/mysqld.pid" ]] && kill -0 "$(cat "$dir/mysqld.pid")" 2>/dev/null; then
      exports  # already running
      exit 0
    fi
    if [[ ! -d "$dir/data/mysql" ]]; then
      # --auth-root-authentication-method=normal: root@localhost logs in without a password
      # (the default, unix_socket, would tie the login to the OS user).
      mariadb-install-db --no-defaults --datadir="$dir/data" --user="$user" \
        --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1 ||
        { cat "$dir/install.log" >&2; exit 1; }
    fi
    "$mariadbd" --no-defaults --datadir="$dir/data" --user="$user" --bind-address=127.0.0.1 --port="$port" \
      --socket="$dir/mysqld.sock" --pid-file="$dir/mysqld.pid" --log-error="$dir/error.log" \
      --skip-name-resolve --innodb-flush-log-at-trx-commit=0 --innodb-buffer-pool-size=64M >/dev/null 2>&1 &
    for _ in $(seq 1 60); do
      if mariadb --no-defaults -h 127.0.0.1 -P "$port" -u root -e 'SELECT 1' >/dev/null 2>&1; then break; fi
      sleep 0.5
    done
    if ! mariadb --no-defaults -h 127.0.0.1 -P "$port" -u root -e 'SELECT 1' >/dev/null 2>&1; then
      echo "mariadb.sh: the server did not start; its log:" >&2
      tail -20 "$dir/error.log" >&2 || true
      exit 1
    fi
    # root@localhost does not match 127.0.0.1 with skip-name-resolve: add a TCP user for the tests,
    # who may grant (a test makes a user of fewer privileges).
    mariadb --no-defaults -h 127.0.0.1 -P "$port" -u root -e \
      "CREATE DATABASE IF NOT EXISTS testdb; CREATE USER IF NOT EXISTS 'test'@'127.0.0.1'; GRANT ALL ON *.* TO 'test'@'127.0.0.1' WITH GRANT OPTION;"
    exports
    ;;
  stop)
    if [[ -f "$dir/mysqld.pid" ]]; then
      pid=$(cat "$dir/mysqld.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    fi
    ;;
  *)
    echo "usage: $0 start|stop DIR PORT" >&2
    exit 2
    ;;
esac
