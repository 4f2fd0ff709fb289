// Hologres speaks PostgreSQL's protocol: its rendering is checked on a real PostgreSQL
// (FERRY_TEST_PG_DSN from tests/servers/postgres.sh); what only Hologres has is not tested here.
#include <gtest/gtest.h>
#include <unistd.h>

#include "ferry/engine/testing.hpp"
#include "ownership.hpp"
#include "pg_engine.hpp"

using namespace ferry;
using namespace ferry::engine::testing;

namespace {

TEST(HologresOwnership, DeclaresHologresNodes) {
    std::vector<std::string> owns(std::begin(engines::hologres::kOwns), std::end(engines::hologres::kOwns));
    EXPECT_EQ(owns, (std::vector<std::string>{"command:HOLOGRES_SQL", "command:HOLOGRES_DEVELOP", "command:HOLOGRES_SYNC_DDL",
                                              "command:HOLOGRES_SYNC_DATA", "datasource:holo", "datasource:hologres",
                                              "table:Hologres", "table:HOLOGRES"}));
}

class HologresTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string dsn = require_env("FERRY_TEST_PG_DSN", "tests/servers/postgres.sh start /tmp/ferry-pg 55433");
        if (dsn.empty()) GTEST_FAIL() << "no server";
        schema_ = "ferry_holo_" + std::to_string(::getpid());
        config_ = make_config({{"dsn", dsn}, {"schema", schema_}});
        sdk::CreateContext ctx{&config_, &host_, "holo_dw"};
        engine_ = engines::pg::make_engine(engine::Dialect::hologres, ctx, diags_);
        ASSERT_TRUE(engine_) << describe(diags_);
    }
    void TearDown() override {
        if (engine_) engine_->apply({sdk::ObjectKind::table, "x", {"DROP SCHEMA IF EXISTS \"" + schema_ + "\" CASCADE"}, "", ""});
    }
    std::string schema_;
    sdk::Config config_;
    RecordingHost host_;
    sdk::Diagnostics diags_;
    std::unique_ptr<engines::pg::PgEngine> engine_;
};

TEST_F(HologresTest, CreatesSupportedTypesAndRefusesTheRest) {
    EXPECT_EQ(engine_->dialect(), "hologres");
    sdk::TableRequest ok{"dws_orders",
                         "CREATE TABLE dws_orders (id BIGINT, ids ARRAY<BIGINT>, names ARRAY<STRING>, at DATETIME, amount DECIMAL(18,4))"
                         " PARTITIONED BY (ds STRING)",
                         "maxcompute", false};
    auto r = engine_->render_table(ok);
    ASSERT_FALSE(r.diagnostics.has_errors()) << describe(r.diagnostics);
    auto a = engine_->apply({sdk::ObjectKind::table, ok.name, r.statements, "", ""});
    ASSERT_TRUE(a.applied) << describe(a.diagnostics);
    EXPECT_TRUE(engine_->exists({sdk::ObjectKind::table, ok.name}).exists);

    sdk::TableRequest bad{"t", "CREATE TABLE t (\n  id BIGINT,\n  m MAP<STRING,STRING>,\n  s ARRAY<SMALLINT>\n)", "maxcompute", false};
    auto b = engine_->render_table(bad);
    EXPECT_TRUE(b.statements.empty());
    std::vector<std::string> errors;
    for (const auto& d : b.diagnostics.items()) errors.push_back(d.code + " " + d.where + " " + d.summary);
    EXPECT_EQ(errors, (std::vector<std::string>{
                          "FERRY-ENGINE-TYPE-UNSUPPORTED ddl:3:3 column 'm' of type MAP<STRING,STRING> has no type on hologres",
                          "FERRY-ENGINE-TYPE-UNSUPPORTED ddl:4:3 column 's' of type ARRAY<SMALLINT> has no type on hologres"}));
}

// Hologres DDL is read and rendered again, into this instance's schema under the table's own
// name: a schema the DDL names is not used.
TEST_F(HologresTest, HologresDdlIsRenderedIntoTheInstancesSchema) {
    sdk::TableRequest req{"t", "CREATE TABLE IF NOT EXISTS other_schema.t (a int4 NOT NULL, b text[])", "hologres", false};
    auto r = engine_->render_table(req);
    ASSERT_FALSE(r.diagnostics.has_errors()) << describe(r.diagnostics);
    EXPECT_EQ(r.statements, (std::vector<std::string>{
                                "CREATE SCHEMA IF NOT EXISTS \"" + schema_ + "\"",
                                "CREATE TABLE IF NOT EXISTS \"" + schema_ + "\".\"t\" (\n  \"a\" int4 NOT NULL,\n  \"b\" text[]\n)"}));
    EXPECT_TRUE(engine_->apply({sdk::ObjectKind::table, "t", r.statements, "", ""}).applied);
    EXPECT_TRUE(engine_->exists({sdk::ObjectKind::table, "t"}).exists);
    auto pg = engine_->render_table({"u", "CREATE TABLE u (a int4)", "postgresql", false});
    EXPECT_FALSE(pg.diagnostics.has_errors()) << describe(pg.diagnostics);
    auto two = engine_->render_table({"u", "CREATE TABLE u (a int4); CALL set_table_property('u', 'orientation', 'column')",
                                      "hologres", false});
    EXPECT_EQ(codes_of(two.diagnostics), (std::vector<std::string>{"FERRY-ENGINE-DDL-STATEMENTS"}));
}

TEST_F(HologresTest, RewritesHologresSql) {
    auto r = engine_->rewrite({"insert into sales_dev.t select * from \"ods_dev\".s where x = 'sales_dev.t'", "HOLOGRES_SQL",
                               {{"sales_dev", "sales"}, {"ods_dev", "ods"}}});
    EXPECT_EQ(r.code, "insert into sales.t select * from \"ods\".s where x = 'sales_dev.t'");
    EXPECT_EQ(r.replacements, 2u);
}

}  // namespace
