#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in their own build tree and runs each for a bounded time.
#   tests/fuzz/run_fuzz.sh BUILD_DIR SECONDS [TARGET...]
# Seeds: tests/data/dataworks-spec (FlowSpec), small generated packages (zip, tar.gz, lone
# document), example task files, a few DDL statements, the readers' sample exports (DolphinScheduler,
# Azkaban, DWMA). The grown corpus stays in BUILD_DIR/corpus,
# so later runs start where the last one stopped. The seed is fixed (FERRY_FUZZ_SEED, default 1) so
# the test command's run is repeatable; set FERRY_FUZZ_SEED=0 for a random one when exploring. A crash stops the run with exit 1 and names the
# input; check it in under tests/fuzz/regressions/<target>/ (replayed by the fuzz.* ctest tests).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: run_fuzz.sh BUILD_DIR SECONDS [TARGET...]}
seconds=${2:?usage: run_fuzz.sh BUILD_DIR SECONDS [TARGET...]}
shift 2
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(package flowspec ddl task_config readers)
clangxx=$(command -v clang++-14 || command -v clang++ || true)
[[ -n $clangxx ]] || { echo "run_fuzz.sh: clang++ not found; apt-get install clang-14 libclang-rt-14-dev" >&2; exit 1; }

flags="-fsanitize=address,fuzzer-no-link -fno-omit-frame-pointer -gline-tables-only"
cmake -S "$root" -B "$build" -DCMAKE_CXX_COMPILER="$clangxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DFERRY_FUZZ=ON -DCMAKE_CXX_FLAGS="$flags" >"$build.configure.log" 2>&1 ||
  { cat "$build.configure.log" >&2; exit 1; }
cmake --build "$build" -j2 --target ferry_fuzz_targets >"$build.build.log" 2>&1 ||
  { tail -40 "$build.build.log" >&2; exit 1; }

# Seeds, rebuilt each run (cheap) so they follow the generator and the samples.
seeds="$build/seeds"
rm -rf "$seeds" && mkdir -p "$seeds"/{package,flowspec,ddl,task_config,readers}
find "$root/tests/data/dataworks-spec" "$root/tests/data/flowspec-features" -name '*.json' -exec cp {} "$seeds/flowspec/" \;
cp "$seeds"/flowspec/*.json "$seeds/package/" 2>/dev/null || true  # a lone document is a package too
gen="$build/bin/ferry_bench_genpkg"
"$gen" "$seeds/package/small.zip" --nodes 3 --tables 1 --functions 1 --resources 1 --code-bytes 64 --resource-bytes 64 >/dev/null
"$gen" "$seeds/package/small.tar.gz" --nodes 2 --tables 1 --functions 0 --resources 1 --code-bytes 64 --resource-bytes 32 >/dev/null
"$gen" "$seeds/package/batched.zip" --nodes 4 --nodes-per-doc 2 --tables 0 --functions 0 --resources 0 --code-bytes 48 >/dev/null
find "$root/examples" "$root/tests" -name '*.toml' -size -64k -exec cp {} "$seeds/task_config/" \; 2>/dev/null || true
# Reader packages (fuzz_readers.cpp's encoding: path NUL bytes NUL ...): each sample export whole
# (its files in path order, cut at 96 KiB) and each of its files alone.
python3 - "$seeds/readers" "$root/readers/dolphinscheduler/test/data/dolphinscheduler-1.3.9-export" \
  "$root/readers/dolphinscheduler/test/data/dolphinscheduler-3x" "$root/tests/data/other-formats/azkaban-flow2" \
  "$root/tests/data/other-formats/dwma" <<'PY'
import json, os, sys
out = sys.argv[1]
for n, folder in enumerate(sys.argv[2:]):
    files = sorted(os.path.relpath(os.path.join(d, f), folder) for d, _, fs in os.walk(folder) for f in fs)
    whole = b""
    for i, rel in enumerate(files):
        entry = rel.encode() + b"\0" + open(os.path.join(folder, rel), "rb").read() + b"\0"
        open(os.path.join(out, "s%d_%d" % (n, i)), "wb").write(entry)
        if len(whole) + len(entry) <= 96 * 1024:
            whole += entry
    open(os.path.join(out, "s%d_all" % n), "wb").write(whole)
    # A JSON list too large to be a seed (1.3's process page) also gives a seed per item, with the
    # folder's small files: the fuzzer cuts longer inputs and would never see a whole process.
    small = b"".join(e for e in (r.encode() + b"\0" + open(os.path.join(folder, r), "rb").read() + b"\0"
                                 for r in files) if len(e) <= 8 * 1024)
    for i, rel in enumerate(files):
        data = open(os.path.join(folder, rel), "rb").read()
        if len(data) <= 96 * 1024 or not rel.endswith(".json"):
            continue
        try:
            items = json.loads(data)
        except ValueError:
            continue
        for k, item in enumerate(items if isinstance(items, list) else []):
            one = json.dumps([item]).encode()
            if len(one) <= 96 * 1024:
                open(os.path.join(out, "s%d_%d_item%d" % (n, i, k)), "wb").write(small + rel.encode() + b"\0" + one + b"\0")
PY
printf 'a.job\0type=command\ncommand=echo ${x}\nx=1\n\0b.job\0type=flow\nflow.name=a\ndependencies=c\n\0c.job\0type=noop\n\0' \
  >"$seeds/readers/azkaban1"
i=0
for ddl in \
  "CREATE TABLE IF NOT EXISTS dwd_orders (id BIGINT COMMENT 'order id', amount DECIMAL(18,2)) PARTITIONED BY (dt STRING) LIFECYCLE 30" \
  "CREATE EXTERNAL TABLE p.s.t (a ARRAY<MAP<STRING,STRUCT<x:INT,y:VARCHAR(10)>>>, \`b c\` TIMESTAMP_NTZ) STORED AS ORC LOCATION 'oss://b/p' TBLPROPERTIES ('k'='v');" \
  "CREATE OR REPLACE TABLE t (c CHAR(3) NOT NULL DEFAULT 'x', d DATETIME) COMMENT 'tbl' CLUSTERED BY (c) SORTED BY (c) INTO 8 BUCKETS" \
  "CREATE FUNCTION add_one AS 'com.example.AddOne' USING 'math_lib.jar,other.py';" \
  "create table if not exists \`中文表\` (\`列\` string comment '中文') lifecycle 7" \
  "CREATE TABLE IF NOT EXISTS p.s.\"T\" (id int8 NOT NULL PRIMARY KEY, n varchar(20) DEFAULT 'x'::character varying, ts timestamptz(3) DEFAULT now(), CONSTRAINT u UNIQUE (n)); /* a /* nested */ comment */" \
  "CREATE TABLE \`t\` (\`id\` bigint(20) unsigned NOT NULL AUTO_INCREMENT COMMENT 'pk', \`e\` enum('a','b') DEFAULT 'a', PRIMARY KEY (\`id\`), KEY \`k\` (\`e\`(3))) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 # mysql" \
  "CREATE TABLE [t] (a INTEGER PRIMARY KEY AUTOINCREMENT, b TEXT COLLATE NOCASE DEFAULT (-1), c) WITHOUT ROWID, STRICT"; do
  printf '%s' "$ddl" >"$seeds/ddl/seed$i.sql"
  i=$((i + 1))
done

status=0
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t" artifacts="$build/artifacts/$t/"
  mkdir -p "$corpus" "$artifacts"
  max_len=16384
  [[ $t == package || $t == readers ]] && max_len=131072
  echo "fuzz_$t: ${seconds}s"
  if ! ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 "$build/bin/fuzz_$t" "$corpus" "$seeds/$t" \
      -seed="${FERRY_FUZZ_SEED:-1}" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2560 -max_len=$max_len \
      -artifact_prefix="$artifacts" -print_final_stats=1 >"$build/fuzz_$t.log" 2>&1; then
    status=1
    grep -E 'ERROR|SUMMARY|Test unit written' "$build/fuzz_$t.log" >&2 || tail -30 "$build/fuzz_$t.log" >&2
    echo "fuzz_$t found a crash (log: $build/fuzz_$t.log); copy the input from $artifacts into" \
      "tests/fuzz/regressions/$t/ and report it" >&2
  else
    grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$build/fuzz_$t.log" | tr '\n' ' '
    echo
  fi
done
exit $status
