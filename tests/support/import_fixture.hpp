// An import test's world: the sample package, a task file beside it, a fresh SQLite catalog and
// SQLite engine per test, and helpers that run the built ferry binary against them.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ferry/catalog/catalog.hpp"
#include "package_builder.hpp"
#include "test_env.hpp"

namespace ferry::test {

// Settings a test can change; the text is written as a task file beside the package.
struct TaskFile {
    std::string name = "sales_dw.t1";
    std::string package = "sales_dw.zip";
    std::string engines = R"([[workspace.engines]]
name = "rehearsal"
type = "sqlite"
path = "rehearsal.db"
)";
    std::string engine_map = R"(odps_first = { instance = "rehearsal", cross_engine = true })";
    std::string extra_mapping = R"([mapping.resource_groups]
group_2 = "sched_prod"
[mapping.workspaces]
sales_dev = "sales_prod"
[mapping.owners]
"064152" = "alice"
)";
    std::string dry_run = R"(nodes = ["ods_*"])";
    std::string commit = R"(resources = true
tables = true
functions = false
change_owner = false
on_conflict = "skip")";
    std::string extra_task;

    std::string text() const {
        return "[task]\nname = \"" + name + "\"\nremarks = \"test\"\n" + extra_task + "[source]\nplugin = \"local\"\npath = \"" +
               package + "\"\n[workspace]\nname = \"sales_prod\"\ncatalog = \"sqlite:catalog.db\"\nimporter = \"bob\"\n" +
               engines + "[mapping.engines]\n" + engine_map + "\n" + extra_mapping + "[dry_run]\n" + dry_run +
               "\n[commit]\n" + commit + "\n";
    }
};

class ImportFixture : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = scratch_dir();
        write_package(dir_ + "/sales_dw.zip", Format::zip, spec_package_entries(samples_dir()));
    }
    std::string write_task(const TaskFile& t, const std::string& file = "task.toml") {
        write_file(dir_ + "/" + file, t.text());
        return dir_ + "/" + file;
    }
    // changed.zip: the sample package with node dwd_orders's code changed.
    void write_changed_package() {
        auto entries = spec_package_entries(samples_dir());
        for (auto& e : entries)
            if (e.path.size() > 15 && e.path.compare(e.path.size() - 15, 15, "/dwd_orders.sql") == 0)
                e.content = "SELECT 2; -- changed\n";
        write_package(dir_ + "/changed.zip", Format::zip, entries);
    }
    RunResult ferry(const std::string& args) { return run_ferry(args + " --catalog sqlite:" + dir_ + "/catalog.db"); }
    std::unique_ptr<catalog::Catalog> open() {
        sdk::Diagnostics d;
        auto c = catalog::Catalog::open("sqlite:" + dir_ + "/catalog.db", d);
        EXPECT_NE(c, nullptr) << codes_of(d);
        return c;
    }
    std::map<std::string, sdk::ObjectRecord> objects() {
        auto c = open();
        sdk::Diagnostics d;
        std::map<std::string, sdk::ObjectRecord> out;
        for (auto& o : c->list_objects("sales_prod", std::nullopt, d))
            out[std::string(sdk::to_string(o.kind)) + ":" + o.name] = o;
        return out;
    }
    nlohmann::json report(const std::string& task) {
        auto r = ferry("report " + task + " --format json");
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return nlohmann::json::parse(r.out);
    }
    std::string dir_;
};

}  // namespace ferry::test
