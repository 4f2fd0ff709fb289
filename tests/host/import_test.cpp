// Import tasks end to end through the ferry binary: packages built from the samples, a fresh
// SQLite catalog and SQLite engine per test, assertions on the catalog itself.
#include <filesystem>
#include <map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ferry/catalog/catalog.hpp"
#include "import_fixture.hpp"
#include "package_builder.hpp"
#include "test_env.hpp"

namespace ferry::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class Import : public ImportFixture {};

TEST_F(Import, LandsEveryObjectWithEverySetting) {
    const auto r = ferry("import --yes " + write_task({}));
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    EXPECT_NE(r.out.find("IMPORT_SUCCESS"), std::string::npos) << r.out;
    auto objs = objects();
    EXPECT_EQ(objs.size(), 8u);  // 3 nodes, 1 workflow (with 2 inner nodes), 1 resource, 1 table, 1 function, 1 data source
    const auto& dwd = objs.at("node:dwd_orders");
    EXPECT_EQ(dwd.owner, "alice");                 // owner mapping
    EXPECT_EQ(dwd.resource_group, "sched_prod");   // resource group mapping
    EXPECT_FALSE(dwd.dry_run);
    EXPECT_EQ(dwd.engine_instance, "rehearsal");   // engine instance mapping
    EXPECT_EQ(dwd.version, 1);
    EXPECT_NE(dwd.content.find("sales_prod.dwd_orders"), std::string::npos) << dwd.content;  // workspace mapping
    EXPECT_EQ(dwd.content.find("sales_dev."), std::string::npos) << dwd.content;
    // The object is its FlowSpec document, with the mappings applied in place.
    const json doc = json::parse(dwd.document);
    const json& node = doc["spec"]["nodes"][0];
    EXPECT_EQ(node["recurrence"], "Normal");
    EXPECT_EQ(node["datasource"]["name"], "rehearsal");
    EXPECT_EQ(node["runtimeResource"]["resourceGroup"], "sched_prod");
    EXPECT_FALSE(node["runtimeResource"].contains("resourceGroupId")) << "the source group's id means nothing there";
    EXPECT_EQ(doc["metadata"]["owner"], "alice");
    EXPECT_FALSE(node["script"].contains("content")) << "the code is the object's content";
    EXPECT_EQ(dwd.path, "业务流程/sales_flow/MaxCompute/数据开发");
    EXPECT_TRUE(objs.at("node:ods_orders").dry_run);  // dry-run glob
    EXPECT_EQ(json::parse(objs.at("node:ods_orders").document)["spec"]["nodes"][0]["recurrence"], "Skip");
    // The table exists on the engine instance, with the type mapping applied.
    EXPECT_TRUE(fs::exists(dir_ + "/rehearsal.db"));
    const auto show = ferry("show table dwd_orders --workspace sales_prod");
    EXPECT_EQ(show.exit_code, 0);
    EXPECT_NE(show.out.find("\"ddl\": \"CREATE TABLE IF NOT EXISTS dwd_orders"), std::string::npos) << show.out;
    const json rep = report("sales_dw.t1");
    EXPECT_EQ(rep["basic"]["status"], "IMPORT_SUCCESS");
    EXPECT_EQ(rep["results"]["total"]["succeeded"], 8);
    EXPECT_EQ(rep["details"].size(), 8u);
    // The report says what the mappings changed, field by field.
    json changes;
    for (const auto& d : rep["details"])
        if (d["kind"] == "node" && d["name"] == "dwd_orders") changes = d["changes"];
    const json expected = json::array({
        {{"path", "/metadata/owner"}, {"before", "\"064152\""}, {"after", "\"alice\""}},
        {{"path", "/spec/nodes/0/datasource/name"}, {"before", "\"odps_first\""}, {"after", "\"rehearsal\""}},
        {{"path", "/spec/nodes/0/runtimeResource/resourceGroup"}, {"before", "\"group_2\""}, {"after", "\"sched_prod\""}},
        {{"path", "/spec/nodes/0/runtimeResource/resourceGroupId"}, {"before", "\"9527\""}, {"after", ""}},
        {{"path", "content"}, {"before", "98 bytes"}, {"after", "100 bytes: workspace names replaced (Dependency Mapping)"}}});
    EXPECT_EQ(changes, expected) << changes.dump(2);
}

TEST_F(Import, SecondIdenticalImportChangesNothing) {
    const std::string task = write_task({});
    ASSERT_EQ(ferry("import --yes " + task).exit_code, 0);
    const auto before = objects();
    const auto r = ferry("import --yes " + task);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // Nothing changed, so nothing was planned: told at once, every journal entry unchanged.
    EXPECT_NE(r.out.find("Nothing changed since the last run (same package, settings, plugins and workspace)"),
              std::string::npos)
        << r.out;
    const json rep = report("sales_dw.t1");
    EXPECT_EQ(rep["basic"]["status"], "IMPORT_SUCCESS");
    EXPECT_EQ(rep["results"]["total"]["unchanged"], 8);
    EXPECT_EQ(rep["results"]["total"]["succeeded"], 0);
    ASSERT_EQ(rep["details"].size(), 8u);
    for (const auto& d : rep["details"]) {
        EXPECT_EQ(d["status"], "unchanged") << d.dump();
        EXPECT_EQ(d["message"].get<std::string>().rfind("identical to version 1 in the workspace; nothing changed", 0),
                  0u)
            << d.dump();
    }
    const auto after = objects();
    ASSERT_EQ(after.size(), before.size());
    for (const auto& [k, o] : after) EXPECT_EQ(o.version, 1) << k;
    // A third time with --json says the same.
    const auto j = ferry("import --yes --json " + task);
    ASSERT_EQ(j.exit_code, 0) << j.err;
    EXPECT_EQ(json::parse(j.out)["unchanged_rerun"], true);
}

TEST_F(Import, ImportAgainAfterAnythingChangedRunsInFull) {
    TaskFile t;
    const std::string task = write_task(t);
    ASSERT_EQ(ferry("import --yes " + task).exit_code, 0);
    auto full_run = [&](const char* why) {
        const auto r = ferry("import --yes " + task);
        EXPECT_EQ(r.exit_code, 0) << why << r.err;
        EXPECT_EQ(r.out.find("Nothing changed"), std::string::npos) << why << r.out;
        return report("sales_dw.t1");
    };
    // Other settings (only a remark): planned again, all unchanged.
    {
        std::string text = t.text();
        const std::string from = "remarks = \"test\"";
        text.replace(text.find(from), from.size(), "remarks = \"v2\"");
        write_file(task, text);
    }
    json rep = full_run("settings changed");
    EXPECT_EQ(rep["results"]["total"]["unchanged"], 8);
    // Now unchanged again: the short way.
    EXPECT_NE(ferry("import --yes " + task).out.find("Nothing changed"), std::string::npos);

    // The workspace changed under the task: another task overwrote a node.
    write_changed_package();
    TaskFile over;
    over.name = "sales_dw.t2";
    over.package = "changed.zip";
    over.commit = "resources = true\ntables = true\nfunctions = false\nchange_owner = false\non_conflict = \"overwrite\"";
    ASSERT_EQ(ferry("import --yes " + write_task(over, "over.toml")).exit_code, 0);
    rep = full_run("workspace changed");
    // What t2 replaced now differs from t1's package: conflicts (on_conflict = skip), the rest unchanged.
    EXPECT_GE(rep["results"]["total"]["conflict"].get<int>(), 1);
    EXPECT_EQ(rep["results"]["total"]["conflict"].get<int>() + rep["results"]["total"]["unchanged"].get<int>(), 8);

    // The package changed (same path, other bytes).
    const std::string sha_before = rep["basic"]["package"]["sha256"];
    fs::copy_file(dir_ + "/changed.zip", dir_ + "/sales_dw.zip", fs::copy_options::overwrite_existing);
    const auto r = ferry("import --yes " + task);
    EXPECT_EQ(r.out.find("Nothing changed"), std::string::npos) << r.out;
    rep = report("sales_dw.t1");
    EXPECT_NE(rep["basic"]["package"]["sha256"], sha_before);
    EXPECT_EQ(rep["results"]["total"]["succeeded"], 0);
}

TEST_F(Import, ImportAgainOfAPackageThatIsGoneChangesNothing) {
    const std::string task = write_task({});
    ASSERT_EQ(ferry("import --yes " + task).exit_code, 0);
    fs::remove(dir_ + "/sales_dw.zip");
    const auto r = ferry("import --yes " + task);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("error[FERRY-SRC-LOCAL-NOT-FOUND]"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("sales_dw.zip: package file not found"), std::string::npos) << r.err;
    const json rep = report("sales_dw.t1");  // the last run's report, untouched
    EXPECT_EQ(rep["basic"]["status"], "IMPORT_SUCCESS");
    EXPECT_EQ(rep["results"]["total"]["succeeded"], 8);
    auto c = open();
    sdk::Diagnostics d;
    EXPECT_FALSE(c->lock_of("sales_prod", d)) << "no lock left behind";
}

// An update is planned field by field: the plan shows which leaves change (JSON pointer, the
// workspace's value, the package's), in text and in JSON, and nothing else.
TEST_F(Import, ThePlanOfAnUpdateShowsEachFieldThatChanges) {
    ASSERT_EQ(ferry("import --yes " + write_task({})).exit_code, 0);
    write_changed_package();
    TaskFile over;
    over.name = "sales_dw.t2";
    over.package = "changed.zip";
    over.commit = "resources = false\ntables = false\nfunctions = false\non_conflict = \"overwrite\"";
    const std::string task = write_task(over, "over.toml");
    const auto text = ferry("plan " + task);
    ASSERT_EQ(text.exit_code, 0) << text.err;
    EXPECT_NE(text.out.find("\nFields that differ from the workspace\n-- node dwd_orders (update)\n   content: "),
              std::string::npos)
        << text.out;
    const json plan = json::parse(ferry("plan --json " + task).out);
    std::size_t updates = 0;
    for (const auto& o : plan["objects"]) {
        if (o["action"] != "update") {
            EXPECT_TRUE(o["differences"].empty()) << o.dump(2);
            continue;
        }
        ++updates;
        EXPECT_EQ(o["name"], "dwd_orders");
        ASSERT_EQ(o["differences"].size(), 1u) << o.dump(2);
        EXPECT_EQ(o["differences"][0]["path"], "content");
    }
    EXPECT_EQ(updates, 1u) << plan.dump(2);
}

TEST_F(Import, PlanChangesNothing) {
    const auto r = ferry("plan --json " + write_task({}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json plan = json::parse(r.out);
    EXPECT_EQ(plan["summary"]["create"], 8);
    EXPECT_FALSE(plan["blocked"].get<bool>());
    for (const auto& o : plan["objects"]) EXPECT_FALSE(o["reason"].get<std::string>().empty());
    EXPECT_TRUE(objects().empty());
    EXPECT_FALSE(fs::exists(dir_ + "/rehearsal.db")) << "plan must not create tables";
    EXPECT_EQ(ferry("tasks --json").out.find("sales_dw.t1"), std::string::npos);
}

TEST_F(Import, UnmappedEngineFailsTheTaskNamingTheNodes) {
    TaskFile t;
    t.engine_map = "";
    const auto r = ferry("plan " + write_task(t));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("error[FERRY-PLAN-UNMAPPED-ENGINE]"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("engine instance 'odps_first' (maxcompute) has no mapping; it is used by resource "
                         "math_lib.py, function add_one, table dwd_orders, node ods_orders"),
              std::string::npos)
        << r.err;
    // The import fails as a whole and writes no object.
    const auto imp = ferry("import --yes " + write_task(t));
    EXPECT_EQ(imp.exit_code, 1);
    EXPECT_TRUE(objects().empty());
    EXPECT_EQ(report("sales_dw.t1")["basic"]["status"], "IMPORT_ERROR");
}

TEST_F(Import, EngineTypeMismatchWithoutOptIn) {
    TaskFile t;
    t.engine_map = R"(odps_first = "rehearsal")";
    const auto r = ferry("plan " + write_task(t));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("error[FERRY-PLAN-ENGINE-TYPE]"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("engine instance 'odps_first' (maxcompute) is mapped to 'rehearsal', an instance of type sqlite"),
              std::string::npos)
        << r.err;
}

TEST_F(Import, DestinationWithoutTheEngineType) {
    TaskFile t;
    t.engines = "";
    t.engine_map = "";
    const auto r = ferry("plan " + write_task(t));
    EXPECT_EQ(r.exit_code, 1);
    // Objects naming an instance: unmapped; the MigrationX nodes name none: no instance of their type.
    EXPECT_NE(r.err.find("error[FERRY-PLAN-UNMAPPED-ENGINE]"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("hint: the destination has no maxcompute instance: add one to [[workspace.engines]] and map "
                         "odps_first to it"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("error[FERRY-PLAN-ENGINE-MISSING]"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("the destination has no maxcompute engine instance: node sql节点, node python节点 cannot be "
                         "created there"),
              std::string::npos)
        << r.err;
}

struct ConfigCase {
    std::string name;
    std::string code;
    std::string message;
    std::function<void(TaskFile&)> change;
};

TEST_F(Import, BadConfigExitsTwoAndWritesNothing) {
    const std::vector<ConfigCase> cases = {
        {"unknown_key", "FERRY-CONFIG-UNKNOWN-KEY", "unknown key 'colour' in [task]",
         [](TaskFile& t) { t.extra_task = "colour = \"blue\"\n"; }},
        {"bad_name", "FERRY-TASK-NAME",
         "bad task name 'sales dw': the name contains ' ' at position 6; task names hold only letters, digits, '_' and '.'",
         [](TaskFile& t) { t.name = "sales dw"; }},
        {"unknown_instance", "FERRY-TASK-MAPPING",
         "engine instance 'odps_first' is mapped to 'mc_prod', which is not an engine instance of the destination",
         [](TaskFile& t) { t.engine_map = R"(odps_first = "mc_prod")"; }},
        {"workspace_target_not_a_name", "FERRY-TASK-MAPPING",
         "workspace 'sales_dev' is mapped to 'sales_prod; drop table t', which is not a workspace name: it replaces "
         "the source's name in code as written",
         [](TaskFile& t) { t.extra_mapping = "[mapping.workspaces]\nsales_dev = \"sales_prod; drop table t\"\n"; }},
        {"unknown_engine_plugin", "FERRY-CONFIG-PLUGIN",
         "engine instance 'rehearsal' has type 'teradata', but no engine plugin of that name is loaded",
         [](TaskFile& t) { t.engines = "[[workspace.engines]]\nname = \"rehearsal\"\ntype = \"teradata\"\n"; }},
        {"bad_conflict_rule", "FERRY-CONFIG-VALUE", "on_conflict must be \"skip\" or \"overwrite\", not 'merge'",
         [](TaskFile& t) { t.commit = "on_conflict = \"merge\""; }},
    };
    for (const auto& c : cases) {
        TaskFile t;
        c.change(t);
        const auto r = ferry("import --yes " + write_task(t, c.name + ".toml"));
        EXPECT_EQ(r.exit_code, 2) << c.name << "\n" << r.err;
        EXPECT_NE(r.err.find("error[" + c.code + "] " + dir_ + "/" + c.name + ".toml:"), std::string::npos)
            << c.name << "\n" << r.err;
        EXPECT_NE(r.err.find(c.message), std::string::npos) << c.name << "\n" << r.err;
    }
    EXPECT_FALSE(fs::exists(dir_ + "/catalog.db")) << "a config error must write nothing";
    const auto unknown = ferry("plan " + write_task([] {
        TaskFile t;
        t.extra_task = "colour = \"blue\"\n";
        return t;
    }()));
    EXPECT_NE(unknown.err.find("hint: allowed keys: name, remarks"), std::string::npos) << unknown.err;
}

TEST_F(Import, ConflictSkipAndOverwrite) {
    ASSERT_EQ(ferry("import --yes " + write_task({})).exit_code, 0);
    // The same objects, changed, from another task: a node's code differs.
    write_changed_package();
    TaskFile skip;
    skip.name = "sales_dw.t2";
    skip.package = "changed.zip";
    const auto r = ferry("import --yes " + write_task(skip, "skip.toml"));
    EXPECT_EQ(r.exit_code, 0) << r.err;  // a conflict is not a failure: the product's rule
    json rep = report("sales_dw.t2");
    EXPECT_EQ(rep["results"]["node"]["conflict"], 1);
    EXPECT_EQ(rep["results"]["total"]["unchanged"], 7);
    EXPECT_EQ(objects().at("node:dwd_orders").version, 1);
    EXPECT_EQ(objects().at("node:dwd_orders").content.find("changed"), std::string::npos);

    TaskFile over = skip;
    over.name = "sales_dw.t3";
    over.commit = "functions = false\non_conflict = \"overwrite\"";
    ASSERT_EQ(ferry("import --yes " + write_task(over, "over.toml")).exit_code, 0);
    rep = report("sales_dw.t3");
    EXPECT_EQ(rep["results"]["node"]["succeeded"], 1);
    EXPECT_EQ(objects().at("node:dwd_orders").version, 2);
    EXPECT_NE(objects().at("node:dwd_orders").content.find("changed"), std::string::npos);
}

TEST_F(Import, ChangeOwnerGivesEverythingToTheImporter) {
    TaskFile t;
    t.commit = "functions = false\nchange_owner = true";
    ASSERT_EQ(ferry("import --yes " + write_task(t)).exit_code, 0);
    for (const auto& [k, o] : objects()) {
        if (o.kind != sdk::ObjectKind::datasource) {
            EXPECT_EQ(o.owner, "bob") << k;
        }
    }
    const json rep = report("sales_dw.t1");
    for (const auto& d : rep["details"]) {
        if (d["kind"] == "node") {
            EXPECT_EQ(d["owner_before"], d["name"] == "sql节点" || d["name"] == "python节点" ? "1" : "064152");
        }
    }
}

// In a move within one tenant the accounts are the same: an owner the mapping does not name is
// kept (with a warning), "*" maps the rest, and an object with no owner goes to the importer.
TEST_F(Import, UnmappedOwnersAreKeptWithAWarningAndStarMapsTheRest) {
    TaskFile t;
    t.extra_mapping = "[mapping.owners]\n\"someone_else\" = \"carol\"\n";
    auto r = ferry("import --yes " + write_task(t));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("warning[FERRY-PLAN-UNMAPPED-OWNER]"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("owner '064152' has no entry in [mapping.owners]; its objects keep '064152'"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(objects().at("node:dwd_orders").owner, "064152");
    EXPECT_EQ(objects().at("table:dwd_orders").owner, "bob");  // the table names no owner: the importer's

    std::filesystem::remove(dir_ + "/catalog.db");
    std::filesystem::remove(dir_ + "/rehearsal.db");
    t.extra_mapping = "[mapping.owners]\n\"someone_else\" = \"carol\"\n\"*\" = \"dora\"\n";
    r = ferry("import --yes " + write_task(t));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err.find("FERRY-PLAN-UNMAPPED-OWNER"), std::string::npos) << r.err;
    EXPECT_EQ(objects().at("node:dwd_orders").owner, "dora");
    EXPECT_EQ(objects().at("table:dwd_orders").owner, "bob");
}

TEST_F(Import, NoMappingsKeepSourceValues) {
    TaskFile t;
    t.extra_mapping = "";
    t.dry_run = "nodes = []";
    ASSERT_EQ(ferry("import --yes " + write_task(t)).exit_code, 0);
    const auto o = objects().at("node:dwd_orders");
    EXPECT_EQ(o.owner, "064152");
    EXPECT_EQ(o.resource_group, "group_2");
    EXPECT_NE(o.content.find("sales_dev.dwd_orders"), std::string::npos);
    EXPECT_FALSE(objects().at("node:ods_orders").dry_run);
}

TEST_F(Import, HeldLockRefusesAndChangesNothing) {
    {
        auto c = open();
        sdk::Diagnostics d;
        ASSERT_TRUE(c->ensure_workspace("sales_prod", d));
        auto lock = c->try_acquire_lock("sales_prod", "other.task", "carol@elsewhere:1", d);
        ASSERT_TRUE(lock.acquired) << codes_of(d);
    }
    const auto r = ferry("import --yes " + write_task({}));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("error[FERRY-TASK-LOCKED] sales_prod: workspace 'sales_prod' is being imported by task "
                         "'other.task' (carol@elsewhere:1, since "),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("or break it with `ferry unlock sales_prod`"), std::string::npos) << r.err;
    EXPECT_TRUE(objects().empty());
}

TEST_F(Import, TaskLifecycle) {
    const std::string task = write_task({});
    auto r = ferry("task create " + task);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto list = json::parse(ferry("tasks --json").out);
    ASSERT_EQ(list["tasks"].size(), 1u);
    EXPECT_EQ(list["tasks"][0]["state"], "EDITING");
    EXPECT_EQ(ferry("task edit sales_dw.t1 " + task).exit_code, 0);
    EXPECT_EQ(ferry("reimport sales_dw.t1").exit_code, 1);  // EDITING cannot be re-imported
    ASSERT_EQ(ferry("import --yes " + task).exit_code, 0);
    list = json::parse(ferry("tasks --json").out);
    EXPECT_EQ(list["tasks"][0]["state"], "IMPORT_SUCCESS");
    r = ferry("task edit sales_dw.t1 " + task);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("task 'sales_dw.t1' is IMPORT_SUCCESS; only EDITING tasks can be edited"), std::string::npos);
    r = ferry("reimport sales_dw.t1");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("only a task that ended IMPORT_ERROR or PARTIAL_SUCCESS"), std::string::npos) << r.err;
    EXPECT_EQ(ferry("task delete sales_dw.t1").exit_code, 0);
    EXPECT_EQ(json::parse(ferry("tasks --json").out)["tasks"].size(), 0u);
}

TEST_F(Import, EngineDownGivesPartialSuccessAndReimportFinishes) {
    // The engine's database file cannot be created while a plain file sits where its folder goes.
    write_file(dir_ + "/engine", "not a folder");
    TaskFile t;
    t.engines = "[[workspace.engines]]\nname = \"rehearsal\"\ntype = \"sqlite\"\npath = \"engine/rehearsal.db\"\n";
    const auto r = ferry("import --yes " + write_task(t));
    EXPECT_EQ(r.exit_code, 1);
    json rep = report("sales_dw.t1");
    EXPECT_EQ(rep["basic"]["status"], "PARTIAL_SUCCESS");
    EXPECT_EQ(rep["results"]["table"]["failed"], 1);
    EXPECT_EQ(rep["results"]["node"]["succeeded"], 3);
    EXPECT_EQ(rep["results"]["workflow"]["succeeded"], 1);
    EXPECT_EQ(objects().count("table:dwd_orders"), 0u);
    // The engine comes back; reimport redoes only the table.
    fs::remove(dir_ + "/engine");
    fs::create_directories(dir_ + "/engine");
    const auto again = ferry("reimport sales_dw.t1");
    ASSERT_EQ(again.exit_code, 0) << again.err;
    rep = report("sales_dw.t1");
    EXPECT_EQ(rep["basic"]["status"], "IMPORT_SUCCESS");
    EXPECT_EQ(rep["results"]["total"]["failed"], 0);
    for (const auto& [k, o] : objects()) EXPECT_EQ(o.version, 1) << k;
    EXPECT_EQ(objects().count("table:dwd_orders"), 1u);
}

TEST_F(Import, KilledImportResumesToTheCatalogOfACleanImport) {
    // A clean import into a catalog and an engine of its own, for comparison.
    TaskFile clean_task;
    clean_task.engines = "[[workspace.engines]]\nname = \"rehearsal\"\ntype = \"sqlite\"\npath = \"clean.engine.db\"\n";
    ASSERT_EQ(run_ferry("import --yes " + write_task(clean_task, "clean.toml") + " --catalog sqlite:" + dir_ + "/clean.db")
                  .exit_code,
              0);
    const std::string task = write_task({});
    sdk::Diagnostics d;
    auto clean_cat = catalog::Catalog::open("sqlite:" + dir_ + "/clean.db", d);
    std::map<std::string, std::string> clean;
    for (auto& o : clean_cat->list_objects("sales_prod", std::nullopt, d))
        clean[std::string(sdk::to_string(o.kind)) + ":" + o.name] = o.sha256;
    ASSERT_EQ(clean.size(), 8u);

    // Kill points: after the resource, after the table (its engine side done), mid-nodes, the last but one.
    // The runs' temporary folders, to see that a killed run's copies do not stay behind.
    const std::string tmp = dir_ + "/tmp";
    fs::create_directory(tmp);
    auto left_behind = [&] {
        std::size_t n = 0;
        for (const auto& e : fs::directory_iterator(tmp)) n += e.path().filename().string().rfind("ferry-import-", 0) == 0;
        return n;
    };
    for (int kill_after : {1, 2, 3, 5, 6, 7}) {
        fs::remove(dir_ + "/catalog.db");
        fs::remove(dir_ + "/rehearsal.db");
        // Batches of 3 so kills land both between transactions and inside an open one.
        const auto killed = run_ferry("import --yes " + task + " --catalog sqlite:" + dir_ + "/catalog.db",
                                      "TMPDIR=" + tmp + " FERRY_COMMIT_BATCH=3 FERRY_FAULT_KILL_AFTER_COMMITS=" +
                                          std::to_string(kill_after));
        EXPECT_NE(killed.exit_code, 0) << "the importer should have died after " << kill_after;
        EXPECT_LT(objects().size(), 8u) << "killed after " << kill_after;
        EXPECT_EQ(left_behind(), 1u) << "the killed run's folder, which the next run removes";
        const auto resumed = run_ferry("reimport sales_dw.t1 --catalog sqlite:" + dir_ + "/catalog.db", "TMPDIR=" + tmp);
        ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
        EXPECT_EQ(left_behind(), 0u) << "killed after " << kill_after;
        std::map<std::string, std::string> now;
        for (const auto& [k, o] : objects()) {
            now[k] = o.sha256;
            EXPECT_EQ(o.version, 1) << k << " was written twice";
        }
        EXPECT_EQ(now, clean);
        const json rep = report("sales_dw.t1");
        EXPECT_EQ(rep["basic"]["status"], "IMPORT_SUCCESS");
        EXPECT_EQ(rep["results"]["total"]["succeeded"], 8);
        EXPECT_EQ(rep["details"].size(), 8u);
    }
}

TEST_F(Import, ReportFormats) {
    ASSERT_EQ(ferry("import --yes " + write_task({})).exit_code, 0);
    const json rep = report("sales_dw.t1");
    for (const char* section : {"basic", "settings", "results", "details"}) EXPECT_TRUE(rep.contains(section)) << section;
    for (const char* key : {"name", "remarks", "package", "source", "importer", "start", "end", "status"})
        EXPECT_TRUE(rep["basic"].contains(key)) << key;
    EXPECT_EQ(rep["basic"]["package"]["sha256"].get<std::string>().size(), 64u);
    for (const auto& d : rep["details"])
        for (const char* key : {"kind", "name", "action", "status", "message", "owner_before", "owner_after", "engine_instance"})
            EXPECT_TRUE(d.contains(key)) << key;
    const auto html = ferry("report sales_dw.t1 --format html -o " + dir_ + "/r.html");
    ASSERT_EQ(html.exit_code, 0);
    const std::string page = read_file(dir_ + "/r.html");
    for (const char* h : {"<h2>Basic Information</h2>", "<h2>Import Settings</h2>", "<h2>Import results</h2>",
                          "<h2>Details</h2>", "dwd_orders"})
        EXPECT_NE(page.find(h), std::string::npos) << h;
    EXPECT_EQ(page.find("http"), std::string::npos) << "the page must be self-contained";
    EXPECT_EQ(page.find("Xq9-sentinel-pw"), std::string::npos) << "data source settings never reach the report";
    const auto text = ferry("report sales_dw.t1");
    EXPECT_NE(text.out.find("Basic Information"), std::string::npos);
}

}  // namespace
}  // namespace ferry::test
