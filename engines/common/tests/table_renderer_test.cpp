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
              (std::vector<std::string>{"CREATE TABLE IF NOT EXISTS `dw`.`orders` (\n  `a` LONGTEXT COMMENT 'x\\'y'\n) COMMENT='tbl'"}));
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

TEST(RetargetText, KeepsEveryClause) {
    const char* ddl = "CREATE TABLE sales_dev.t (a INT) -- keep\nLIFECYCLE 7;";
    TableDef def = parse(ddl);
    EXPECT_EQ(retarget_table_text(ddl, def, "`prod`.`t`", false),
              (std::vector<std::string>{"CREATE TABLE IF NOT EXISTS `prod`.`t` (a INT) -- keep\nLIFECYCLE 7"}));
    EXPECT_EQ(retarget_table_text(ddl, def, "`prod`.`t`", true),
              (std::vector<std::string>{"DROP TABLE IF EXISTS `prod`.`t`", "CREATE TABLE `prod`.`t` (a INT) -- keep\nLIFECYCLE 7"}));
}

}  // namespace
