#include <gtest/gtest.h>

#include "ferry/engine/testing.hpp"
#include "hive_engine.hpp"
#include "ownership.hpp"

using namespace ferry;
using namespace ferry::engine::testing;

namespace {

TEST(CdhOwnership, DeclaresCdhObjects) {
    std::vector<std::string> owns(std::begin(engines::cdh::kOwns), std::end(engines::cdh::kOwns));
    for (const char* want : {"command:CDH_HIVE", "command:CDH_IMPALA", "resource:CDH_JAR", "table:CDH_TABLE",
                             "function:CDH_FUNCTION", "datasource:cdh"})
        EXPECT_NE(std::find(owns.begin(), owns.end(), want), owns.end()) << want;
    for (const std::string& o : owns) EXPECT_EQ(o.find("EMR"), std::string::npos) << o;
}

TEST(Cdh, RewritesRendersAndReportsNotExecuted) {
    sdk::Config config = make_config({{"database", "dw"}});
    RecordingHost host;
    sdk::Diagnostics diags;
    auto e = engines::hive::make_engine("CDH", {&config, &host, "cdh_prod"}, diags);
    ASSERT_TRUE(e) << describe(diags);
    EXPECT_EQ(e->dialect(), "hive");
    auto r = e->rewrite({"select * from sales_dev.t", "CDH_IMPALA", {{"sales_dev", "sales"}}});
    EXPECT_EQ(r.code, "select * from sales.t");
    auto t = e->render_table({"t", "CREATE TABLE src.t (a INT) STORED AS PARQUET", "hive", false});
    EXPECT_EQ(t.statements, (std::vector<std::string>{"CREATE TABLE IF NOT EXISTS `dw`.`t` (\n  `a` INT\n)\nSTORED AS PARQUET"}));
    auto a = e->apply({sdk::ObjectKind::table, "t", t.statements, "", ""});
    EXPECT_FALSE(a.applied);
    ASSERT_EQ(a.diagnostics.items().size(), 1u);
    EXPECT_EQ(a.diagnostics.items()[0].summary,
              "1 statement(s) for table 't' were rendered but not executed on CDH instance 'cdh_prod': ferry cannot reach HiveServer2");
}

}  // namespace
