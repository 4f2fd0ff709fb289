// Table creation on PostgreSQL: one transaction per table (what apply() does per object) against
// all tables in one transaction (what a host batching objects per engine would get). Needs
// FERRY_TEST_PG_DSN (tests/servers/postgres.sh). Prints tables per second for both.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "ferry/engine/testing.hpp"
#include "pg_engine.hpp"

using namespace ferry;

int main() {
    const char* dsn = std::getenv("FERRY_TEST_PG_DSN");
    if (!dsn) {
        std::fprintf(stderr, "FERRY_TEST_PG_DSN is not set: run tests/servers/postgres.sh start DIR PORT first\n");
        return 1;
    }
    const int tables = 300;
    double rates[2] = {0, 0};
    for (int mode = 0; mode < 2; ++mode) {
        const std::string schema = "ferry_bench_" + std::to_string(::getpid()) + "_" + std::to_string(mode);
        sdk::Config cfg = engine::testing::make_config({{"dsn", dsn}, {"schema", schema}});
        engine::testing::RecordingHost host;
        sdk::Diagnostics diags;
        auto e = engines::pg::make_engine(engine::Dialect::postgresql, {&cfg, &host, "bench"}, diags);
        if (!e) return 1;
        std::vector<std::vector<std::string>> rendered;
        for (int i = 0; i < tables; ++i) {
            const std::string name = "ods_t" + std::to_string(i);
            auto r = e->render_table({name,
                                      "CREATE TABLE " + name + " (id BIGINT COMMENT 'id', amount DECIMAL(18,2), note STRING, "
                                      "tags ARRAY<STRING>, at DATETIME) COMMENT 'bench' PARTITIONED BY (ds STRING) LIFECYCLE 7",
                                      "maxcompute", false});
            rendered.push_back(r.statements);
        }
        const auto t0 = std::chrono::steady_clock::now();
        if (mode == 0) {
            for (int i = 0; i < tables; ++i)
                if (!e->apply({sdk::ObjectKind::table, "t", rendered[i], "", ""}).applied) return 1;
        } else {
            std::vector<std::string> all;
            for (auto& r : rendered) all.insert(all.end(), r.begin(), r.end());
            if (!e->apply({sdk::ObjectKind::table, "all", all, "", ""}).applied) return 1;
        }
        rates[mode] = tables / std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        e->apply({sdk::ObjectKind::table, "x", {"DROP SCHEMA \"" + schema + "\" CASCADE"}, "", ""});
    }
    std::printf("PostgreSQL table creation, %d MaxCompute tables (each with comments):\n", tables);
    std::printf("  one transaction per table: %8.1f tables/s\n", rates[0]);
    std::printf("  one transaction for all:   %8.1f tables/s\n", rates[1]);
    return 0;
}
