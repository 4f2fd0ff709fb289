#include <gtest/gtest.h>

#include "ferry/engine/ddl.hpp"
#include "ferry/engine/table_renderer.hpp"

using namespace ferry::engine;

namespace {

const char* kDdl = R"(CREATE TABLE IF NOT EXISTS sales_dev.Orders (
  id BIGINT COMMENT 'order id',
  amount DECIMAL(10,2),
  tags ARRAY<STRING>,
  attrs MAP<STRING,STRING>
) COMMENT 'it''s orders'
PARTITIONED BY (ds STRING)
LIFECYCLE 30;)";

TableDef parse(const char* ddl) {
    TableDef t;
    DdlError e;
    EXPECT_TRUE(parse_create_table(ddl, t, e)) << e.text();
    return t;
}

std::vector<std::string> codes(const ferry::sdk::Diagnostics& d) {
    std::vector<std::string> out;
    for (const auto& i : d.items()) out.push_back(std::string(ferry::sdk::to_string(i.severity)) + " " + i.code + " " + i.where);
    return out;
}

TEST(RenderTable, PostgresWithSchemaCommentsAndWarnings) {
    RenderTarget t{Dialect::postgresql, "dw", "orders", false, true};
    auto r = render_table(parse(kDdl), t);
    ASSERT_EQ(r.statements.size(), 4u);
    EXPECT_EQ(r.statements[0], "CREATE SCHEMA IF NOT EXISTS \"dw\"");
    EXPECT_EQ(r.statements[1],
              "CREATE TABLE IF NOT EXISTS \"dw\".\"orders\" (\n  \"id\" int8,\n  \"amount\" numeric(10,2),\n  \"tags\" text[],\n"
              "  \"attrs\" jsonb,\n  \"ds\" text\n)");
    EXPECT_EQ(r.statements[2], "COMMENT ON TABLE \"dw\".\"orders\" IS 'it''s orders'");
    EXPECT_EQ(r.statements[3], "COMMENT ON COLUMN \"dw\".\"orders\".\"id\" IS 'order id'");
    EXPECT_EQ(codes(r.diagnostics), (std::vector<std::string>{"info FERRY-ENGINE-CLAUSE-DROPPED ",
                                                               "warning FERRY-ENGINE-TYPE-LOSSY ddl:5:3",
                                                               "info FERRY-ENGINE-CLAUSE-DROPPED "}));
}

TEST(RenderTable, OverwriteDropsFirst) {
    RenderTarget t{Dialect::sqlite, "", "orders", true, false};
    auto r = render_table(parse("CREATE TABLE t (a STRING, b BOOLEAN)"), t);
    EXPECT_EQ(r.statements, (std::vector<std::string>{"DROP TABLE IF EXISTS \"orders\"",
                                                      "CREATE TABLE \"orders\" (\n  \"a\" TEXT,\n  \"b\" INTEGER\n)"}));
}

TEST(RenderTable, MysqlInlineComments) {
    RenderTarget t{Dialect::mysql, "dw", "orders", false, false};
    auto r = render_table(parse("CREATE TABLE t (a STRING COMMENT 'x\\'y') COMMENT 'tbl'"), t);
    EXPECT_EQ(r.statements,
              (std::vector<std::string>{"CREATE TABLE IF NOT EXISTS `dw`.`orders` (\n  `a` LONGTEXT COMMENT 'x''y'\n) COMMENT='tbl'"}));
}

TEST(RenderTable, HologresRefusesMapColumnsWithTheirPosition) {
    RenderTarget t{Dialect::hologres, "public", "orders", false, false};
    auto r = render_table(parse(kDdl), t);
    EXPECT_TRUE(r.statements.empty());
    ASSERT_TRUE(r.diagnostics.has_errors());
    const auto& err = r.diagnostics.items()[1];
    EXPECT_EQ(err.code, "FERRY-ENGINE-TYPE-UNSUPPORTED");
    EXPECT_EQ(err.summary, "column 'attrs' of type MAP<STRING,STRING> has no type on hologres");
    EXPECT_EQ(err.where, "ddl:5:3");
}

TEST(RenderTable, RefusesIllegalNames) {
    RenderTarget t{Dialect::postgresql, "", "bad\"name", false, false};
    auto r = render_table(parse("CREATE TABLE t (a INT)"), t);
    EXPECT_TRUE(r.statements.empty());
    ASSERT_EQ(r.diagnostics.items().size(), 1u);
    EXPECT_EQ(r.diagnostics.items()[0].code, "FERRY-ENGINE-IDENTIFIER");
}

TEST(RenderTable, HiveFromMaxCompute) {
    RenderTarget t{Dialect::hive, "dw", "orders", false, false};
    auto r = render_table(parse(kDdl), t);
    ASSERT_EQ(r.statements.size(), 1u);
    EXPECT_EQ(r.statements[0],
              "CREATE TABLE IF NOT EXISTS `dw`.`orders` (\n  `id` BIGINT COMMENT 'order id',\n  `amount` DECIMAL(10,2),\n"
              "  `tags` ARRAY<STRING>,\n  `attrs` MAP<STRING,STRING>\n)\nCOMMENT 'it\\'s orders'\nPARTITIONED BY (`ds` STRING)");
}

// MaxCompute onto MaxCompute: every clause written again from what was parsed, under the
// destination's project and the table's own name; nothing of the DDL's text is copied.
TEST(RenderTable, MaxComputeRoundTrip) {
    const char* ddl =
        "CREATE TABLE sales_dev.ods.T (id BIGINT NOT NULL COMMENT 'id', s STRUCT<a:INT,b:ARRAY<STRING>>) -- note\n"
        "COMMENT 'orders' PARTITIONED BY (ds STRING COMMENT 'day') CLUSTERED BY (id) SORTED BY (id DESC) INTO 8 BUCKETS\n"
        "STORED AS ALIORC LOCATION 'oss://b/t/' TBLPROPERTIES ('transactional'='true') LIFECYCLE 7;";
    const std::string expected =
        "CREATE TABLE IF NOT EXISTS `prod`.`orders` (\n  `id` BIGINT NOT NULL COMMENT 'id',\n"
        "  `s` STRUCT<`a`:INT,`b`:ARRAY<STRING>>\n)\nCOMMENT 'orders'\nPARTITIONED BY (`ds` STRING COMMENT 'day')\n"
        "CLUSTERED BY (`id`) SORTED BY (`id` DESC) INTO 8 BUCKETS\nSTORED AS ALIORC\nLOCATION 'oss://b/t/'\n"
        "TBLPROPERTIES ('transactional'='true')\nLIFECYCLE 7";
    RenderTarget t{Dialect::maxcompute, "prod", "orders", false, false};
    auto r = render_table(parse(ddl), t);
    ASSERT_FALSE(r.diagnostics.has_errors()) << codes(r.diagnostics).size();
    EXPECT_EQ(r.statements, (std::vector<std::string>{expected}));
    EXPECT_TRUE(r.diagnostics.items().empty());
    // What was rendered reads back to the same statement.
    auto again = render_table(parse(r.statements[0].c_str()), t);
    EXPECT_EQ(again.statements, r.statements);
    // Overwrite: the only DROP names the table itself.
    t.overwrite = true;
    auto o = render_table(parse(ddl), t);
    ASSERT_EQ(o.statements.size(), 2u);
    EXPECT_EQ(o.statements[0], "DROP TABLE IF EXISTS `prod`.`orders`");
    EXPECT_EQ(o.statements[1].rfind("CREATE TABLE `prod`.`orders` (", 0), 0u) << o.statements[1];
}

TEST(RenderTable, HiveStorageFromParts) {
    const char* ddl =
        "CREATE EXTERNAL TABLE db.logs (line STRING) PARTITIONED BY (dt STRING) ROW FORMAT DELIMITED FIELDS TERMINATED BY "
        "'\\t' LINES TERMINATED BY '\\n' STORED AS TEXTFILE LOCATION 'oss://bucket/it''s/'";
    RenderTarget t{Dialect::hive, "dw", "logs", false, true};
    auto r = render_table(parse(ddl), t);
    EXPECT_EQ(r.statements, (std::vector<std::string>{
                                "CREATE DATABASE IF NOT EXISTS `dw`",
                                "CREATE EXTERNAL TABLE IF NOT EXISTS `dw`.`logs` (\n  `line` STRING\n)\nPARTITIONED BY (`dt` STRING)\n"
                                "ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t' LINES TERMINATED BY '\\n'\nSTORED AS TEXTFILE\n"
                                "LOCATION 'oss://bucket/it\\'s/'"}));
}

// Names the package gives inside types are quoted and checked like any other name.
TEST(RenderTable, StructFieldNamesAreChecked) {
    RenderTarget t{Dialect::maxcompute, "prod", "t", false, false};
    auto r = render_table(parse("CREATE TABLE t (s STRUCT<`a>,b:INT`:INT>)"), t);
    EXPECT_TRUE(r.statements.empty());
    ASSERT_EQ(r.diagnostics.items().size(), 1u);
    EXPECT_EQ(r.diagnostics.items()[0].code, "FERRY-ENGINE-TYPE-UNSUPPORTED");
    EXPECT_EQ(r.diagnostics.items()[0].detail,
              "STRUCT field name 'a>,b:INT' cannot be written: MaxCompute and Hive names hold letters, digits and '_' only, "
              "found '>'");
}

}  // namespace
