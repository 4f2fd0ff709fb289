#include <gtest/gtest.h>

#include "ferry/engine/testing.hpp"
#include "hive_engine.hpp"
#include "ownership.hpp"

using namespace ferry;
using namespace ferry::engine::testing;

namespace {

struct Made {
    sdk::Config config;
    RecordingHost host;
    sdk::Diagnostics diags;
    std::unique_ptr<engines::hive::HiveEngine> engine;
};

std::unique_ptr<Made> make(const std::string& database) {
    auto m = std::make_unique<Made>();
    m->config = make_config({{"database", database}, {"cluster_id", "C-123"}});
    sdk::CreateContext ctx{&m->config, &m->host, "emr_prod"};
    m->engine = engines::hive::make_engine("EMR", ctx, m->diags);
    return m;
}

TEST(EmrOwnership, DeclaresEmrObjects) {
    std::vector<std::string> owns(std::begin(engines::emr::kOwns), std::end(engines::emr::kOwns));
    for (const char* want : {"command:EMR_HIVE", "command:EMR_SPARK_SQL", "command:EMR_SHELL", "command:EMR_KYUUBI",
                             "resource:EMR_JAR", "table:EMR_TABLE", "function:EMR_FUNCTION", "datasource:emr"})
        EXPECT_NE(std::find(owns.begin(), owns.end(), want), owns.end()) << want;
    for (const std::string& o : owns) EXPECT_EQ(o.find("CDH"), std::string::npos) << o;
}

TEST(EmrConfig, RefusesABadDatabaseName) {
    auto m = make("dw-prod");
    EXPECT_FALSE(m->engine);
    EXPECT_EQ(codes_of(m->diags), (std::vector<std::string>{"FERRY-ENGINE-CONFIG"}));
}

struct RewriteCase {
    const char* command;
    const char* code;
    const char* expected;
    std::vector<std::string> codes;
};
class EmrRewriteTest : public testing::TestWithParam<RewriteCase> {};
TEST_P(EmrRewriteTest, RewritesByCommand) {
    auto m = make("dw");
    auto r = m->engine->rewrite({GetParam().code, GetParam().command, {{"sales_dev", "sales"}}});
    EXPECT_EQ(r.code, GetParam().expected);
    EXPECT_EQ(codes_of(r.diagnostics), GetParam().codes);
}
INSTANTIATE_TEST_SUITE_P(
    Cases, EmrRewriteTest,
    testing::Values(
        RewriteCase{"EMR_HIVE", "insert overwrite table sales_dev.t select * from `sales_dev`.s where a = 'sales_dev.x'",
                    "insert overwrite table sales.t select * from `sales`.s where a = 'sales_dev.x'", {}},
        RewriteCase{"EMR_SPARK_SQL", "select 1 -- sales_dev.t\nfrom sales_dev.t", "select 1 -- sales_dev.t\nfrom sales.t", {}},
        RewriteCase{"EMR_SHELL", "hive -e \"select * from sales_dev.t\"", "hive -e \"select * from sales.t\"",
                    {"FERRY-ENGINE-REWRITE-REVIEW"}},
        RewriteCase{"ODPS_SQL", "select * from sales_dev.t", "select * from sales.t", {"FERRY-ENGINE-CROSS-ENGINE-REVIEW"}}),
    [](const testing::TestParamInfo<RewriteCase>& i) { return std::string(i.param.command); });

TEST(EmrRender, HiveDdlIsRenderedFromItsParts) {
    auto m = make("dw");
    const char* ddl = "CREATE EXTERNAL TABLE IF NOT EXISTS staging.logs (line STRING)\nPARTITIONED BY (dt STRING)\n"
                      "ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t'\nSTORED AS TEXTFILE\nLOCATION 'oss://bucket/logs/';";
    auto r = m->engine->render_table({"logs", ddl, "hive", false});
    EXPECT_TRUE(r.diagnostics.empty()) << describe(r.diagnostics);
    EXPECT_EQ(r.statements, (std::vector<std::string>{
                                "CREATE EXTERNAL TABLE IF NOT EXISTS `dw`.`logs` (\n  `line` STRING\n)\nPARTITIONED BY (`dt` STRING)\n"
                                "ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t'\nSTORED AS TEXTFILE\nLOCATION 'oss://bucket/logs/'"}));
    auto o = m->engine->render_table({"logs", ddl, "hive", true});
    ASSERT_EQ(o.statements.size(), 2u);
    EXPECT_EQ(o.statements[0], "DROP TABLE IF EXISTS `dw`.`logs`");
    // The DDL names its own table, in one statement, or nothing is rendered.
    auto other = m->engine->render_table({"logs", "CREATE TABLE staging.canary (line STRING)", "hive", true});
    EXPECT_TRUE(other.statements.empty());
    EXPECT_EQ(codes_of(other.diagnostics), (std::vector<std::string>{"FERRY-ENGINE-DDL-NAME"}));
    auto two = m->engine->render_table({"logs", "CREATE TABLE logs (line STRING); DROP TABLE canary", "hive", true});
    EXPECT_TRUE(two.statements.empty());
    EXPECT_EQ(codes_of(two.diagnostics), (std::vector<std::string>{"FERRY-ENGINE-DDL-STATEMENTS"}));
}

TEST(EmrRender, MaxComputeDdlBecomesHive) {
    auto m = make("dw");
    auto r = m->engine->render_table({"orders",
                                      "CREATE TABLE sales_dev.orders (id BIGINT, at DATETIME, j JSON) PARTITIONED BY (ds STRING) LIFECYCLE 7",
                                      "maxcompute", false});
    ASSERT_EQ(r.statements.size(), 1u);
    EXPECT_EQ(r.statements[0],
              "CREATE TABLE IF NOT EXISTS `dw`.`orders` (\n  `id` BIGINT,\n  `at` TIMESTAMP,\n  `j` STRING\n)\nPARTITIONED BY (`ds` STRING)");
    std::vector<std::string> got;
    for (const auto& d : r.diagnostics.items()) got.push_back(std::string(sdk::to_string(d.severity)) + " " + d.code);
    EXPECT_EQ(got, (std::vector<std::string>{"warning FERRY-ENGINE-TYPE-LOSSY", "info FERRY-ENGINE-CLAUSE-DROPPED"}));
}

TEST(EmrRender, BadDdlSaysWhere) {
    auto m = make("dw");
    auto r = m->engine->render_table({"t", "CREATE TABLE t (\n  a ARRAY<INT\n)", "hive", false});
    ASSERT_EQ(r.diagnostics.items().size(), 1u);
    EXPECT_EQ(r.diagnostics.items()[0].summary, "table 't': expected '>' to close ARRAY<...>, found ')'");
    EXPECT_EQ(r.diagnostics.items()[0].where, "ddl:3:1");
}

TEST(EmrRender, Functions) {
    auto m = make("dw");
    auto f = m->engine->render_function({"my_upper", "com.example.hive.Upper", {"hdfs:///udf/upper.jar", "oss://b/dict.txt"}, "hive", false});
    EXPECT_EQ(f.statements, (std::vector<std::string>{
                                "CREATE FUNCTION `dw`.`my_upper` AS 'com.example.hive.Upper' USING JAR 'hdfs:///udf/upper.jar', "
                                "FILE 'oss://b/dict.txt'"}));
    auto mc = m->engine->render_function({"my_upper", "com.example.Upper", {"udf.jar"}, "maxcompute", false});
    EXPECT_TRUE(mc.statements.empty());
    EXPECT_EQ(codes_of(mc.diagnostics), (std::vector<std::string>{"FERRY-ENGINE-FUNCTION-UNSUPPORTED"}));
    for (const char* name : {"x.canary", "f`; DROP TABLE canary; --"}) {
        auto bad = m->engine->render_function({name, "com.example.hive.Upper", {}, "hive", true});
        EXPECT_TRUE(bad.statements.empty()) << name;
        EXPECT_EQ(codes_of(bad.diagnostics), (std::vector<std::string>{"FERRY-ENGINE-IDENTIFIER"})) << name;
    }
}

TEST(EmrApply, RendersButDoesNotExecute) {
    auto m = make("dw");
    auto a = m->engine->apply({sdk::ObjectKind::table, "orders", {"CREATE TABLE IF NOT EXISTS `dw`.`orders` (id BIGINT)"}, "", ""});
    EXPECT_FALSE(a.applied);
    ASSERT_EQ(a.diagnostics.items().size(), 1u);
    const auto& d = a.diagnostics.items()[0];
    EXPECT_EQ(d.code, "FERRY-ENGINE-NOT-EXECUTED");
    EXPECT_EQ(d.summary, "1 statement(s) for table 'orders' were rendered but not executed on EMR instance 'emr_prod' "
                         "(cluster C-123): ferry cannot reach HiveServer2");
    EXPECT_EQ(d.detail, "run them with beeline or the EMR console:\nCREATE TABLE IF NOT EXISTS `dw`.`orders` (id BIGINT);\n");
    auto e = m->engine->exists({sdk::ObjectKind::table, "orders"});
    EXPECT_FALSE(e.exists);
    EXPECT_FALSE(e.diagnostics.has_errors());
    EXPECT_EQ(codes_of(e.diagnostics), (std::vector<std::string>{"FERRY-ENGINE-EXISTS-UNKNOWN"}));
}

}  // namespace
