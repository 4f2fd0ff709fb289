#!/usr/bin/env bash
# The browser test: Debian's Chromium, driven by playwright-core (installed with npm under the build
# dir, never committed, no browser download), against `ferry serve` on a free loopback port.
# Usage: tests/web/run_browser_tests.sh BUILD_DIR. Fails (never skips) when Chromium, npm or the
# server cannot start. Screenshots go to BUILD_DIR/tests/web-screenshots/. A DataWorks task imports
# into the loopback double (tests/servers/fake_dataworks.py) with the OSS look-alike
# (tests/servers/http_server.py) as its staging bucket; the server reads the double's credentials
# from its environment (DW_AK, DW_SK), as a real one reads ALIBABA_CLOUD_*.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
chromium=${FERRY_CHROMIUM:-/usr/bin/chromium}

[ -x "$chromium" ] || { echo "run_browser_tests: $chromium is missing (apt-get install chromium)" >&2; exit 1; }
[ -x "$build/bin/ferry" ] || { echo "run_browser_tests: $build/bin/ferry is not built" >&2; exit 1; }

node_dir="$build/tests/web-node"
if [ ! -d "$node_dir/node_modules/playwright-core" ]; then
  mkdir -p "$node_dir"
  [ -f "$node_dir/package.json" ] || echo '{"name":"ferry-web-tests","private":true}' >"$node_dir/package.json"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix "$node_dir" --no-audit --no-fund --silent playwright-core@1 >&2
fi

work=$(mktemp -d /tmp/ferry-web.XXXXXX)
server_pid=
helper_pids=()
cleanup() {
  for pid in $server_pid "${helper_pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# Starts a loopback test server (python3 SCRIPT --port 0 --port-file FILE ARGS...); sets $port.
start_helper() {
  local name=$1 script=$2
  shift 2
  python3 "$root/tests/servers/$script" --port 0 --port-file "$work/$name.port" "$@" >"$work/$name.log" 2>&1 &
  helper_pids+=($!)
  for _ in $(seq 1 100); do
    if [ -s "$work/$name.port" ]; then
      port=$(python3 -c 'import json, sys; t = open(sys.argv[1]).read().strip(); print(json.loads(t)["port"] if t.startswith("{") else t)' "$work/$name.port")
      return 0
    fi
    sleep 0.1
  done
  echo "run_browser_tests: $script did not start:" >&2
  cat "$work/$name.log" >&2
  exit 1
}
start_helper dataworks fake_dataworks.py --project 123456 --job-seconds 0.5 --stage-seconds 0.5
dw_port=$port
mkdir -p "$work/oss-root"
start_helper oss http_server.py --root "$work/oss-root"
oss_port=$port
dw_secret=ferry-test-sk

admin_token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
viewer_token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
cat >"$work/users.toml" <<TOML
[[users]]
name = "ann"
role = "admin"
token_sha256 = "$(printf %s "$admin_token" | sha256sum | cut -d' ' -f1)"

[[users]]
name = "vic"
role = "viewer"
token_sha256 = "$(printf %s "$viewer_token" | sha256sum | cut -d' ' -f1)"
TOML
cat >"$work/engines.toml" <<'TOML'
[workspace]
name = "sales_prod"

[[workspace.engines]]
name = "rehearsal"
type = "sqlite"
path = "rehearsal.db"
TOML
# The bundled example, packed as a SPEC package.
(cd "$root/examples/sales_dw" && python3 -c '
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for base, _, files in sorted(os.walk(".")):
        for f in sorted(files): z.write(os.path.join(base, f))
' "$work/sales_dw.zip")

: >"$work/serve.out"  # exists before the server writes to it: the loop below reads it at once
DW_AK=ferry-test-ak DW_SK=$dw_secret "$build/bin/ferry" serve --listen 127.0.0.1:0 --catalog "sqlite:$work/catalog.db" --users "$work/users.toml" \
  --data-dir "$work/web" --engines "$work/engines.toml" --max-upload 256KB >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
url=
for _ in $(seq 1 100); do
  url=$(sed -n 's|^ferry serve: listening on \(http://[^ ]*\) .*|\1|p' "$work/serve.out")
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "run_browser_tests: ferry serve did not start:" >&2
  cat "$work/serve.err" >&2
  exit 1
fi

shots="$build/tests/web-screenshots"
mkdir -p "$shots"
status=0
FERRY_URL="$url" FERRY_CATALOG="sqlite:$work/catalog.db" FERRY_ADMIN_TOKEN="$admin_token" FERRY_VIEWER_TOKEN="$viewer_token" FERRY_PACKAGE="$work/sales_dw.zip" \
  FERRY_SCREENSHOTS="$shots" FERRY_CHROMIUM="$chromium" FERRY_USER_DATA="$work/chromium-profile" \
  FERRY_NODE_DIR="$node_dir" FERRY_DW_ENDPOINT="http://127.0.0.1:$dw_port" FERRY_OSS_ENDPOINT="http://127.0.0.1:$oss_port" \
  node "$root/tests/web/browser_test.mjs" || status=$?
if grep -q -e "$admin_token" -e "$viewer_token" -e "$dw_secret" "$work/serve.err" "$work/serve.out"; then
  echo "run_browser_tests: a token or the DataWorks secret reached the server's log" >&2
  status=1
fi
[ $status -eq 0 ] || { echo "--- server log ---" >&2; tail -50 "$work/serve.err" >&2; }
exit $status
