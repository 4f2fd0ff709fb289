#!/bin/sh
# Starts (or stops) the loopback servers the source plugin tests need and prints `export` lines:
#   eval "$(tests/servers/start_source_servers.sh start /tmp/ferry-src)"   ...   ctest -L sources
#   tests/servers/start_source_servers.sh stop /tmp/ferry-src
#
#   FERRY_TEST_HTTP_URL     http://127.0.0.1:PORT   tests/servers/http_server.py (OSS look-alike, faults)
#   FERRY_TEST_TLS_URL      https://127.0.0.1:PORT  the same server over TLS
#   FERRY_TEST_TLS_CA       DIR/tls/ca.pem          the throwaway CA that signed its certificate
#   FERRY_TEST_S3_ENDPOINT  http://127.0.0.1:PORT   npm's s3rver, bucket "testbucket", S3RVER/S3RVER
#   FERRY_TEST_HTTP_ROOT    DIR/root                files the HTTP servers serve as ROOT/<bucket>/<key>
#
# s3rver is installed with npm into $FERRY_S3RVER_PREFIX (default ${TMPDIR:-/tmp}/ferry-s3rver) on
# first use; files served by the HTTP servers may be put under DIR/root/<bucket>/<key>. Logs: DIR/*.log.
set -eu
ACTION=${1:?usage: start_source_servers.sh start|stop DIR}
DIR=${2:?usage: start_source_servers.sh start|stop DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
PREFIX=${FERRY_S3RVER_PREFIX:-${TMPDIR:-/tmp}/ferry-s3rver}

stop_all() {
  for f in "$DIR"/*.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    kill "$pid" 2>/dev/null || true
    rm -f "$f"
  done
}

wait_port_file() {  # file -> prints the port once the server wrote it
  i=0
  while [ ! -s "$1" ]; do
    i=$((i + 1))
    if [ "$i" -gt 100 ]; then echo "server did not start; see $DIR" >&2; exit 1; fi
    sleep 0.1
  done
  cat "$1"
}

. "$HERE/free_port.sh"

case "$ACTION" in
  stop)
    stop_all
    exit 0 ;;
  start) ;;
  *) echo "usage: start_source_servers.sh start|stop DIR" >&2; exit 2 ;;
esac

mkdir -p "$DIR/root" "$DIR/s3data"
stop_all
rm -f "$DIR/http.port" "$DIR/tls.port"

python3 "$HERE/http_server.py" --port 0 --port-file "$DIR/http.port" --root "$DIR/root" \
  >"$DIR/http.log" 2>&1 &
echo $! >"$DIR/http.pid"

"$HERE/tls_certs.sh" "$DIR/tls"
python3 "$HERE/http_server.py" --port 0 --port-file "$DIR/tls.port" --root "$DIR/root" \
  --tls-cert "$DIR/tls/server.pem" --tls-key "$DIR/tls/server.key" >"$DIR/tls.log" 2>&1 &
echo $! >"$DIR/tls.pid"

if [ ! -x "$PREFIX/node_modules/.bin/s3rver" ]; then
  mkdir -p "$PREFIX"
  (cd "$PREFIX" && npm install --no-audit --no-fund --silent s3rver@3 >"$DIR/npm.log" 2>&1) || {
    echo "npm install s3rver@3 failed; see $DIR/npm.log" >&2; stop_all; exit 1; }
fi
S3PORT=$(free_port)
# The binary itself (not `npx`), so the pid is the server's.
"$PREFIX/node_modules/.bin/s3rver" -d "$DIR/s3data" -a 127.0.0.1 -p "$S3PORT" \
  --configure-bucket testbucket >"$DIR/s3rver.log" 2>&1 &
echo $! >"$DIR/s3rver.pid"

HTTP_PORT=$(wait_port_file "$DIR/http.port")
TLS_PORT=$(wait_port_file "$DIR/tls.port")
i=0
until python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $S3PORT), 1)" 2>/dev/null; do
  i=$((i + 1))
  if [ "$i" -gt 100 ]; then echo "s3rver did not start; see $DIR/s3rver.log" >&2; stop_all; exit 1; fi
  sleep 0.1
done

echo "export FERRY_TEST_HTTP_URL=http://127.0.0.1:$HTTP_PORT"
echo "export FERRY_TEST_TLS_URL=https://127.0.0.1:$TLS_PORT"
echo "export FERRY_TEST_TLS_CA=$DIR/tls/ca.pem"
echo "export FERRY_TEST_S3_ENDPOINT=http://127.0.0.1:$S3PORT"
echo "export FERRY_TEST_HTTP_ROOT=$DIR/root"
