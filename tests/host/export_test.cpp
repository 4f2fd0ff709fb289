// Export tasks (issue 12), through the built ferry binary: a full export is a SPEC package `ferry
// check` passes; an incremental export holds exactly what changed after a revision or since a time;
// --objects narrows by kind and name; a folder export is written only where it changed and, full,
// drops what the workspace no longer holds; every bad usage is refused with its exact error and exit
// 2; an object ferry cannot write fails the export and publishes nothing.
#include <filesystem>
#include <set>

#include "import_fixture.hpp"

namespace ferry::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class Export : public ImportFixture {
  protected:
    void SetUp() override {
        ImportFixture::SetUp();
        TaskFile t;
        t.commit = "resources = false\ntables = false\nfunctions = false\non_conflict = \"overwrite\"";
        task_ = t;
        const auto r = ferry("import --yes " + write_task(t));
        ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    }

    json export_json(const std::string& args, int expected_exit = 0) {
        const auto r = ferry("export --workspace sales_prod --json " + args);
        EXPECT_EQ(r.exit_code, expected_exit) << args << "\n" << r.err << r.out;
        return json::parse(r.out, nullptr, false);
    }

    // "kind:name" of every object a package holds, as `ferry preview` lists them.
    std::set<std::string> objects_in(const std::string& package) {
        const auto r = run_ferry("preview --json " + package);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        const json doc = json::parse(r.out, nullptr, false);
        std::set<std::string> out;
        for (const auto& [list, kind] : std::map<std::string, std::string>{{"nodes", "node"},
                                                                           {"workflows", "workflow"},
                                                                           {"resources", "resource"},
                                                                           {"tables", "table"},
                                                                           {"functions", "function"},
                                                                           {"datasources", "datasource"}})
            for (const auto& o : doc.value(list, json::array()))
                if (!o.value("inner", false)) out.insert(kind + ":" + o["name"].get<std::string>());
        return out;
    }

    // Imports changed.zip (dwd_orders's code changed) over the workspace, as a second task.
    void import_the_change() {
        write_changed_package();
        TaskFile t = task_;
        t.name = "sales_dw.t2";
        t.package = "changed.zip";
        const auto r = ferry("import --yes " + write_task(t, "task2.toml"));
        ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    }

    TaskFile task_;
};

TEST_F(Export, AFullExportIsAPackageThatPassesTheCheckAndHoldsEveryObject) {
    const json e = export_json("-o " + dir_ + "/out.zip");
    EXPECT_TRUE(e["ok"].get<bool>()) << e.dump(2);
    EXPECT_EQ(e["objects"], (json{{"node", 3}, {"workflow", 1}, {"resource", 1}, {"table", 1}, {"function", 1},
                                  {"datasource", 1}}));
    EXPECT_EQ(e["skipped"], 0);
    EXPECT_GT(e["revision"].get<std::int64_t>(), 0);
    const auto check = run_ferry("check --json " + dir_ + "/out.zip");
    ASSERT_EQ(check.exit_code, 0) << check.err;
    const json c = json::parse(check.out);
    EXPECT_EQ(c["package"]["format"], "spec");
    EXPECT_EQ(c["package"]["sha256"], e["sha256"]);
    EXPECT_EQ(objects_in(dir_ + "/out.zip"),
              (std::set<std::string>{"node:ods_orders", "node:dwd_orders", "node:汇总报表", "workflow:sql-python工作流",
                                     "resource:math_lib.py", "table:dwd_orders", "function:add_one",
                                     "datasource:orders_db"}));
    // No partial file is left beside it.
    for (const auto& f : fs::directory_iterator(dir_))
        EXPECT_EQ(f.path().filename().string().find(".part-"), std::string::npos) << f.path();
}

TEST_F(Export, AnIncrementalExportHoldsWhatChangedAfterTheRevision) {
    const json full = export_json("-o " + dir_ + "/full.zip");
    const std::int64_t r1 = full["revision"].get<std::int64_t>();
    import_the_change();

    const json inc = export_json("-o " + dir_ + "/inc.zip --mode incremental --since " + std::to_string(r1));
    EXPECT_TRUE(inc["ok"].get<bool>()) << inc.dump(2);
    EXPECT_EQ(inc["objects"], (json{{"node", 1}}));
    EXPECT_GT(inc["revision"].get<std::int64_t>(), r1);
    EXPECT_EQ(objects_in(dir_ + "/inc.zip"), (std::set<std::string>{"node:dwd_orders"}));

    // Nothing changed after the revision it printed: an export of nothing, which says so.
    const json none = export_json("-o " + dir_ + "/none.zip --mode incremental --since " +
                                  std::to_string(inc["revision"].get<std::int64_t>()));
    EXPECT_TRUE(none["ok"].get<bool>()) << none.dump(2);
    EXPECT_EQ(none["objects"], json::object());
}

TEST_F(Export, AnIncrementalExportByTimeHoldsWhatChangedSince) {
    const std::string before_change = catalog::now_iso8601_utc();
    import_the_change();
    const json inc = export_json("-o " + dir_ + "/inc.zip --mode incremental --since " + before_change);
    EXPECT_EQ(inc["objects"], (json{{"node", 1}})) << inc.dump(2);
    EXPECT_EQ(objects_in(dir_ + "/inc.zip"), (std::set<std::string>{"node:dwd_orders"}));
}

TEST_F(Export, ObjectsNarrowsByKindAndName) {
    json e = export_json("-o " + dir_ + "/a.zip --objects 'node:d*' workflow:*");
    EXPECT_EQ(e["objects"], (json{{"node", 1}, {"workflow", 1}})) << e.dump(2);
    EXPECT_EQ(objects_in(dir_ + "/a.zip"), (std::set<std::string>{"node:dwd_orders", "workflow:sql-python工作流"}));
    // A glob without a kind matches every kind: the node and the table named dwd_orders.
    e = export_json("-o " + dir_ + "/b.zip --objects dwd_orders");
    EXPECT_EQ(e["objects"], (json{{"node", 1}, {"table", 1}})) << e.dump(2);
}

TEST_F(Export, AFolderIsWrittenOnlyWhereItChangedAndAFullExportDropsWhatIsGone) {
    const std::string folder = dir_ + "/ws/";
    json e = export_json("-o " + folder);
    EXPECT_TRUE(e["folder"].get<bool>());
    const std::size_t files = e["files"]["written"].get<std::size_t>();
    EXPECT_GE(files, 10u);  // SPEC.FORMAT, 9 documents, code files, the resource's bytes
    write_file(folder + "README.md", "ours\n");
    write_file(folder + "DataStudio/stale.schedule.json", "{}");

    import_the_change();
    e = export_json("-o " + folder);
    EXPECT_EQ(e["files"]["written"], 1) << e.dump(2);  // dwd_orders's code file
    EXPECT_EQ(e["files"]["removed"], 1) << e.dump(2);  // stale.schedule.json
    EXPECT_EQ(e["files"]["unchanged"], files - 1);
    EXPECT_TRUE(fs::exists(folder + "README.md")) << "only DataStudio/ and DataSource/ are the workspace's";
    EXPECT_FALSE(fs::exists(folder + "DataStudio/stale.schedule.json"));

    // A narrower export adds and updates only.
    write_file(folder + "DataStudio/stale.schedule.json", "{}");
    e = export_json("-o " + folder + " --objects node:*");
    EXPECT_EQ(e["files"]["removed"], 0);
    EXPECT_TRUE(fs::exists(folder + "DataStudio/stale.schedule.json"));
    EXPECT_EQ(read_file(folder + "README.md"), "ours\n");
}

TEST_F(Export, TheExportIsATaskWithAReport) {
    const json e = export_json("-o " + dir_ + "/out.zip --name nightly.export");
    EXPECT_EQ(e["task"], "nightly.export");
    const auto tasks = ferry("tasks --json");
    ASSERT_EQ(tasks.exit_code, 0) << tasks.err;
    bool listed = false;
    const json all = json::parse(tasks.out);
    for (const auto& t : all["tasks"])
        if (t["name"] == "nightly.export") {
            listed = true;
            EXPECT_EQ(t["kind"], "export");
            EXPECT_EQ(t["state"], "EXPORT_SUCCESS");
            EXPECT_EQ(t["workspace"], "sales_prod");
        }
    EXPECT_TRUE(listed) << tasks.out;
    const auto report = ferry("report nightly.export");
    ASSERT_EQ(report.exit_code, 0) << report.err;
    EXPECT_NE(report.out.find("Export nightly.export: EXPORT_SUCCESS\n  workspace   sales_prod (full)\n  output      " + dir_ +
                              "/out.zip\n  SHA-256     " + e["sha256"].get<std::string>()),
              std::string::npos)
        << report.out;
    EXPECT_NE(report.out.find("  objects     8\n"), std::string::npos) << report.out;
    const auto shown = ferry("task show nightly.export");
    EXPECT_EQ(shown.exit_code, 0) << shown.err;
    EXPECT_NE(shown.out.find("  kind       export\n  state      EXPORT_SUCCESS\n"), std::string::npos) << shown.out;
    EXPECT_NE(shown.out.find("Last run\nExport nightly.export: EXPORT_SUCCESS\n"), std::string::npos) << shown.out;
    // An export task is not an import: it cannot be re-imported.
    const auto again = ferry("reimport nightly.export");
    EXPECT_EQ(again.exit_code, 1) << again.err;
    EXPECT_NE(again.err.find("error[FERRY-TASK-KIND] nightly.export: task 'nightly.export' is an export task, not an import"),
              std::string::npos)
        << again.err;
}

struct BadExport {
    std::string args;
    std::string error;  // the exact first line on stderr
};

TEST_F(Export, BadUsageIsRefusedWithItsErrorAndExitTwo) {
    const std::vector<BadExport> cases = {
        {"-o x.zip", "error[FERRY-EXPORT-USAGE]: no workspace to export"},
        {"--workspace sales_prod", "error[FERRY-EXPORT-USAGE]: no output"},
        {"--workspace sales_prod -o x.zip --since 3", "error[FERRY-EXPORT-USAGE]: --since goes with --mode incremental"},
        {"--workspace sales_prod -o x.zip --mode incremental",
         "error[FERRY-EXPORT-USAGE]: an incremental export needs --since REVISION or --since TIME"},
        {"--workspace sales_prod -o x.zip --mode incremental --since yesterday",
         "error[FERRY-EXPORT-USAGE]: --since 'yesterday' is neither a revision nor an ISO-8601 UTC time"},
        {"--workspace sales_prod -o x.zip --mode partial", "error[FERRY-EXPORT-USAGE]: --mode is full or incremental, not 'partial'"},
        {"--workspace sales_prod -o x.zip --objects nodes:a*",
         "error[FERRY-EXPORT-USAGE]: --objects 'nodes:a*' names no kind of object"},
        {"--workspace sales_prod -o /nonexistent/dir/x.zip",
         "error[FERRY-EXPORT-USAGE] /nonexistent/dir/x.zip: the output's folder /nonexistent/dir does not exist"},
        {"--workspace nope -o " + dir_ + "/x.zip",
         "error[FERRY-EXPORT-WORKSPACE] nope: there is no workspace 'nope' in sqlite:" + dir_ + "/catalog.db"},
    };
    for (const auto& c : cases) {
        const auto r = ferry("export " + c.args);
        EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.err;
        EXPECT_EQ(r.err.substr(0, r.err.find('\n')), c.error) << c.args;
        EXPECT_FALSE(fs::exists(dir_ + "/x.zip")) << c.args;
    }
}

// An object the export cannot write (here, one stored by a ferry older than FlowSpec documents)
// fails the export by name, and no package is published: a package missing objects is not an export.
TEST_F(Export, AnObjectThatCannotBeWrittenFailsTheExportAndNothingIsPublished) {
    {
        auto cat = open();
        sdk::ObjectRecord old;
        old.kind = sdk::ObjectKind::node;
        old.name = "legacy_node";
        old.document = R"({"command": "ODPS_SQL"})";
        old.content = "select 1;";
        sdk::Diagnostics d;
        ASSERT_TRUE(cat->put_object("sales_prod", old, d)) << codes_of(d);
    }
    const auto r = ferry("export --workspace sales_prod -o " + dir_ + "/out.zip");
    EXPECT_EQ(r.exit_code, 1) << r.err << r.out;
    EXPECT_NE(r.err.find("error[FERRY-EXPORT-LEGACY] legacy_node: node 'legacy_node' was stored by a ferry older than "
                         "FlowSpec objects: it has no document to export"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("error[FERRY-EXPORT-INCOMPLETE] " + dir_ + "/out.zip: 1 object(s) cannot be exported"),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(fs::exists(dir_ + "/out.zip"));
    for (const auto& f : fs::directory_iterator(dir_))
        EXPECT_EQ(f.path().filename().string().find(".part-"), std::string::npos) << f.path();
    const json tasks = json::parse(ferry("tasks --json").out);
    EXPECT_EQ(tasks["tasks"].back()["state"], "EXPORT_ERROR") << tasks.dump(2);
}

// The export reads one consistent workspace: while an import holds the workspace, it waits for
// nothing and says who holds it.
TEST_F(Export, AWorkspaceAnImportHoldsIsNotExported) {
    {
        auto cat = open();
        sdk::Diagnostics d;
        const auto got = cat->try_acquire_lock("sales_prod", "sales_dw.busy", "other-host:1", d);
        ASSERT_TRUE(got.acquired) << codes_of(d);
    }
    const auto r = ferry("export --workspace sales_prod -o " + dir_ + "/out.zip");
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("sales_dw.busy"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir_ + "/out.zip"));
}

}  // namespace
}  // namespace ferry::test
