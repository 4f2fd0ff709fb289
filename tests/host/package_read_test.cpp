// Sound packages built from the real FlowSpec samples read back as the model the preview shows.
#include <optional>
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "package_builder.hpp"
#include "test_env.hpp"
#include "util/temp_dir.hpp"

namespace ferry::test {
namespace {

// A copy: the model keeps its objects on disk (util/object_spool.hpp).
std::optional<host::Node> node_named(const host::PackageModel& m, const std::string& name) {
    for (const auto& n : m.nodes)
        if (n.name == name) return n;
    return std::nullopt;
}

class SpecPackage : public ::testing::TestWithParam<Format> {};

TEST_P(SpecPackage, ReadsEveryKindWithLayoutAndCode) {
    const std::string file = scratch_dir() + "/sales_dw" + (GetParam() == Format::zip ? ".zip" : ".tar.gz");
    write_package(file, GetParam(), spec_package_entries(samples_dir()));
    const auto r = check_file(file);
    ASSERT_TRUE(r.read_ok) << codes_of(r.diags);
    EXPECT_FALSE(r.diags.has_errors()) << codes_of(r.diags);
    const auto& m = r.model;
    EXPECT_EQ(m.info.format, "spec");
    EXPECT_EQ(m.info.sha256.size(), 64u);
    EXPECT_EQ(m.info.size, std::filesystem::file_size(file));
    EXPECT_EQ(m.nodes.size(), 5u);  // 3 laid out + 2 from the MigrationX document
    ASSERT_EQ(m.resources.size(), 1u);
    EXPECT_EQ(m.resources[0].content.size, 32u);  // "def add(a, b):\n    return a + b\n"
    ASSERT_EQ(m.tables.size(), 1u);
    EXPECT_EQ(m.tables[0].project, "odps_first");
    ASSERT_EQ(m.functions.size(), 1u);
    EXPECT_EQ(m.functions[0].resources, std::vector<std::string>{"math_lib.py"});
    ASSERT_EQ(m.datasources.size(), 1u);
    EXPECT_EQ(m.datasources[0].environment, "PRD");

    const std::optional<host::Node> dwd = node_named(m, "dwd_orders");
    ASSERT_TRUE(dwd.has_value());
    EXPECT_EQ(dwd->workflow, "sales_flow");
    EXPECT_EQ(dwd->command, "ODPS_SQL");
    EXPECT_EQ(dwd->datasource_name, "odps_first");
    EXPECT_EQ(dwd->owner, "064152");
    EXPECT_EQ(dwd->resource_group, "group_2");
    EXPECT_EQ(dwd->cron, "00 00 02 * * ?");
    ASSERT_TRUE(dwd->code.present);
    EXPECT_FALSE(dwd->code.is_inline);
    EXPECT_EQ(dwd->code.entry_path,
              "sales_dw/DataStudio/业务流程/sales_flow/MaxCompute/数据开发/dwd_orders/dwd_orders.sql");
    ASSERT_EQ(dwd->depends.size(), 1u);
    EXPECT_EQ(dwd->depends[0].target, "1001");

    const std::optional<host::Node> report = node_named(m, "汇总报表");
    ASSERT_TRUE(report.has_value());
    EXPECT_EQ(report->command, "PYODPS3");
    const std::optional<host::Node> mx = node_named(m, "python节点");
    ASSERT_TRUE(mx.has_value());
    EXPECT_EQ(mx->workflow, "sql-python工作流");
    // Code written in the document: a check keeps where it is and its size, not its text.
    ASSERT_TRUE(mx->code.present);
    EXPECT_FALSE(mx->code.is_inline);
    EXPECT_EQ(mx->code.entry_path, mx->source_path);
    EXPECT_GT(mx->code.size, 0u);
    EXPECT_TRUE(mx->code.inline_text.empty());
}

INSTANTIATE_TEST_SUITE_P(Formats, SpecPackage, ::testing::Values(Format::zip, Format::tar_gz),
                         [](const auto& info) { return info.param == Format::zip ? "zip" : "tar_gz"; });

// A laid-out node's code is the file beside its document named like it: <name> or <name>.<ext>,
// the first in path order; without one, the file at its script path. Files whose names only start alike (n1-old.sql, n10.sql) and files in a
// subfolder (n1.d/inner.sql) are not its code, however many of them share the folder.
TEST(SpecPackage, CodeBesideANodeIsTheFileNamedLikeIt) {
    const std::string dir = "DataStudio/Business Flow/wf/MaxCompute/Data Analytics/";
    auto doc = [](const std::string& id, const std::string& name,
                  const std::string& script = "Business Flow/wf/MaxCompute/Data Analytics/") {
        return R"({"version": "1.1.0", "kind": "CycleWorkflow", "spec": {"nodes": [{"id": ")" + id + R"(", "name": ")" +
               name + R"(", "script": {"path": ")" + script + name + R"(", "runtime": {"command": "ODPS_SQL"}}}]}})";
    };
    std::vector<Entry> entries = {{"SPEC.FORMAT", ""},
                                  {dir + "n1.schedule.json", doc("1", "n1")},
                                  {dir + "n1-old.sql", "SELECT 'old';"},
                                  {dir + "n1.d/inner.sql", "SELECT 'inner';"},
                                  {dir + "n10.sql", "SELECT 10;"},
                                  {dir + "n1.sql", "SELECT 1;"},
                                  {dir + "n1.zz", "SELECT 'later in path order';"},
                                  {dir + "n10.schedule.json", doc("10", "n10")},
                                  {dir + "n3.schedule.json", doc("3", "n3")},
                                  {dir + "n3", "SELECT 3;"},
                                  // Nothing beside it: found by its script path, relative to DataStudio/.
                                  {dir + "n4.schedule.json", doc("4", "n4", "Business Flow/wf/shared/")},
                                  {"DataStudio/Business Flow/wf/shared/n4.sql", "SELECT 4;"}};
    for (int i = 0; i < 200; ++i) entries.push_back({dir + "n1_" + std::to_string(i) + ".sql", "SELECT 0;"});
    const std::string file = scratch_dir() + "/beside.zip";
    write_package(file, Format::zip, entries);
    const auto r = check_file(file);
    ASSERT_TRUE(r.read_ok) << codes_of(r.diags);
    EXPECT_FALSE(r.diags.has_errors()) << codes_of(r.diags);
    for (const auto& [name, code] : std::vector<std::pair<std::string, std::string>>{
             {"n1", dir + "n1.sql"},
             {"n10", dir + "n10.sql"},
             {"n3", dir + "n3"},
             {"n4", "DataStudio/Business Flow/wf/shared/n4.sql"}}) {
        const std::optional<host::Node> n = node_named(r.model, name);
        ASSERT_TRUE(n.has_value()) << name;
        ASSERT_TRUE(n->code.present) << name;
        EXPECT_EQ(n->code.entry_path, code) << name;
    }
}

TEST(LoosePackage, EveryMigrationXSampleReadsAsALoneDocument) {
    for (const auto& entry : std::filesystem::directory_iterator(samples_dir() + "/migrationx-spec")) {
        const auto r = check_file(entry.path().string());
        EXPECT_TRUE(r.read_ok) << entry.path() << "\n" << codes_of(r.diags);
        EXPECT_FALSE(r.diags.has_errors()) << entry.path() << "\n" << codes_of(r.diags);
        EXPECT_EQ(r.model.info.format, "flowspec-json");
        EXPECT_GT(r.model.nodes.size(), 0u) << entry.path();
    }
}

TEST(LoosePackage, FlowSpecExamplesReadInOneArchive) {
    // The hand-written examples, one archive each, as a user would zip a folder of them.
    for (const char* name : {"real_case.json", "table.json", "function.json", "file_resource.json",
                             "datasource.json", "emr.json", "cdh.json", "branch.json", "dowhile.json"}) {
        const std::string file = scratch_dir() + "/" + name + ".zip";
        write_package(file, Format::zip, {{std::string("flows/") + name, read_file(samples_dir() + "/flowspec-examples/" + name)}});
        const auto r = check_file(file);
        EXPECT_TRUE(r.read_ok) << name << "\n" << codes_of(r.diags);
        EXPECT_FALSE(r.diags.has_errors()) << name << "\n" << codes_of(r.diags);
        EXPECT_EQ(r.model.info.format, "flowspec-archive");
    }
}

TEST(LoosePackage, ReferencesResolveAcrossLists) {
    const auto r = check_file(samples_dir() + "/flowspec-examples/real_case.json");
    ASSERT_TRUE(r.read_ok) << codes_of(r.diags);
    const std::optional<host::Node> n = node_named(r.model, "sls_full_access_log");
    ASSERT_TRUE(n.has_value());
    EXPECT_EQ(n->command, "DI");
    EXPECT_EQ(n->cron, "00 */30 00-23 * * ?");  // from {{triggers.every_30_minutes}}
    EXPECT_TRUE(n->code.present);
    EXPECT_EQ(n->code.entry_path, n->source_path);  // the document's own code
    const std::optional<host::Node> business = node_named(r.model, "cn_shanghai_api_access_detail");
    ASSERT_TRUE(business.has_value());
    EXPECT_EQ(business->depends.size(), 2u);
}

// An import keeps the text of code written in a document (a check keeps only its size).
TEST(LoosePackage, AnImportKeepsInlineCodesText) {
    host::TempDir spool("ferry-inline-code-");
    const std::filesystem::path spool_dir = spool.path();
    host::ReadOptions options;
    options.spool_dir = &spool_dir;
    const auto r = check_file(samples_dir() + "/flowspec-examples/real_case.json", options);
    ASSERT_TRUE(r.read_ok) << codes_of(r.diags);
    const std::optional<host::Node> n = node_named(r.model, "sls_full_access_log");
    ASSERT_TRUE(n.has_value());
    ASSERT_TRUE(n->code.is_inline);
    EXPECT_FALSE(n->code.inline_text.empty());
    EXPECT_EQ(n->code.size, n->code.inline_text.size());
    const auto checked = check_file(samples_dir() + "/flowspec-examples/real_case.json");
    const std::optional<host::Node> c = node_named(checked.model, "sls_full_access_log");
    ASSERT_TRUE(c.has_value());
    EXPECT_EQ(c->code.size, n->code.size);
}

TEST(LoosePackage, FlowFilesWithoutMarker) {
    const std::string file = scratch_dir() + "/demo.zip";
    write_package(file, Format::zip,
                  {{"demo/wf/n1.flow", one_node_spec("n1")}, {"demo/wf/n1.sql", "select 1;"}});
    const auto r = check_file(file);
    ASSERT_TRUE(r.read_ok) << codes_of(r.diags);
    EXPECT_EQ(r.model.info.format, "flow");
    EXPECT_EQ(r.model.nodes.size(), 1u);
}

TEST(LoosePackage, Version100OutputsAreRead) {
    const std::string doc = R"({"version": "1.0.0", "kind": "CycleWorkflow", "spec": {"nodes": [
      {"id": "a", "name": "a", "script": {"content": "x", "runtime": {"command": "SHELL"}},
       "outputs": {"outputs": [{"data": "proj.a_out"}]}},
      {"id": "b", "name": "b", "script": {"content": "y", "runtime": {"command": "SHELL"}},
       "inputs": {"nodeOutputs": [{"data": "proj.a_out"}]}}]}})";
    const std::string file = scratch_dir() + "/v100.json";
    write_file(file, doc);
    const auto r = check_file(file);
    EXPECT_FALSE(r.diags.has_errors()) << codes_of(r.diags);
    EXPECT_EQ(find_code(r.diags, "FERRY-PKG-DEPENDENCY"), nullptr) << codes_of(r.diags);
}

}  // namespace
}  // namespace ferry::test
