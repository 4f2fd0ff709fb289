// The rules every table's DDL meets before anything is rendered (issue 11 §1): one statement, as
// the destination's own lexer splits it; a CREATE TABLE; of the table itself. Each case is an
// attack or its harmless twin, with the exact verdict.
#include <gtest/gtest.h>

#include "ferry/engine/ddl_guard.hpp"

using namespace ferry::engine;
using P = DdlVerdict::Problem;

namespace {

const char* problem_name(P p) {
    switch (p) {
        case P::none: return "none";
        case P::unreadable: return "unreadable";
        case P::statements: return "statements";
        case P::not_a_table: return "not_a_table";
        case P::name: return "name";
        case P::body: return "body";
    }
    return "?";
}

struct GuardCase {
    const char* name;
    Dialect dialect;
    const char* own;   // the table's own name
    std::vector<std::string> qualifiers;  // the table's project and schema; empty: not checked
    const char* ddl;
    P problem;
    const char* error;  // "LINE:COL: message", empty when none
};

void PrintTo(const GuardCase& c, std::ostream* os) { *os << c.name; }

class DdlGuard : public testing::TestWithParam<GuardCase> {};

TEST_P(DdlGuard, Verdict) {
    const GuardCase& c = GetParam();
    OwnTable own{c.own, c.qualifiers.empty() ? std::nullopt : std::optional(c.qualifiers)};
    const DdlVerdict v = read_table_ddl(c.ddl, c.dialect, own);
    EXPECT_STREQ(problem_name(v.problem), problem_name(c.problem)) << v.error.text();
    if (c.problem != P::none) {
        EXPECT_EQ(v.error.text(), c.error);
    }
}

const std::vector<std::string> kProjectAndSchema{"proj", "public"};

INSTANTIATE_TEST_SUITE_P(
    Cases, DdlGuard,
    testing::Values(
        // The two attacks of issue 11.
        GuardCase{"second_statement", Dialect::postgresql, "c", {}, "CREATE TABLE c (a int); DROP TABLE canary;",
                  P::statements, "1:25: the DDL holds a second statement after ';': 'DROP TABLE canary;'"},
        GuardCase{"other_table", Dialect::postgresql, "c_pg_other", {}, "CREATE TABLE pwned_by_pkg (a int)", P::name,
                  "1:14: the DDL creates 'pwned_by_pkg', not 'c_pg_other'"},
        GuardCase{"sqlite_second_statement", Dialect::sqlite, "c", {}, "CREATE TABLE c (a INTEGER);\nDROP TABLE canary",
                  P::statements, "2:1: the DDL holds a second statement after ';': 'DROP TABLE canary'"},
        GuardCase{"maxcompute_second_statement", Dialect::maxcompute, "c", {}, "CREATE TABLE c (a INT); DROP TABLE canary;",
                  P::statements, "1:25: the DDL holds a second statement after ';': 'DROP TABLE canary;'"},
        GuardCase{"even_an_empty_second", Dialect::postgresql, "c", {}, "CREATE TABLE c (a int);;", P::statements,
                  "1:24: the DDL holds a second statement after ';': ';'"},
        GuardCase{"one_trailing_semicolon_and_comment", Dialect::postgresql, "c", {}, "CREATE TABLE c (a int); -- done\n",
                  P::none, ""},
        // Names: the last part is the table's own (ASCII case-insensitively); qualifiers only its own.
        GuardCase{"case_insensitive", Dialect::postgresql, "c", {}, "CREATE TABLE \"C\" (a int)", P::none, ""},
        GuardCase{"dotted_name_lands_elsewhere", Dialect::postgresql, "canary", kProjectAndSchema,
                  "CREATE TABLE x.canary (a int)", P::name,
                  "1:14: the DDL creates 'x.canary': 'x' is neither the table's project nor its schema"},
        GuardCase{"own_qualifiers", Dialect::postgresql, "c", kProjectAndSchema, "CREATE TABLE proj.public.c (a int)",
                  P::none, ""},
        GuardCase{"own_dotted_name_is_not_a_qualifier", Dialect::postgresql, "x.canary", {}, "CREATE TABLE x.canary (a int)",
                  P::name, "1:14: the DDL creates 'canary', not 'x.canary'"},
        GuardCase{"own_dotted_name_quoted_whole", Dialect::postgresql, "x.canary", {}, "CREATE TABLE \"x.canary\" (a int)",
                  P::none, ""},
        GuardCase{"mysql_backticked_other", Dialect::mysql, "c", {}, "CREATE TABLE `c; DROP TABLE canary` (a int)", P::name,
                  "1:14: the DDL creates 'c; DROP TABLE canary', not 'c'"},
        // Comments and strings end where the destination's lexer ends them.
        GuardCase{"block_comment", Dialect::postgresql, "c", {}, "CREATE TABLE c (a int) /* ; DROP TABLE canary; */",
                  P::none, ""},
        GuardCase{"pg_nested_comment_is_one_comment", Dialect::postgresql, "c", {},
                  "CREATE TABLE c (a int) /* /* */ ; DROP TABLE canary; */", P::none, ""},
        GuardCase{"maxcompute_comments_do_not_nest", Dialect::maxcompute, "c", {},
                  "CREATE TABLE c (a INT) /* /* */ ; DROP TABLE canary; */", P::statements,
                  "1:35: the DDL holds a second statement after ';': 'DROP TABLE canary; */'"},
        GuardCase{"line_comment", Dialect::postgresql, "c", {}, "CREATE TABLE c (a int) -- ; DROP TABLE canary", P::none, ""},
        GuardCase{"mysql_dash_dash_needs_a_space", Dialect::mysql, "c", {}, "CREATE TABLE c (a int) --; DROP TABLE canary",
                  P::statements, "1:28: the DDL holds a second statement after ';': 'DROP TABLE canary'"},
        GuardCase{"mysql_executable_comment", Dialect::mysql, "c", {}, "CREATE TABLE c (a int) /*! ; DROP TABLE canary */",
                  P::unreadable, "1:24: MySQL runs the text of a '/*!' comment: ferry refuses it"},
        GuardCase{"mysql_backslash_keeps_the_string_open", Dialect::mysql, "c", {},
                  "CREATE TABLE c (a text DEFAULT 'x\\'; DROP TABLE canary; -- ')", P::none, ""},
        GuardCase{"pg_backslash_does_not", Dialect::postgresql, "c", {},
                  "CREATE TABLE c (a text DEFAULT 'x\\'; DROP TABLE canary; -- ')", P::statements,
                  "1:38: the DDL holds a second statement after ';': 'DROP TABLE canary; -- ')'"},
        GuardCase{"sqlite_brackets_are_names", Dialect::sqlite, "c", {}, "CREATE TABLE c ([a'] int); DROP TABLE canary; --']",
                  P::statements, "1:28: the DDL holds a second statement after ';': 'DROP TABLE canary; --']'"},
        GuardCase{"pg_dollar_quote_hides_nothing", Dialect::postgresql, "c", {},
                  "CREATE TABLE c (a text DEFAULT $$;DROP TABLE canary;$$)", P::body,
                  "1:32: a dollar-quoted string is not rendered: write the value as a '...' literal"},
        GuardCase{"unterminated_string", Dialect::postgresql, "c", {}, "CREATE TABLE c (a text DEFAULT 'x); DROP TABLE canary",
                  P::unreadable, "1:32: unterminated string literal"},
        GuardCase{"unterminated_dollar_quote", Dialect::postgresql, "c", {}, "CREATE TABLE c (a text DEFAULT $q$x)",
                  P::unreadable, "1:32: unterminated dollar-quoted string"},
        GuardCase{"unterminated_pg_name", Dialect::postgresql, "c", {}, "CREATE TABLE \"c (a int)", P::unreadable,
                  "1:14: unterminated quoted identifier"},
        // Not a CREATE TABLE at all.
        GuardCase{"drop", Dialect::postgresql, "c", {}, "DROP TABLE canary", P::not_a_table, "1:1: expected CREATE, found 'DROP'"},
        GuardCase{"view", Dialect::sqlite, "c", {}, "CREATE VIEW c AS SELECT 1", P::not_a_table,
                  "1:8: expected TABLE after CREATE, found 'VIEW'"},
        GuardCase{"empty", Dialect::mysql, "c", {}, "  -- nothing\n", P::not_a_table, "2:1: expected CREATE, found end of input"},
        // Its own table, but something ferry does not render.
        GuardCase{"references", Dialect::postgresql, "c", {}, "CREATE TABLE c (a int REFERENCES canary (id))", P::body,
                  "1:23: REFERENCES is not rendered: a foreign key names another table"},
        GuardCase{"maxcompute_body", Dialect::maxcompute, "c", {}, "CREATE TABLE c (a STRNG)", P::body,
                  "1:19: unknown column type 'STRNG'"}),
    [](const testing::TestParamInfo<GuardCase>& i) { return std::string(i.param.name); });

TEST(DdlGuard, GivesWhatItRead) {
    ParsedTableDdl parsed;
    ASSERT_TRUE(read_table_ddl("CREATE TABLE c (a int)", Dialect::hologres, {"c", std::nullopt}, &parsed).ok());
    EXPECT_EQ(parsed.dialect, Dialect::hologres);
    ASSERT_EQ(parsed.sql.columns.size(), 1u);
    EXPECT_EQ(parsed.sql.columns[0].type->text(Dialect::hologres), "int4");
    ASSERT_TRUE(read_table_ddl("CREATE TABLE c (a INT)", Dialect::hive, {"c", std::nullopt}, &parsed).ok());
    ASSERT_EQ(parsed.table.columns.size(), 1u);
}

struct ReportCase {
    const char* ddl;
    Dialect dialect;
    const char* code;
    const char* summary;
};

TEST(DdlGuard, EngineDiagnostics) {
    const ReportCase cases[] = {
        {"CREATE TABLE c (a int); DROP TABLE canary", Dialect::postgresql, "FERRY-ENGINE-DDL-STATEMENTS",
         "table 'c': the DDL holds a second statement after ';': 'DROP TABLE canary'"},
        {"CREATE TABLE pwned (a int)", Dialect::sqlite, "FERRY-ENGINE-DDL-NAME", "table 'c': the DDL creates 'pwned', not 'c'"},
        {"CREATE TABLE c (a int CHECK (a > 0))", Dialect::postgresql, "FERRY-ENGINE-DDL-UNSUPPORTED",
         "table 'c': CHECK is not rendered: ferry renders no expressions"},
        {"CREATE TABLE c (a WHATEVER)", Dialect::mysql, "FERRY-ENGINE-DDL-PARSE", "table 'c': unknown column type 'WHATEVER'"},
        {"INSERT INTO c VALUES (1)", Dialect::mysql, "FERRY-ENGINE-DDL-PARSE", "table 'c': expected CREATE, found 'INSERT'"},
    };
    for (const auto& c : cases) {
        ferry::sdk::Diagnostics diags;
        report_ddl_verdict(read_table_ddl(c.ddl, c.dialect, {"c", std::nullopt}), "c", diags);
        ASSERT_EQ(diags.items().size(), 1u) << c.ddl;
        EXPECT_EQ(diags.items()[0].code, c.code) << c.ddl;
        EXPECT_EQ(diags.items()[0].summary, c.summary);
        EXPECT_EQ(diags.items()[0].where.rfind("ddl:1:", 0), 0u) << diags.items()[0].where;
        EXPECT_FALSE(diags.items()[0].detail.empty());
    }
}

}  // namespace
