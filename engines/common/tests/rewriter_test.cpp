#include <gtest/gtest.h>

#include "ferry/engine/commands.hpp"
#include "ferry/engine/identifier_rewriter.hpp"

using namespace ferry::engine;

namespace {

const std::vector<std::pair<std::string, std::string>> kNames = {
    {"sales_dev", "sales_prod"}, {"ods", "ods_prod"}, {"Mixed_Case", "mc"}, {"odd", "needs quoting"}};

struct RewriteCase {
    const char* name;
    Dialect dialect;
    const char* input;
    const char* expected;
    std::size_t replacements;
};

class RewriterTest : public testing::TestWithParam<RewriteCase> {};

TEST_P(RewriterTest, ReplacesQualifiersOnly) {
    const RewriteCase& c = GetParam();
    IdentifierRewriter rw(kNames, c.dialect);
    auto r = rw.rewrite(c.input);
    EXPECT_EQ(r.code, c.expected);
    EXPECT_EQ(r.replacements, c.replacements);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RewriterTest,
    testing::Values(
        RewriteCase{"qualifier", Dialect::maxcompute, "select * from sales_dev.t", "select * from sales_prod.t", 1},
        RewriteCase{"longer_name_untouched", Dialect::maxcompute, "from sales_dev_backup.t", "from sales_dev_backup.t", 0},
        RewriteCase{"suffix_untouched", Dialect::maxcompute, "from my_sales_dev.t", "from my_sales_dev.t", 0},
        RewriteCase{"not_a_qualifier", Dialect::maxcompute, "select sales_dev from t", "select sales_dev from t", 0},
        RewriteCase{"three_parts", Dialect::maxcompute, "from sales_dev.ods.t", "from sales_prod.ods_prod.t", 2},
        RewriteCase{"case_insensitive", Dialect::maxcompute, "from SALES_DEV.t join mixed_case.u", "from sales_prod.t join mc.u", 2},
        RewriteCase{"in_string", Dialect::maxcompute, "select 'sales_dev.t', \"sales_dev.t\"", "select 'sales_dev.t', \"sales_dev.t\"", 0},
        RewriteCase{"escaped_quote_string", Dialect::maxcompute, R"(select 'a\' sales_dev.t' from sales_dev.t)",
                    R"(select 'a\' sales_dev.t' from sales_prod.t)", 1},
        RewriteCase{"in_comments", Dialect::maxcompute, "-- sales_dev.t\n/* sales_dev.t */ sales_dev.t",
                    "-- sales_dev.t\n/* sales_dev.t */ sales_prod.t", 1},
        RewriteCase{"backquoted", Dialect::maxcompute, "from `sales_dev`.`t`", "from `sales_prod`.`t`", 1},
        RewriteCase{"backquoted_needs_quoting", Dialect::maxcompute, "from `odd`.t", "from `needs quoting`.t", 1},
        RewriteCase{"bare_needs_quoting", Dialect::maxcompute, "from odd.t", "from `needs quoting`.t", 1},
        RewriteCase{"pg_double_quoted", Dialect::postgresql, "from \"sales_dev\".t, sales_dev.u", "from \"sales_prod\".t, sales_prod.u", 2},
        RewriteCase{"pg_double_quoted_needs_quoting", Dialect::postgresql, "from odd.t", "from \"needs quoting\".t", 1},
        RewriteCase{"pg_dollar_body", Dialect::postgresql, "$$ sales_dev.t $$; sales_dev.t", "$$ sales_dev.t $$; sales_prod.t", 1},
        RewriteCase{"space_before_dot", Dialect::maxcompute, "from sales_dev .t", "from sales_dev .t", 0},
        RewriteCase{"number_not_name", Dialect::maxcompute, "select 1.5 from sales_dev.t", "select 1.5 from sales_prod.t", 1},
        RewriteCase{"unterminated_string_safe", Dialect::maxcompute, "sales_dev.t where a = 'sales_dev.t",
                    "sales_prod.t where a = 'sales_dev.t", 1},
        RewriteCase{"root_output", Dialect::maxcompute, "-- after\nselect 'x' from sales_dev_root, SALES_DEV_ROOT",
                    "-- after\nselect 'x' from sales_prod_root, sales_prod_root", 2},
        RewriteCase{"root_of_a_longer_name_untouched", Dialect::maxcompute, "from sales_dev_backup_root, my_sales_dev_root",
                    "from sales_dev_backup_root, my_sales_dev_root", 0},
        RewriteCase{"root_in_string_untouched", Dialect::maxcompute, "select 'sales_dev_root'", "select 'sales_dev_root'", 0}),
    [](const testing::TestParamInfo<RewriteCase>& i) { return std::string(i.param.name); });

TEST(Rewriter, AnywhereRewritesInsideStringsForNonSqlCode) {
    IdentifierRewriter rw(kNames, Dialect::maxcompute);
    auto r = rw.rewrite_anywhere("o.execute_sql('select * from sales_dev.t')  # sales_dev_backup.t");
    EXPECT_EQ(r.code, "o.execute_sql('select * from sales_prod.t')  # sales_dev_backup.t");
    EXPECT_EQ(r.replacements, 1u);
}

// Inputs, outputs and dependencies are rewritten by the same rewriter (the host's, anywhere):
// qualified names and the workspace's root output, case-insensitively, whole identifiers only.
TEST(Rewriter, AnywhereRewritesRootOutputsAndQualifiers) {
    IdentifierRewriter rw(kNames, Dialect::maxcompute);
    for (const auto& [in, out] : std::vector<std::pair<std::string, std::string>>{
             {"sales_dev_root", "sales_prod_root"},
             {"SALES_DEV_ROOT", "sales_prod_root"},
             {"Sales_Dev.dwd_orders", "sales_prod.dwd_orders"},
             {"sales_dev_backup_root", "sales_dev_backup_root"},
             {"dw_scheduler_pre_root", "dw_scheduler_pre_root"},
             {"1001", "1001"}})
        EXPECT_EQ(rw.rewrite_anywhere(in).code, out) << in;
}

struct CommandCase {
    const char* command;
    ferry::engine::Dialect engine;
    const char* input;
    const char* expected;
    std::vector<std::string> codes;  // diagnostic codes, in order
};

class RewriteCodeTest : public testing::TestWithParam<CommandCase> {};

TEST_P(RewriteCodeTest, PicksTheLexerFromTheCommand) {
    const CommandCase& c = GetParam();
    ferry::sdk::RewriteRequest req;
    req.code = c.input;
    req.command = c.command;
    req.names = kNames;
    auto res = rewrite_code(req, c.engine);
    EXPECT_EQ(res.code, c.expected);
    std::vector<std::string> codes;
    for (const auto& d : res.diagnostics.items()) codes.push_back(d.code);
    EXPECT_EQ(codes, c.codes);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RewriteCodeTest,
    testing::Values(
        CommandCase{"ODPS_SQL", Dialect::maxcompute, "select 'sales_dev.x' from sales_dev.t", "select 'sales_dev.x' from sales_prod.t", {}},
        CommandCase{"PY_ODPS", Dialect::maxcompute, "o.run_sql('select 1 from sales_dev.t')", "o.run_sql('select 1 from sales_prod.t')",
                    {"FERRY-ENGINE-REWRITE-REVIEW"}},
        CommandCase{"PY_ODPS", Dialect::maxcompute, "print(1)", "print(1)", {}},
        CommandCase{"ODPS_SQL", Dialect::sqlite, "select * from sales_dev.t", "select * from sales_prod.t",
                    {"FERRY-ENGINE-CROSS-ENGINE-REVIEW"}},
        CommandCase{"HOLOGRES_SQL", Dialect::postgresql, "select \"sales_dev\".t", "select \"sales_prod\".t", {}},
        CommandCase{"EMR_HIVE", Dialect::hive, "insert into sales_dev.t select * from `ods`.s", "insert into sales_prod.t select * from `ods_prod`.s", {}},
        CommandCase{"MYSQL", Dialect::mysql, "select 1 # sales_dev.t\nfrom sales_dev.t", "select 1 # sales_dev.t\nfrom sales_prod.t", {}}),
    [](const testing::TestParamInfo<CommandCase>& i) { return std::string(i.param.command) + "_" + std::to_string(i.index); });

}  // namespace
