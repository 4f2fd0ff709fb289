#!/usr/bin/env bash
# Installs the SDK from this build into a scratch prefix, builds examples/plugins out of tree with
# find_package(FerrySDK), checks that the built host loads the three plugins without refusal, and
# imports the bundled example through the example destination: objects land as files, a second plan
# creates nothing, and a file edited there is a conflict.
set -euo pipefail
build=$1
src=$2
sanitize=${3:-OFF}
cxx=${4:-c++}  # the host's compiler: a sanitized host and plugin must share one sanitizer runtime
work=$build/tests/out-of-tree
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" >"$work/install.log"
flags=""
if [ "$sanitize" = "ON" ]; then flags="-fsanitize=address,undefined -fno-omit-frame-pointer"; fi
cmake -S "$src/examples/plugins" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_MODULE_LINKER_FLAGS="$flags" >"$work/configure.log"
cmake --build "$work/build" -j2 >"$work/build.log"
json=$("$build/bin/ferry" --plugin-dir "$work/build" plugins --json)
for name in spool_dir textdb folder_example; do
  if ! grep -q "\"name\": \"$name\"" <<<"$json"; then
    echo "FAIL: plugin $name was not loaded"; echo "$json"; exit 1
  fi
done
if grep -q "$work/build" <<<"$(sed -n '/"rejected"/,$p' <<<"$json")"; then
  echo "FAIL: an out-of-tree plugin was refused"; echo "$json"; exit 1
fi
"$build/bin/ferry" --plugin-dir "$work/build" plugins describe textdb | grep -q "command:TEXTDB_SQL"
echo "out-of-tree plugins built against the installed SDK and loaded"

# An import through the out-of-tree destination.
pkg="$src/examples/sales_dw"
cat >"$work/task.toml" <<EOF
[task]
name = "oot.dest"
[source]
plugin = "local"
path = "$pkg"
[workspace]
name = "oot"
importer = "alice"
destination = "folder_example"
[workspace.folder_example]
folder = "$work/landed"
[[workspace.engines]]
name = "rehearsal"
type = "sqlite"
path = "$work/rehearsal.db"
[mapping.engines]
odps_first = { instance = "rehearsal", cross_engine = true }
[commit]
resources = false
tables = false
functions = false
EOF
ferry() { "$build/bin/ferry" --plugin-dir "$work/build" "$@" --catalog "sqlite:$work/catalog.db"; }
if ! ferry import --yes "$work/task.toml" >"$work/import1.log" 2>&1; then
  echo "FAIL: the import through folder_example failed"; cat "$work/import1.log"; exit 1
fi
for f in node/dwd_orders.json datasource/orders_db.json; do
  [ -s "$work/landed/$f" ] || { echo "FAIL: $f did not land"; ls -R "$work/landed"; exit 1; }
done
sed -i 's/^name = "oot.dest"$/name = "oot.dest2"/' "$work/task.toml"
plan=$(ferry plan --json "$work/task.toml")
if grep -q '"action": "create"' <<<"$plan"; then
  echo "FAIL: a second plan through folder_example creates again"; echo "$plan"; exit 1
fi
echo ' ' >>"$work/landed/node/dwd_orders.json"
plan=$(ferry plan --json "$work/task.toml")
if ! grep -q 'changed in folder' <<<"$plan"; then
  echo "FAIL: a file edited in the destination was not a conflict"; echo "$plan"; exit 1
fi
echo "an import through the out-of-tree destination landed, re-planned unchanged and saw an edit"
