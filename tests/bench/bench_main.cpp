// ferry_bench: measures ferry against floors taken in the same run on the same files.
//   ferry_bench check  --work DIR [--sizes 50MB,200MB,1GB] [--nodes N] [--repeat N]
//       check's time beside `bsdtar -xOf PKG > /dev/null`, and peak RSS of check and import,
//       for packages that grow in resource bytes at a fixed node count (memory should stay flat).
//   ferry_bench import --work DIR [--nodes 1000,10000,100000] [--repeat N]
//       import time at each node count beside the sqlite3 tool inserting the same rows (objects and
//       journal) in one transaction, and a second, unchanged import of the same task (medians of N;
//       the ratio is the median of each round's ratio).
//   ferry_bench export --work DIR [--nodes 10000,100000] [--repeat N] [--max-rss-ratio R]
//       `ferry export` of the workspace an import of the same packages made: to a zip, to a new
//       folder, and to that folder again unchanged; time, peak RSS and its anonymous and file-backed
//       parts, and the export's object counts checked against the catalog's. Exits 3 when the
//       largest count's peak RSS is more than R (default 2) times the smallest's (issue 12: an export
//       never holds the package in memory).
//   ferry_bench pg --work DIR [--nodes 3000] [--repeat N] [--max-ratio R]
//       the same import into a fresh SQLite catalog and into a fresh PostgreSQL database (a throwaway
//       server on a free loopback port), side by side each round; medians, and the median of the
//       rounds' ratios. Exits 3
//       when the ratio is over R (default 2; issue 15).
//   ferry_bench workers --work DIR [--tasks M] [--workers 1,2,4] [--nodes N]
//       M tasks, each into its own workspace of one PostgreSQL catalog, queued; then W `ferry worker
//       --once` processes started at once and timed until the queue is drained: tasks per minute
//       for each W, and every task checked IMPORT_SUCCESS, claimed exactly once.
// Every run first prints the machine's state (a fixed loop's time on each CPU, fresh memory's cost:
// host_state.hpp) and ends with the share of CPU time the host took away (steal), since ratios
// move with both. Every figure is printed with the command that produced it; nothing here is a
// unit test (none is run by ctest), and only `export`'s memory bound and `pg`'s ratio change the
// exit code.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "child_process.hpp"
#include "host_state.hpp"
#include "package_generator.hpp"
#include "pg_server.hpp"

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

// The median of each round's ratio a[i] / b[i], both taken in the same round. This machine's speed
// drifts within minutes (a floor took 0.40 s, then 0.86 s within the hour): a ratio of medians
// set an a from one moment against a b from another.
double median_ratio(const std::vector<double>& a, const std::vector<double>& b) {
    std::vector<double> r;
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
        if (b[i] > 0) r.push_back(a[i] / b[i]);
    return median(std::move(r));
}

// The catalog-only task the benchmarks import: commission rules off so no engine runs, and the
// package's MaxCompute instance mapped onto an SQLite rehearsal instance the plan can name.
void write_task(const fs::path& file, const std::string& name, const fs::path& package,
                const std::string& workspace = "bench_prod") {
    std::ofstream out(file);
    out << "[task]\nname = \"" << name << "\"\n\n[source]\nplugin = \"local\"\npath = \"" << package.string()
        << "\"\nmax_size = \"4GB\"\n\n[workspace]\nname = \"" << workspace << "\"\nimporter = \"bench\"\n\n"
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

// The packages `import` and `export` use: N nodes, N/10 tables, 3N/100 functions, N/50 resources of
// 4 KiB, 1 KiB of SQL per node.
GeneratorOptions node_package(std::uint64_t n) {
    GeneratorOptions o;
    o.nodes = n;
    o.tables = n / 10;
    o.functions = n * 3 / 100;
    o.resources = n / 50;
    o.resource_bytes = 4096;
    o.code_bytes = 1024;
    if (n > 20000) o.nodes_per_document = 10;  // keeps 100k nodes under the 200,000-entry cap
    return o;
}

int bench_import(const fs::path& work, const std::vector<std::string>& counts, int repeat) {
    std::printf("%8s %8s | %9s %9s %8s | %9s %9s %6s | %9s %6s | %8s\n", "nodes", "objects", "import s", "obj/s",
                "RSS MB", "sqlite3 s", "rows", "ratio", "no-op s", "no-op%", "check s");
    for (const auto& count_text : counts) {
        std::uint64_t n = 0;
        if (!parse_size(count_text, n)) return 2;
        const GeneratorOptions o = node_package(n);
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
        std::vector<double> first_s, again_s, floor_all, check_all;
        ChildResult first;
        std::uint64_t rows = 0;
        for (int round = 0; round < repeat; ++round) {
            // Where the time goes: `ferry check` is the import's reading and checking of the
            // package; the rest is planning and writing. (`ferry plan` is no measure of planning:
            // printing every object's plan costs more than making it.)
            auto check = run_child({g_ferry, "check", "--max-size", "4GB", pkg.string()}, (ws / "check.out").string(),
                                   (ws / "check.err").string());
            if (!expect_ok(check, "ferry check", ws / "check.err")) return 1;
            check_all.push_back(check.seconds);
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
        std::printf("%8llu %8llu | %9.2f %9.0f %8.1f | %9.2f %9llu %6.2f | %9.2f %5.1f%% | %8.2f\n",
                    static_cast<unsigned long long>(n), static_cast<unsigned long long>(objects), import_s,
                    static_cast<double>(objects) / import_s, static_cast<double>(first.max_rss_kb) / 1024, floor_s,
                    static_cast<unsigned long long>(rows), median_ratio(first_s, floor_all), noop_s,
                    100.0 * noop_s / import_s,
                    median(check_all));
        std::fflush(stdout);
    }
    return 0;
}

using Counts = std::map<std::string, std::uint64_t>;

std::string counts_text(const Counts& counts) {
    std::string out;
    for (const auto& [kind, n] : counts) out += (out.empty() ? "" : ", ") + kind + " " + std::to_string(n);
    return out.empty() ? "none" : out;
}

// The workspace's objects per kind as the catalog holds them, read with the sqlite3 tool (not
// through ferry, so an export that miscounts cannot agree with itself).
bool catalog_counts(const fs::path& ws, const fs::path& catalog, Counts& out) {
    const fs::path sql = ws / "counts.sql", text = ws / "counts.txt";
    std::ofstream(sql) << "SELECT kind, count(*) FROM objects WHERE workspace = 'bench_prod' GROUP BY kind;\n";
    if (run_child({"sqlite3", "-separator", " ", catalog.string()}, text.string(), (ws / "counts.err").string(),
                  sql.string())
            .exit_code != 0)
        return false;
    std::ifstream in(text);
    std::string kind;
    std::uint64_t n = 0;
    while (in >> kind >> n) out[kind] = n;
    return !out.empty();
}

// One export target measured over the rounds: median time, the largest peaks.
struct ExportFigures {
    std::vector<double> seconds;
    long rss_kb = 0, anon_kb = 0, file_kb = 0;
    std::uint64_t package_bytes = 0;  // as ferry reports it: the zip, or the folder's tar stream
    std::string sha256;
    void add(const ChildResult& r) {
        seconds.push_back(r.seconds);
        rss_kb = std::max(rss_kb, r.max_rss_kb);
        anon_kb = std::max(anon_kb, r.peak_anon_kb);
        file_kb = std::max(file_kb, r.peak_file_kb);
    }
};

// One `ferry export --json` with its memory sampled; its printed counts must equal the catalog's.
// False, saying why, when the export failed or they differ.
bool measure_export(const std::string& catalog_uri, const std::string& output, const fs::path& ws,
                    const std::string& label, const Counts& expected, ChildResult& r, nlohmann::json& doc) {
    const fs::path out = ws / ("export_" + label + ".json"), err = ws / ("export_" + label + ".err");
    r = run_child({g_ferry, "export", "--workspace", "bench_prod", "-o", output, "--catalog", catalog_uri, "--json"},
                  out.string(), err.string(), "", true);
    if (!expect_ok(r, "ferry export (" + label + ")", err)) return false;
    doc = nlohmann::json::parse(std::ifstream(out), nullptr, false);
    if (!doc.is_object() || doc.value("ok", false) != true || !doc.contains("objects")) {
        std::fprintf(stderr, "ferry_bench: ferry export (%s) printed no successful result; see %s\n", label.c_str(),
                     out.c_str());
        return false;
    }
    Counts got;
    for (const auto& [kind, n] : doc["objects"].items()) got[kind] = n.is_number_unsigned() ? n.get<std::uint64_t>() : 0;
    if (got != expected) {
        std::fprintf(stderr, "ferry_bench: ferry export (%s) wrote %s; the catalog holds %s\n", label.c_str(),
                     counts_text(got).c_str(), counts_text(expected).c_str());
        return false;
    }
    return true;
}

// Each count: a package as `import` makes it, imported once (catalog only), then per round an
// export to a zip, to a new folder, and to the same folder again (an unchanged workspace: nothing
// may be rewritten). Peak RSS should not grow with the object count: the exporter reads the
// catalog a page at a time and writes each object's files as it goes.
int bench_export(const fs::path& work, const std::vector<std::string>& counts, int repeat, double max_ratio) {
    const char* targets[] = {"zip", "folder (new)", "folder (same)"};
    struct Row {
        std::uint64_t nodes = 0, objects = 0;
        ExportFigures figures[3];
    };
    std::vector<Row> rows;
    std::printf("%8s %8s  %-13s | %9s %9s %10s | %8s %8s %8s\n", "nodes", "objects", "export to", "export s", "obj/s",
                "package MB", "RSS MB", "anon MB", "file MB");
    for (const auto& count_text : counts) {
        std::uint64_t n = 0;
        if (!parse_size(count_text, n)) return 2;
        const fs::path ws = work / ("export_n" + count_text);
        fs::remove_all(ws);
        fs::create_directories(ws);
        const fs::path pkg = ws / "package.zip";
        GeneratorStats stats;
        if (!ensure_package(pkg, node_package(n), stats)) return 1;
        write_task(ws / "task.toml", "bench_export", pkg);
        const fs::path catalog = ws / "catalog.db";
        const std::string cat = "sqlite:" + catalog.string();
        auto imp = run_child({g_ferry, "import", (ws / "task.toml").string(), "--yes", "--catalog", cat},
                             (ws / "import.out").string(), (ws / "import.err").string());
        if (!expect_ok(imp, "ferry import", ws / "import.err")) return 1;
        Counts expected;
        if (!catalog_counts(ws, catalog, expected)) {
            std::fprintf(stderr, "ferry_bench: cannot count the catalog's objects; see %s\n", (ws / "counts.err").c_str());
            return 1;
        }
        Row row;
        row.nodes = n;
        for (const auto& [kind, k] : expected) row.objects += k;
        const std::string zip = (ws / "export.zip").string(), folder = (ws / "export").string() + "/";
        for (int round = 0; round < repeat; ++round) {
            ChildResult r;
            nlohmann::json doc;
            fs::remove(zip);
            if (!measure_export(cat, zip, ws, "zip", expected, r, doc)) return 1;
            const std::string zip_sha = doc.value("sha256", "");
            if (round > 0 && zip_sha != row.figures[0].sha256) {
                std::fprintf(stderr, "ferry_bench: the same workspace exported to another zip (%s, then %s)\n",
                             row.figures[0].sha256.c_str(), zip_sha.c_str());
                return 1;
            }
            row.figures[0].add(r);
            row.figures[0].sha256 = zip_sha;
            row.figures[0].package_bytes = doc.value("size", std::uint64_t{0});

            fs::remove_all(folder);
            if (!measure_export(cat, folder, ws, "folder", expected, r, doc)) return 1;
            row.figures[1].add(r);
            row.figures[1].sha256 = doc.value("sha256", "");
            row.figures[1].package_bytes = doc.value("size", std::uint64_t{0});

            if (!measure_export(cat, folder, ws, "folder-again", expected, r, doc)) return 1;
            const auto written = doc.value("files", nlohmann::json::object()).value("written", std::uint64_t{1});
            if (written != 0 || doc.value("sha256", "") != row.figures[1].sha256) {
                std::fprintf(stderr,
                             "ferry_bench: exporting an unchanged workspace again rewrote %llu file(s) (sha256 %s, "
                             "first %s)\n",
                             static_cast<unsigned long long>(written), doc.value("sha256", "").c_str(),
                             row.figures[1].sha256.c_str());
                return 1;
            }
            row.figures[2].add(r);
            row.figures[2].sha256 = row.figures[1].sha256;
            row.figures[2].package_bytes = row.figures[1].package_bytes;
        }
        for (int t = 0; t < 3; ++t) {
            const ExportFigures& f = row.figures[t];
            const double s = median(f.seconds);
            std::printf("%8llu %8llu  %-13s | %9.2f %9.0f %10.1f | %8.1f %8.1f %8.1f\n",
                        static_cast<unsigned long long>(n), static_cast<unsigned long long>(row.objects), targets[t], s,
                        static_cast<double>(row.objects) / s, static_cast<double>(f.package_bytes) / 1e6,
                        static_cast<double>(f.rss_kb) / 1024, static_cast<double>(f.anon_kb) / 1024,
                        static_cast<double>(f.file_kb) / 1024);
        }
        std::printf("%8s %8s  exported as the catalog holds: %s (import %.2f s, %.1f MB)\n", "", "",
                    counts_text(expected).c_str(), imp.seconds, static_cast<double>(imp.max_rss_kb) / 1024);
        std::fflush(stdout);
        rows.push_back(std::move(row));
    }
    if (rows.size() < 2) return 0;
    const auto [small, large] = std::minmax_element(
        rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.nodes < b.nodes; });
    std::printf("\npeak memory at %llu nodes against %llu nodes (%.1fx the objects; bound on RSS: %.2fx)\n",
                static_cast<unsigned long long>(large->nodes), static_cast<unsigned long long>(small->nodes),
                static_cast<double>(large->objects) / static_cast<double>(small->objects), max_ratio);
    auto ratio = [](long a, long b) { return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : 0.0; };
    bool within = true;
    for (int t = 0; t < 3; ++t) {
        const ExportFigures &a = large->figures[t], &b = small->figures[t];
        const double rss = ratio(a.rss_kb, b.rss_kb);
        within = within && rss <= max_ratio;
        std::printf("  %-13s  RSS %5.2fx  anon %5.2fx  file %5.2fx  %s\n", targets[t], rss, ratio(a.anon_kb, b.anon_kb),
                    ratio(a.file_kb, b.file_kb), rss <= max_ratio ? "within" : "OVER THE BOUND");
    }
    return within ? 0 : 3;
}

// The catalog's rows as the psql tool counts them: objects, and journal entries by status.
struct PgCounts {
    std::string objects, journal;
};
PgCounts pg_counts(PgServer& pg, const std::string& db) {
    return {pg.value(db, "SELECT count(*) FROM objects"),
            pg.value(db, "SELECT string_agg(status || ' ' || n, ', ' ORDER BY status) FROM"
                         " (SELECT status, count(*) AS n FROM journal GROUP BY status) s")};
}

// Each count: one package, imported each round into a fresh SQLite catalog and then into a fresh
// PostgreSQL database (same task, same plugins, same machine a moment apart). The PostgreSQL
// import must land what the SQLite one did: the same number of objects, every journal entry
// succeeded.
int bench_pg(const fs::path& work, const std::vector<std::string>& counts, int repeat, double max_ratio) {
    PgServer pg;  // stopped on every way out
    if (!pg.start(FERRY_BENCH_PG_SCRIPT, work / "pg-server")) return 1;
    const std::string db = "ferry_bench_pg";
    std::printf("PostgreSQL %s on %s\n", pg.value("postgres", "SHOW server_version").c_str(), pg.dsn(db).c_str());
    std::printf("%8s %8s | %9s %9s | %9s %9s | %6s\n", "nodes", "objects", "sqlite s", "obj/s", "pg s", "obj/s",
                "ratio");
    bool within = true;
    for (const auto& count_text : counts) {
        std::uint64_t n = 0;
        if (!parse_size(count_text, n)) return 2;
        const GeneratorOptions o = node_package(n);
        const fs::path ws = work / ("pg_n" + count_text);
        fs::remove_all(ws);
        fs::create_directories(ws);
        const fs::path pkg = ws / "package.zip";
        GeneratorStats stats;
        if (!ensure_package(pkg, o, stats)) return 1;
        write_task(ws / "task.toml", "bench_pg", pkg);
        const fs::path catalog = ws / "catalog.db";
        std::vector<double> sqlite_s, pg_s;
        PgCounts landed;
        for (int round = 0; round < repeat; ++round) {
            for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(catalog.string() + suffix);
            auto lite = run_child({g_ferry, "import", (ws / "task.toml").string(), "--yes", "--catalog",
                                   "sqlite:" + catalog.string()},
                                  (ws / "sqlite.out").string(), (ws / "sqlite.err").string());
            if (!expect_ok(lite, "ferry import (SQLite)", ws / "sqlite.err")) return 1;
            if (!pg.recreate_database(db)) return 1;
            auto post = run_child({g_ferry, "import", (ws / "task.toml").string(), "--yes", "--catalog", pg.uri(db)},
                                  (ws / "pg.out").string(), (ws / "pg.err").string());
            if (!expect_ok(post, "ferry import (PostgreSQL)", ws / "pg.err")) return 1;
            sqlite_s.push_back(lite.seconds);
            pg_s.push_back(post.seconds);
            landed = pg_counts(pg, db);
        }
        const std::uint64_t objects = o.nodes + o.tables + o.functions + o.resources;
        const std::string want_journal = "succeeded " + std::to_string(objects);
        if (landed.objects != std::to_string(objects) || landed.journal != want_journal) {
            std::fprintf(stderr, "ferry_bench: the PostgreSQL catalog holds %s objects and journal %s; expected %llu, %s\n",
                         landed.objects.c_str(), landed.journal.c_str(), static_cast<unsigned long long>(objects),
                         want_journal.c_str());
            return 1;
        }
        const double ls = median(sqlite_s), ps = median(pg_s), ratio = median_ratio(pg_s, sqlite_s);
        within = within && ratio <= max_ratio;
        std::printf("%8llu %8llu | %9.2f %9.0f | %9.2f %9.0f | %5.2fx%s\n", static_cast<unsigned long long>(n),
                    static_cast<unsigned long long>(objects), ls, static_cast<double>(objects) / ls, ps,
                    static_cast<double>(objects) / ps, ratio, ratio <= max_ratio ? "" : "  OVER THE BOUND");
        std::fflush(stdout);
    }
    std::printf("bound on the ratio: %.2fx (%s)\n", max_ratio, within ? "within" : "missed");
    return within ? 0 : 3;
}

// Per worker count: a fresh database, M tasks queued (each into a workspace of its own, so none
// waits for another's lock), then W workers started together and timed until every one has found
// the queue empty and exited. Afterwards: every task IMPORT_SUCCESS, each claimed by exactly one
// worker once, every journal entry succeeded, every object written once.
int bench_workers(const fs::path& work, int tasks, const std::vector<std::string>& worker_counts, std::uint64_t nodes) {
    PgServer pg;
    if (!pg.start(FERRY_BENCH_PG_SCRIPT, work / "pg-server")) return 1;
    const fs::path dir = work / "workers";
    fs::remove_all(dir);
    fs::create_directories(dir);
    GeneratorOptions o = node_package(nodes);
    const std::uint64_t per_task = o.nodes + o.tables + o.functions + o.resources;
    const fs::path pkg = dir / "package.zip";
    GeneratorStats stats;
    if (!ensure_package(pkg, o, stats)) return 1;
    std::printf("%d tasks of %llu objects each (%llu nodes), each into its own workspace; PostgreSQL %s\n", tasks,
                static_cast<unsigned long long>(per_task), static_cast<unsigned long long>(nodes),
                pg.value("postgres", "SHOW server_version").c_str());
    std::printf("%8s | %9s %12s %9s\n", "workers", "drained s", "tasks/min", "speed-up");
    double one_worker = 0;
    for (const auto& count_text : worker_counts) {
        const int workers = std::stoi(count_text);
        const std::string db = "ferry_bench_workers";
        if (workers < 1 || !pg.recreate_database(db)) return workers < 1 ? 2 : 1;
        const std::string uri = pg.uri(db);
        for (int t = 0; t < tasks; ++t) {
            const std::string name = "task_" + std::to_string(t);
            const fs::path file = dir / (name + ".toml");
            write_task(file, name, pkg, "ws_" + std::to_string(t));
            auto q = run_child({g_ferry, "queue", file.string(), "--catalog", uri}, "", (dir / "queue.err").string());
            if (!expect_ok(q, "ferry queue " + name, dir / "queue.err")) return 1;
        }
        std::vector<StartedChild> started;
        for (int w = 0; w < workers; ++w) {
            const std::string out = (dir / ("worker" + std::to_string(w) + ".out")).string();
            const std::string err = (dir / ("worker" + std::to_string(w) + ".err")).string();
            started.push_back(start_child({g_ferry, "worker", "--catalog", uri, "--once", "--poll", "0.1"}, out, err));
        }
        const auto t0 = started.front().started;
        bool all_ok = true;
        for (int w = 0; w < workers; ++w) {
            auto r = wait_child(started[static_cast<std::size_t>(w)]);
            all_ok = expect_ok(r, "ferry worker " + std::to_string(w), dir / ("worker" + std::to_string(w) + ".err")) &&
                     all_ok;
        }
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (!all_ok) return 1;
        // Exactly once: the workers' own "claimed NAME" lines, and the catalog's rows.
        std::map<std::string, int> claims;
        for (int w = 0; w < workers; ++w) {
            std::ifstream in(dir / ("worker" + std::to_string(w) + ".out"));
            for (std::string line; std::getline(in, line);) {
                std::istringstream words(line);
                std::string when, verb, task;
                if (words >> when >> verb >> task && verb == "claimed") ++claims[task];
            }
        }
        std::string problem;
        for (int t = 0; t < tasks && problem.empty(); ++t) {
            const std::string name = "task_" + std::to_string(t);
            if (claims[name] != 1) problem = name + " was claimed " + std::to_string(claims[name]) + " times";
        }
        const std::string not_done = pg.value(db, "SELECT count(*) FROM tasks WHERE state <> 'IMPORT_SUCCESS'");
        const std::string objects = pg.value(db, "SELECT count(*) FROM objects WHERE version = 1");
        const std::string journal = pg.value(db, "SELECT count(*) FROM journal WHERE status = 'succeeded'");
        const std::string expected = std::to_string(per_task * static_cast<std::uint64_t>(tasks));
        if (problem.empty() && not_done != "0") problem = not_done + " tasks did not end IMPORT_SUCCESS";
        if (problem.empty() && (objects != expected || journal != expected))
            problem = objects + " objects at version 1 and " + journal + " succeeded journal entries; expected " +
                      expected + " of each";
        if (!problem.empty()) {
            std::fprintf(stderr, "ferry_bench: with %d workers: %s (see %s)\n", workers, problem.c_str(), dir.c_str());
            return 1;
        }
        const double per_minute = 60.0 * tasks / seconds;
        if (one_worker == 0) one_worker = per_minute;
        std::printf("%8d | %9.2f %12.1f %8.2fx\n", workers, seconds, per_minute, per_minute / one_worker);
        std::fflush(stdout);
    }
    std::printf("every task IMPORT_SUCCESS, claimed exactly once; every object written once\n");
    return 0;
}

// Issue 15's memory table: per node count, `ferry check` beside `unzip -p` (the same package,
// medians of the rounds, and the median of the rounds' ratios) with check's peak RSS, then a catalog-only import's peak RSS and time.
// Exits 3 when a goal is missed: check over 100 MB, import over 200 MB, or the largest count's import
// peak RSS over `max_ratio` times the smallest's (flat in the number of objects).
int bench_memory(const fs::path& work, const std::vector<std::string>& counts, int repeat, double max_ratio) {
    std::printf("%8s %8s %9s | %8s %8s %6s | %10s | %9s %10s\n", "nodes", "objects", "file MB", "unzip s", "check s",
                "ratio", "check RSS", "import s", "import RSS");
    bool missed = false;
    long first_import_rss = 0, last_import_rss = 0;
    for (const auto& count_text : counts) {
        std::uint64_t n = 0;
        if (!parse_size(count_text, n)) return 2;
        const GeneratorOptions o = node_package(n);
        const fs::path ws = work / ("memory_n" + count_text);
        fs::remove_all(ws);
        fs::create_directories(ws);
        const fs::path pkg = ws / "package.zip";
        GeneratorStats stats;
        if (!ensure_package(pkg, o, stats)) return 1;
        const fs::path err = ws / "check.err";
        std::vector<double> unzip_s, check_s;
        long check_rss = 0;
        for (int i = 0; i < repeat; ++i) {
            auto u = run_child({"unzip", "-p", pkg.string()}, "", err.string());
            if (!expect_ok(u, "unzip -p", err)) return 1;
            unzip_s.push_back(u.seconds);
            auto c = run_child({g_ferry, "check", "--max-size", "4GB", pkg.string()}, "", err.string());
            if (!expect_ok(c, "ferry check", err)) return 1;
            check_s.push_back(c.seconds);
            check_rss = std::max(check_rss, c.max_rss_kb);
        }
        write_task(ws / "task.toml", "bench_memory", pkg);
        const std::string cat = "sqlite:" + (ws / "catalog.db").string();
        auto imp = run_child({g_ferry, "import", (ws / "task.toml").string(), "--yes", "--catalog", cat},
                             (ws / "import.out").string(), (ws / "import.err").string());
        if (!expect_ok(imp, "ferry import", ws / "import.err")) return 1;
        const std::uint64_t objects = o.nodes + o.tables + o.functions + o.resources;
        const double um = median(unzip_s), cm = median(check_s);
        std::printf("%8s %8llu %9.1f | %8.2f %8.2f %6.2f | %7.1f MB | %9.2f %7.1f MB\n", count_text.c_str(),
                    static_cast<unsigned long long>(objects), static_cast<double>(stats.file_bytes) / 1e6, um, cm,
                    median_ratio(check_s, unzip_s), static_cast<double>(check_rss) / 1024, imp.seconds,
                    static_cast<double>(imp.max_rss_kb) / 1024);
        std::fflush(stdout);
        if (check_rss > 100 * 1024 || imp.max_rss_kb > 200 * 1024) missed = true;
        if (first_import_rss == 0) first_import_rss = imp.max_rss_kb;
        last_import_rss = imp.max_rss_kb;
        fs::remove_all(ws);
    }
    if (first_import_rss > 0 && static_cast<double>(last_import_rss) > max_ratio * static_cast<double>(first_import_rss)) {
        std::printf("import peak RSS grew %.2fx from the smallest count to the largest (bound %.2fx)\n",
                    static_cast<double>(last_import_rss) / static_cast<double>(first_import_rss), max_ratio);
        missed = true;
    }
    if (missed) std::printf("a memory goal is missed (check < 100 MB, import < 200 MB, flat)\n");
    return missed ? 3 : 0;
}

int usage() {
    std::fprintf(stderr,
                 "usage: ferry_bench check  --work DIR [--sizes 50MB,200MB,1GB] [--nodes N] [--repeat N] [--ferry BIN]\n"
                 "       ferry_bench import --work DIR [--nodes 1000,10000,100000] [--repeat N] [--ferry BIN]\n"
                 "       ferry_bench export --work DIR [--nodes 10000,100000] [--repeat N] [--max-rss-ratio R] "
                 "[--ferry BIN]\n"
                 "       ferry_bench pg --work DIR [--nodes 3000] [--repeat N] [--max-ratio R] [--ferry BIN]\n"
                 "       ferry_bench workers --work DIR [--tasks 12] [--workers 1,2,4] [--nodes 300] [--ferry BIN]\n"
                 "       ferry_bench memory --work DIR [--nodes 10000,50000,100000] [--repeat N] [--max-rss-ratio R] "
                 "[--ferry BIN]\n"
                 "exit 0 when measured, 1 when a command failed, 2 on bad usage; export: 3 when the largest\n"
                 "count's peak RSS is over R (default 2) times the smallest's; pg: 3 when PostgreSQL's import\n"
                 "takes over R (default 2) times SQLite's; memory: 3 when check's peak RSS is over 100 MB,\n"
                 "an import's over 200 MB, or the largest count's import over R (default 2) times the smallest's\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage();
    const std::string mode = argv[1];
    fs::path work;
    std::string sizes = "50MB,200MB", nodes_list = mode == "export"   ? "10000,100000"
                                                   : mode == "pg"     ? "3000"
                                                   : mode == "memory" ? "10000,50000,100000"
                                                                      : "1000,10000";
    std::string worker_counts = "1,2,4";
    std::uint64_t nodes = mode == "workers" ? 300 : 10000;
    int repeat = 3, tasks = 12;
    double max_rss_ratio = 2.0, max_ratio = 2.0;
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string key = argv[i], value = argv[i + 1];
        if (key == "--work") work = value;
        else if (key == "--sizes") sizes = value;
        else if (key == "--nodes" && (mode == "import" || mode == "export" || mode == "pg" || mode == "memory"))
            nodes_list = value;
        else if (key == "--max-rss-ratio" && (mode == "export" || mode == "memory")) max_rss_ratio = std::stod(value);
        else if (key == "--max-ratio" && mode == "pg") max_ratio = std::stod(value);
        else if (key == "--tasks" && mode == "workers") tasks = std::stoi(value);
        else if (key == "--workers" && mode == "workers") worker_counts = value;
        else if (key == "--nodes") nodes = std::stoull(value);
        else if (key == "--repeat") repeat = std::stoi(value);
        else if (key == "--ferry") g_ferry = value;
        else return usage();
    }
    if (work.empty()) return usage();
    if (mode != "check" && mode != "import" && mode != "export" && mode != "memory" && mode != "pg" &&
        !(mode == "workers" && tasks > 0))
        return usage();
    fs::create_directories(work);
    // The machine's state first, and the CPU time the host took away at the end (host_state.hpp).
    std::printf("%s\n", probe_host().c_str());
    std::fflush(stdout);
    const CpuTimes before = read_cpu_times();
    int rc = 2;
    if (mode == "check") rc = bench_check(work, split(sizes), nodes, repeat);
    else if (mode == "import") rc = bench_import(work, split(nodes_list), repeat);
    else if (mode == "export") rc = bench_export(work, split(nodes_list), repeat, max_rss_ratio);
    else if (mode == "memory") rc = bench_memory(work, split(nodes_list), repeat, max_rss_ratio);
    else if (mode == "pg") rc = bench_pg(work, split(nodes_list), repeat, max_ratio);
    else rc = bench_workers(work, tasks, split(worker_counts), nodes);
    if (const std::string steal = steal_since(before); !steal.empty()) std::printf("during the run: %s\n", steal.c_str());
    return rc;
}
