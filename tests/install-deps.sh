#!/usr/bin/env bash
# Installs the Debian 12 packages ferry needs, skipping those already installed (so a machine that
# has them all never touches the network). Usage: tests/install-deps.sh [build|test]
set -euo pipefail
profile=${1:-test}

build_packages=(cmake g++ make pkg-config libboost-dev libboost-program-options-dev libtomlplusplus-dev
  libarchive-dev zlib1g-dev libpoco-dev libpq-dev libssl-dev libmariadb-dev libsqlite3-dev nlohmann-json3-dev googletest
  libgtest-dev libgmock-dev libarchive-tools libmimalloc-dev libsimdjson-dev)
test_packages=(postgresql mariadb-server mariadb-client python3 openssl sqlite3 unzip chromium fonts-wqy-zenhei
  clang-14 libclang-rt-14-dev)

packages=("${build_packages[@]}")
if [ "$profile" = "test" ]; then packages+=("${test_packages[@]}"); fi
# Node.js and npm run the S3 test server (s3rver); keep a Node.js that is already there.
if [ "$profile" = "test" ] && ! command -v npm >/dev/null 2>&1; then packages+=(nodejs npm); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then missing+=("$p"); fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
echo "install-deps: installing ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
