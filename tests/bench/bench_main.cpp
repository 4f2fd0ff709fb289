// ferry_bench: measures ferry against floors taken in the same run on the same files.
//   ferry_bench check  --work DIR [--sizes 50MB,200MB,1GB] [--nodes N] [--repeat N]
//       check's time beside `bsdtar -xOf PKG > /dev/null`, and peak RSS of check and import,
//       for packages that grow in resource bytes at a fixed node count (memory should stay flat).
//   ferry_bench import --work DIR [--nodes 1000,10000,100000] [--repeat N]
//       import time at each node count beside the sqlite3 tool inserting the same rows (objects and
//       journal) in one transaction, and a second, unchanged import of the same task (medians of N).
// Every figure is printed with the command that produced it; nothing here is a pass/fail test.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "package_generator.hpp"

namespace fs = std::filesystem;
using namespace ferry::bench;

namespace {

std::string g_ferry = FERRY_BENCH_BINARY;

std::vector<std::string> split(const std::string& list) {
    std::vector<std::string> out;
    std::stringstream ss(list);
    for (std::string item; std::getline(ss, item, ',');)
        if (!item.empty()) out.push_back(item);
    return out;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

// The catalog-only task the benchmarks import: commission rules off so no engine runs, and the
// package's MaxCompute instance mapped onto an SQLite rehearsal instance the plan can name.
void write_task(const fs::path& file, const std::string& name, const fs::path& package) {
    std::ofstream out(file);
    out << "[task]\nname = \"" << name << "\"\n\n[source]\nplugin = \"local\"\npath = \"" << package.string()
        << "\"\nmax_size = \"4GB\"\n\n[workspace]\nname = \"bench_prod\"\nimporter = \"bench\"\n\n"
           "[[workspace.engines]]\nname = \"rehearsal\"\ntype = \"sqlite\"\npath = \"rehearsal.db\"\n\n"
           "[mapping.engines]\nodps_first = { instance = \"rehearsal\", cross_engine = true }\n\n"
           "[mapping.workspaces]\nsales_dev = \"sales_prod\"\n\n"
           "[commit]\nresources = false\ntables = false\nfunctions = false\n";
}

bool ensure_package(const fs::path& path, const GeneratorOptions& o, GeneratorStats& stats) {
    std::string error;
    if (!generate_package(path.string(), o, stats, error)) {
        std::fprintf(stderr, "ferry_bench: %s\n", error.c_str());
        return false;
    }
    return true;
}

bool expect_ok(const ChildResult& r, const std::string& what, const fs::path& err) {
    if (r.exit_code == 0) return true;
    std::fprintf(stderr, "ferry_bench: %s exited %d; see %s\n", what.c_str(), r.exit_code, err.c_str());
    return false;
}

int bench_check(const fs::path& work, const std::vector<std::string>& sizes, std::uint64_t nodes, int repeat) {
    std::printf("%-8s %10s %10s | %9s %9s %6s | %10s | %9s %10s\n", "size", "file MB", "entries", "bsdtar s", "check s",
                "ratio", "check RSS", "import s", "import RSS");
    for (const auto& size_text : sizes) {
        std::uint64_t size = 0;
        if (!parse_size(size_text, size)) return 2;
        GeneratorOptions o;
        o.nodes = nodes;
        o.tables = nodes / 10;
        o.functions = nodes * 3 / 100;
        o.resources = std::max<std::uint64_t>(1, size / (8ull << 20));  // 8 MiB resources
        o.resource_bytes = size / o.resources;
        const fs::path pkg = work / ("check_" + size_text + ".zip");
        GeneratorStats stats;
        if (!ensure_package(pkg, o, stats)) return 1;
        std::vector<double> tar_s, check_s;
        long check_rss = 0;
        const fs::path err = work / "check.err";
        for (int i = 0; i < repeat; ++i) {
            auto t = run_child({"bsdtar", "-xOf", pkg.string()}, "", err.string());
            if (!expect_ok(t, "bsdtar", err)) return 1;
            tar_s.push_back(t.seconds);
            auto c = run_child({g_ferry, "check", "--max-size", "4GB", pkg.string()}, "", err.string());
            if (!expect_ok(c, "ferry check", err)) return 1;
            check_s.push_back(c.seconds);
            check_rss = std::max(check_rss, c.max_rss_kb);
        }
        const fs::path ws = work / ("import_" + size_text);
        fs::remove_all(ws);
        fs::create_directories(ws);
        write_task(ws / "task.toml", "bench_size", pkg);
        const std::string cat = "sqlite:" + (ws / "catalog.db").string();
        auto imp = run_child({g_ferry, "import", (ws / "task.toml").string(), "--yes", "--json", "--catalog", cat},
                             (ws / "import.out").string(), (ws / "import.err").string());
        if (!expect_ok(imp, "ferry import", ws / "import.err")) return 1;
        fs::remove_all(ws);  // a 1 GB catalog is not worth keeping
        const double tm = median(tar_s), cm = median(check_s);
        std::printf("%-8s %10.1f %10llu | %9.2f %9.2f %6.2f | %7.1f MB | %9.2f %7.1f MB\n", size_text.c_str(),
                    static_cast<double>(stats.file_bytes) / 1e6, static_cast<unsigned long long>(stats.entries), tm, cm,
                    cm / tm, static_cast<double>(check_rss) / 1024, imp.seconds,
                    static_cast<double>(imp.max_rss_kb) / 1024);
        std::fflush(stdout);
        fs::remove(pkg);
    }
    return 0;
}

// Dumps objects and journal as INSERT statements (the sqlite3 tool's own `.mode insert`), then times
// the sqlite3 tool loading them into a fresh database in one transaction: the floor an import pays.
bool sqlite_floor(const fs::path& ws, const fs::path& catalog, double& seconds, std::uint64_t& rows) {
    const fs::path cmds = ws / "dump.cmds", script = ws / "floor.sql", floor_db = ws / "floor.db";
    {
        std::ofstream c(cmds);
        c << ".output " << (ws / "schema.sql").string() << "\n.schema objects\n.schema journal\n"
          << ".output " << (ws / "rows.sql").string() << "\n.mode insert objects\nSELECT * FROM objects;\n"
          << ".mode insert journal\nSELECT * FROM journal;\n";
    }
    if (run_child({"sqlite3", catalog.string()}, "", (ws / "dump.err").string(), cmds.string()).exit_code != 0) return false;
    {
        std::ofstream s(script);
        s << std::ifstream(ws / "schema.sql").rdbuf() << "BEGIN;\n" << std::ifstream(ws / "rows.sql").rdbuf() << "COMMIT;\n";
    }
    rows = 0;
    {
        std::ifstream r(ws / "rows.sql");
        for (std::string line; std::getline(r, line);)
            if (line.rfind("INSERT INTO", 0) == 0) ++rows;
    }
    fs::remove(floor_db);
    auto r = run_child({"sqlite3", floor_db.string()}, "", (ws / "floor.err").string(), script.string());
    seconds = r.seconds;
    return r.exit_code == 0;
}

int bench_import(const fs::path& work, const std::vector<std::string>& counts, int repeat) {
    std::printf("%8s %8s | %9s %9s %8s | %9s %9s %6s | %9s %6s\n", "nodes", "objects", "import s", "obj/s", "RSS MB",
                "sqlite3 s", "rows", "ratio", "no-op s", "no-op%");
    for (const auto& count_text : counts) {
        std::uint64_t n = 0;
        if (!parse_size(count_text, n)) return 2;
        GeneratorOptions o;
        o.nodes = n;
        o.tables = n / 10;
        o.functions = n * 3 / 100;
        o.resources = n / 50;
        o.resource_bytes = 4096;
        o.code_bytes = 1024;
        if (n > 20000) o.nodes_per_document = 10;  // keeps 100k nodes under the 200,000-entry cap
        const fs::path ws = work / ("import_n" + count_text);
        fs::remove_all(ws);
        fs::create_directories(ws);
        const fs::path pkg = ws / "package.zip";
        GeneratorStats stats;
        if (!ensure_package(pkg, o, stats)) return 1;
        write_task(ws / "task.toml", "bench_nodes", pkg);
        const fs::path catalog = ws / "catalog.db";
        const std::string cat = "sqlite:" + catalog.string();
        // The summary output a user sees; --json would add printing every object's report row.
        const std::vector<std::string> argv = {g_ferry, "import", (ws / "task.toml").string(), "--yes",
                                               "--catalog", cat};
        // Each round: a fresh catalog, a first import, the same import again (unchanged), and the
        // sqlite3 floor; medians, since one run on a shared machine is noise.
        std::vector<double> first_s, again_s, floor_all;
        ChildResult first;
        std::uint64_t rows = 0;
        for (int round = 0; round < repeat; ++round) {
            for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(catalog.string() + suffix);
            first = run_child(argv, (ws / "import1.out").string(), (ws / "import1.err").string());
            if (!expect_ok(first, "ferry import", ws / "import1.err")) return 1;
            auto again = run_child(argv, (ws / "import2.out").string(), (ws / "import2.err").string());
            if (!expect_ok(again, "ferry import (unchanged)", ws / "import2.err")) return 1;
            double floor_s = 0;
            if (!sqlite_floor(ws, catalog, floor_s, rows)) {
                std::fprintf(stderr, "ferry_bench: the sqlite3 floor failed; see %s\n", (ws / "floor.err").c_str());
                return 1;
            }
            first_s.push_back(first.seconds);
            again_s.push_back(again.seconds);
            floor_all.push_back(floor_s);
        }
        const double import_s = median(first_s), noop_s = median(again_s), floor_s = median(floor_all);
        const std::uint64_t objects = o.nodes + o.tables + o.functions + o.resources;
        std::printf("%8llu %8llu | %9.2f %9.0f %8.1f | %9.2f %9llu %6.2f | %9.2f %5.1f%%\n",
                    static_cast<unsigned long long>(n), static_cast<unsigned long long>(objects), import_s,
                    static_cast<double>(objects) / import_s, static_cast<double>(first.max_rss_kb) / 1024, floor_s,
                    static_cast<unsigned long long>(rows), import_s / floor_s, noop_s, 100.0 * noop_s / import_s);
        std::fflush(stdout);
    }
    return 0;
}

int usage() {
    std::fprintf(stderr,
                 "usage: ferry_bench check  --work DIR [--sizes 50MB,200MB,1GB] [--nodes N] [--repeat N] [--ferry BIN]\n"
                 "       ferry_bench import --work DIR [--nodes 1000,10000,100000] [--repeat N] [--ferry BIN]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage();
    const std::string mode = argv[1];
    fs::path work;
    std::string sizes = "50MB,200MB", nodes_list = "1000,10000";
    std::uint64_t nodes = 10000;
    int repeat = 3;
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string key = argv[i], value = argv[i + 1];
        if (key == "--work") work = value;
        else if (key == "--sizes") sizes = value;
        else if (key == "--nodes" && mode == "import") nodes_list = value;
        else if (key == "--nodes") nodes = std::stoull(value);
        else if (key == "--repeat") repeat = std::stoi(value);
        else if (key == "--ferry") g_ferry = value;
        else return usage();
    }
    if (work.empty()) return usage();
    fs::create_directories(work);
    if (mode == "check") return bench_check(work, split(sizes), nodes, repeat);
    if (mode == "import") return bench_import(work, split(nodes_list), repeat);
    return usage();
}
