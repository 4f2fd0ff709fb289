// A database's own DDL rendered for a destination of the same kind (issue 11 §1): one CREATE
// TABLE (plus ferry's CREATE SCHEMA), of the table's own name in the destination's schema, written
// from what was parsed; what ferry renders reads back to the same statements.
#include <gtest/gtest.h>

#include "ferry/engine/sql_ddl.hpp"
#include "ferry/engine/table_renderer.hpp"

using namespace ferry::engine;

namespace {

SqlTableDef parse(const std::string& ddl, Dialect d) {
    SqlTableDef t;
    DdlError e;
    EXPECT_TRUE(parse_sql_create_table(ddl, d, t, e)) << e.text() << "\n" << ddl;
    return t;
}

std::vector<std::string> codes(const ferry::sdk::Diagnostics& d) {
    std::vector<std::string> out;
    for (const auto& i : d.items()) out.push_back(std::string(ferry::sdk::to_string(i.severity)) + " " + i.code);
    return out;
}

struct RoundTrip {
    const char* name;
    Dialect source;
    RenderTarget target;
    const char* ddl;
    std::vector<std::string> statements;
};

void PrintTo(const RoundTrip& c, std::ostream* os) { *os << c.name; }

class SameDialect : public testing::TestWithParam<RoundTrip> {};

TEST_P(SameDialect, RendersFromWhatWasRead) {
    const RoundTrip& c = GetParam();
    auto r = render_sql_table(parse(c.ddl, c.source), c.target);
    ASSERT_FALSE(r.diagnostics.has_errors()) << r.diagnostics.items()[0].summary;
    EXPECT_EQ(r.statements, c.statements);
    // What ferry rendered parses back and renders the same.
    auto again = render_sql_table(parse(r.statements.back(), c.target.dialect), c.target);
    EXPECT_EQ(again.statements, r.statements);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SameDialect,
    testing::Values(
        RoundTrip{"postgresql", Dialect::postgresql, {Dialect::postgresql, "dw", "orders", false, true},
                  "CREATE TABLE IF NOT EXISTS other_schema.Orders (\n"
                  "  Id bigint NOT NULL PRIMARY KEY,\n"
                  "  \"Name\" character varying(50) DEFAULT 'it''s' NOT NULL,\n"
                  "  code text UNIQUE COLLATE \"C\",\n"
                  "  created timestamp(3) with time zone DEFAULT now(),\n"
                  "  tags text[] DEFAULT '{}'::text[],\n"
                  "  amount numeric(12,2) DEFAULT -1.5,\n"
                  "  UNIQUE (code, \"Name\")\n"
                  ");",
                  {"CREATE SCHEMA IF NOT EXISTS \"dw\"",
                   "CREATE TABLE IF NOT EXISTS \"dw\".\"orders\" (\n"
                   "  \"id\" int8 NOT NULL PRIMARY KEY,\n"
                   "  \"Name\" varchar(50) NOT NULL DEFAULT 'it''s',\n"
                   "  \"code\" text COLLATE \"C\" UNIQUE,\n"
                   "  \"created\" timestamptz(3) DEFAULT now(),\n"
                   "  \"tags\" text[] DEFAULT '{}'::text[],\n"
                   "  \"amount\" numeric(12,2) DEFAULT -1.5,\n"
                   "  UNIQUE (\"code\", \"Name\")\n)"}},
        RoundTrip{"postgresql_onto_hologres", Dialect::postgresql, {Dialect::hologres, "public", "t", false, false},
                  "create table t (a int, b text not null)",
                  {"CREATE TABLE IF NOT EXISTS \"public\".\"t\" (\n  \"a\" int4,\n  \"b\" text NOT NULL\n)"}},
        RoundTrip{"mysql", Dialect::mysql, {Dialect::mysql, "shop", "orders", false, false},
                  "CREATE TABLE `Orders` (\n"
                  "  `id` bigint(20) unsigned NOT NULL AUTO_INCREMENT COMMENT 'pk',\n"
                  "  `name` varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',\n"
                  "  `state` enum('a','b''c') DEFAULT 'a',\n"
                  "  `created` timestamp NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),\n"
                  "  `note` text COMMENT 'back\\\\slash',\n"
                  "  PRIMARY KEY (`id`),\n"
                  "  UNIQUE KEY `uk_name` (`name`(10)),\n"
                  "  KEY `idx_state` (`state`,`created` DESC)\n"
                  ") ENGINE=InnoDB AUTO_INCREMENT=42 DEFAULT CHARSET=utf8mb4 COMMENT='orders\\'s'",
                  {"CREATE TABLE IF NOT EXISTS `shop`.`orders` (\n"
                   "  `id` BIGINT(20) UNSIGNED NOT NULL AUTO_INCREMENT COMMENT 'pk',\n"
                   "  `name` VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',\n"
                   "  `state` ENUM('a','b''c') DEFAULT 'a',\n"
                   "  `created` TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n"
                   "  `note` TEXT COMMENT 'back\\\\slash',\n"
                   "  PRIMARY KEY (`id`),\n"
                   "  UNIQUE KEY `uk_name` (`name`(10)),\n"
                   "  KEY `idx_state` (`state`, `created` DESC)\n"
                   ") ENGINE=InnoDB AUTO_INCREMENT=42 DEFAULT CHARSET=utf8mb4 COMMENT='orders''s'"}},
        RoundTrip{"sqlite", Dialect::sqlite, {Dialect::sqlite, "", "t", false, false},
                  "CREATE TABLE IF NOT EXISTS [main].T (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL COLLATE "
                  "nocase DEFAULT 'x', raw, amount NUMERIC(10, 2), created TEXT DEFAULT CURRENT_TIMESTAMP, [a;b] TEXT, "
                  "UNIQUE (name, raw DESC))",
                  {"CREATE TABLE IF NOT EXISTS \"t\" (\n"
                   "  \"id\" INTEGER PRIMARY KEY AUTOINCREMENT,\n"
                   "  \"name\" TEXT COLLATE NOCASE NOT NULL DEFAULT 'x',\n"
                   "  \"raw\",\n"
                   "  \"amount\" NUMERIC(10,2),\n"
                   "  \"created\" TEXT DEFAULT CURRENT_TIMESTAMP,\n"
                   "  \"a;b\" TEXT,\n"
                   "  UNIQUE (\"name\", \"raw\" DESC)\n)"}},
        RoundTrip{"sqlite_strict", Dialect::sqlite, {Dialect::sqlite, "", "t", true, false},
                  "CREATE TABLE t (a INTEGER PRIMARY KEY DESC, b TEXT) STRICT, WITHOUT ROWID",
                  {"DROP TABLE IF EXISTS \"t\"",
                   "CREATE TABLE \"t\" (\n  \"a\" INTEGER PRIMARY KEY DESC,\n  \"b\" TEXT\n) WITHOUT ROWID, STRICT"}}),
    [](const testing::TestParamInfo<RoundTrip>& i) { return std::string(i.param.name); });

TEST(RenderSqlTable, OverwriteDropsOnlyItsOwnName) {
    auto r = render_sql_table(parse("CREATE TABLE canary (a int)", Dialect::postgresql),
                              {Dialect::postgresql, "dw", "c", true, false});
    EXPECT_EQ(r.statements, (std::vector<std::string>{"DROP TABLE IF EXISTS \"dw\".\"c\"",
                                                      "CREATE TABLE \"dw\".\"c\" (\n  \"a\" int4\n)"}));
}

TEST(RenderSqlTable, ConstraintNamesAreLeftOut) {
    auto r = render_sql_table(parse("CREATE TABLE t (a int CONSTRAINT pwned_by_pkg PRIMARY KEY)", Dialect::postgresql),
                              {Dialect::postgresql, "dw", "t", false, false});
    EXPECT_EQ(r.statements, (std::vector<std::string>{"CREATE TABLE IF NOT EXISTS \"dw\".\"t\" (\n  \"a\" int4 PRIMARY KEY\n)"}));
    EXPECT_EQ(codes(r.diagnostics), (std::vector<std::string>{"info FERRY-ENGINE-CLAUSE-DROPPED"}));
    EXPECT_EQ(r.diagnostics.items()[0].summary,
              "constraint names of 't' were left out: on PostgreSQL they would name indexes beside the table, other objects "
              "of the schema; the database names the constraints itself");
}

struct Refused {
    const char* name;
    Dialect source;
    RenderTarget target;
    const char* ddl;
    const char* code;
    const char* summary;
};

TEST(RenderSqlTable, RefusesNamesItCannotQuote) {
    const Refused cases[] = {
        {"mysql_backtick_in_column", Dialect::mysql, {Dialect::mysql, "shop", "t", false, false}, "CREATE TABLE t (`a``b` int)",
         "FERRY-ENGINE-IDENTIFIER", "column name 'a`b' of 't' cannot be used on mysql"},
        {"pg_quote_in_column", Dialect::postgresql, {Dialect::postgresql, "dw", "t", false, false},
         "CREATE TABLE t (\"a\"\"b\" int)", "FERRY-ENGINE-IDENTIFIER", "column name 'a\"b' of 't' cannot be used on postgresql"},
        {"pg_quote_in_table", Dialect::postgresql, {Dialect::postgresql, "dw", "x\"y", false, false}, "CREATE TABLE t (a int)",
         "FERRY-ENGINE-IDENTIFIER", "table name 'x\"y' cannot be used on postgresql"},
        {"other_kind", Dialect::mysql, {Dialect::sqlite, "", "t", false, false}, "CREATE TABLE t (a int)", "FERRY-ENGINE-DIALECT",
         "cannot render mysql DDL of table 't' for sqlite"},
    };
    for (const auto& c : cases) {
        auto r = render_sql_table(parse(c.ddl, c.source), c.target);
        EXPECT_TRUE(r.statements.empty()) << c.name;
        ASSERT_EQ(r.diagnostics.items().size(), 1u) << c.name;
        EXPECT_EQ(r.diagnostics.items()[0].code, c.code) << c.name;
        EXPECT_EQ(r.diagnostics.items()[0].summary, c.summary) << c.name;
    }
}

TEST(RenderSqlTable, DestinationNameIsTheWholeName) {
    EXPECT_EQ(destination_table_name("Sales.Canary"), "sales.canary");
    auto r = render_sql_table(parse("CREATE TABLE \"x.canary\" (a int)", Dialect::postgresql),
                              {Dialect::postgresql, "dw", destination_table_name("x.canary"), false, false});
    EXPECT_EQ(r.statements, (std::vector<std::string>{"CREATE TABLE IF NOT EXISTS \"dw\".\"x.canary\" (\n  \"a\" int4\n)"}));
}

}  // namespace
