#!/usr/bin/env bash
# The main job on the bundled example: installs what is missing, builds ferry and its plugins, packs
# examples/sales_dw/ into a SPEC package and checks and previews it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FERRY_BUILD_DIR:-$root/build}

"$root/tests/install-deps.sh" build
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target app -j2

mkdir -p "$build/examples"
package="$build/examples/sales_dw.zip"
rm -f "$package"
(cd "$root/examples/sales_dw" && bsdtar --format zip -cf "$package" .)

ferry="$build/bin/ferry"
echo
echo "== ferry check $package"
"$ferry" check "$package"
echo
echo "== ferry preview $package"
"$ferry" preview "$package"
