#!/usr/bin/env bash
# FERRY_PLUGIN must refuse, at compile time, a factory that makes another kind than the macro
# declares: the same engine factory compiles as an engine and fails as a source and a destination.
# Usage: plugin_kind_check.sh CXX SDK_INCLUDE_DIR WORK_DIR
set -uo pipefail
cxx=$1
include=$2
work=$3
src=$(cd "$(dirname "$0")" && pwd)/kind_mismatch_plugin.cpp
mkdir -p "$work"
compile() {
  "$cxx" -std=c++20 -fsyntax-only -I"$include" -DAS_$(tr a-z A-Z <<<"$1") "$src" >"$work/$1.log" 2>&1
}
if ! compile engine; then
  echo "FAIL: the engine factory declared as an engine does not compile"; cat "$work/engine.log"; exit 1
fi
for kind in source destination; do
  if compile "$kind"; then
    echo "FAIL: FERRY_PLUGIN($kind, ...) with an engine factory compiled"; exit 1
  fi
  expected="FERRY_PLUGIN($kind, ...): the factory must make a class derived from the $kind interface"
  if ! grep -qF "$expected" "$work/$kind.log"; then
    echo "FAIL: the $kind build failed without the expected message: $expected"; cat "$work/$kind.log"; exit 1
  fi
done
echo "FERRY_PLUGIN refuses a factory of another kind at compile time"
