#!/usr/bin/env bash
# The main job on the bundled example: installs what is missing, builds ferry and its plugins, packs
# examples/sales_dw/ into a SPEC package, checks and previews it, then imports it into the embedded
# workspace "sales_prod" (an SQLite catalog, tables rehearsed on an SQLite engine instance), writes
# the HTML report, and exports the workspace back as a SPEC package folder.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FERRY_BUILD_DIR:-$root/build}

"$root/tests/install-deps.sh" build
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target app -j2

ferry="$build/bin/ferry"
package="$root/examples/sales_dw.zip"
task="$root/examples/sales_dw.task.toml"
data="$root/examples/ferry-data"
rm -f "$package"
(cd "$root/examples/sales_dw" && bsdtar --format zip -cf "$package" .)
# Each run starts from an empty destination, so the output is the same every time.
rm -rf "$data"

echo "== ferry check examples/sales_dw.zip"
"$ferry" check "$package"
echo
echo "== ferry preview examples/sales_dw.zip"
"$ferry" preview "$package"
echo
echo "== ferry plan examples/sales_dw.task.toml"
"$ferry" plan "$task"
echo
echo "== ferry import examples/sales_dw.task.toml --yes"
"$ferry" import "$task" --yes
report="$data/sales_dw.example.html"
"$ferry" report sales_dw.example --catalog "sqlite:$data/catalog.db" --format html -o "$report" 2>/dev/null
echo
echo "== ferry import again: nothing changes"
"$ferry" import "$task" --yes 2>/dev/null | head -3
echo
echo "== ferry export --workspace sales_prod -o examples/ferry-data/sales_prod/  (the workspace as code)"
"$ferry" export --workspace sales_prod --catalog "sqlite:$data/catalog.db" -o "$data/sales_prod/" \
  --name sales_prod.export
echo
echo "== ferry check examples/ferry-data/sales_prod/  (the export reads back as a package)"
"$ferry" check "$data/sales_prod/" | tail -1
echo
echo "The HTML report is at $report"
echo "Look around: $ferry objects --workspace sales_prod --catalog sqlite:$data/catalog.db"
