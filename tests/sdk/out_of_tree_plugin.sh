#!/usr/bin/env bash
# Installs the SDK from this build into a scratch prefix, builds examples/plugins out of tree with
# find_package(FerrySDK), and checks that the built host loads both plugins without refusal.
set -euo pipefail
build=$1
src=$2
sanitize=${3:-OFF}
work=$build/tests/out-of-tree
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" >"$work/install.log"
flags=""
if [ "$sanitize" = "ON" ]; then flags="-fsanitize=address,undefined -fno-omit-frame-pointer"; fi
cmake -S "$src/examples/plugins" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_MODULE_LINKER_FLAGS="$flags" >"$work/configure.log"
cmake --build "$work/build" -j2 >"$work/build.log"
json=$("$build/bin/ferry" --plugin-dir "$work/build" plugins --json)
for name in spool_dir textdb; do
  if ! grep -q "\"name\": \"$name\"" <<<"$json"; then
    echo "FAIL: plugin $name was not loaded"; echo "$json"; exit 1
  fi
done
if grep -q "$work/build" <<<"$(sed -n '/"rejected"/,$p' <<<"$json")"; then
  echo "FAIL: an out-of-tree plugin was refused"; echo "$json"; exit 1
fi
"$build/bin/ferry" --plugin-dir "$work/build" plugins describe textdb | grep -q "command:TEXTDB_SQL"
echo "out-of-tree plugins built against the installed SDK and loaded"
