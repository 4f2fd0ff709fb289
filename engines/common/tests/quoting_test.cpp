#include <gtest/gtest.h>

#include "ferry/engine/quoting.hpp"

using namespace ferry::engine;

namespace {

struct QuoteCase {
    const char* name;
    Dialect dialect;
    std::string input;
    bool ok;
    const char* expected;  // quoted text when ok, the reason otherwise
};

class QuotingTest : public testing::TestWithParam<QuoteCase> {};

TEST_P(QuotingTest, QuotesOrRefuses) {
    const QuoteCase& c = GetParam();
    Quoted q = quote_identifier(c.input, c.dialect);
    EXPECT_EQ(q.ok, c.ok);
    EXPECT_EQ(c.ok ? q.text : q.reason, c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, QuotingTest,
    testing::Values(
        QuoteCase{"pg_plain", Dialect::postgresql, "orders", true, "\"orders\""},
        QuoteCase{"pg_keyword", Dialect::postgresql, "select", true, "\"select\""},
        QuoteCase{"pg_utf8", Dialect::postgresql, "订单", true, "\"订单\""},
        QuoteCase{"pg_quote", Dialect::postgresql, "a\"b", false, "the name contains the quote character \""},
        QuoteCase{"pg_too_long", Dialect::postgresql, std::string(64, 'a'), false,
                  "the name is longer than 63 bytes, PostgreSQL's limit (it would be truncated)"},
        QuoteCase{"empty", Dialect::sqlite, "", false, "an empty name is not an identifier"},
        QuoteCase{"control", Dialect::sqlite, "a\nb", false, "the name contains a control character"},
        QuoteCase{"nul", Dialect::mysql, std::string("a\0b", 3), false, "the name contains a control character"},
        QuoteCase{"bad_utf8", Dialect::postgresql, "a\xff", false, "the name is not valid UTF-8"},
        QuoteCase{"mysql_plain", Dialect::mysql, "orders", true, "`orders`"},
        QuoteCase{"mysql_backtick", Dialect::mysql, "a`b", false, "the name contains the quote character `"},
        QuoteCase{"mysql_trailing_space", Dialect::mysql, "a ", false, "MySQL names cannot end with a space"},
        QuoteCase{"mysql_too_long", Dialect::mysql, std::string(65, 'a'), false, "the name is longer than 64 characters, MySQL's limit"},
        QuoteCase{"sqlite_space", Dialect::sqlite, "my table", true, "\"my table\""},
        QuoteCase{"mc_plain", Dialect::maxcompute, "ods_orders", true, "`ods_orders`"},
        QuoteCase{"mc_dash", Dialect::maxcompute, "a-b", false, "MaxCompute and Hive names hold letters, digits and '_' only, found '-'"},
        QuoteCase{"injection", Dialect::postgresql, "x\"; DROP TABLE y; --", false, "the name contains the quote character \""}),
    [](const testing::TestParamInfo<QuoteCase>& i) { return std::string(i.param.name); });

TEST(QuoteString, PerDialect) {
    EXPECT_EQ(quote_string("it's", Dialect::postgresql), "'it''s'");
    EXPECT_EQ(quote_string("it's", Dialect::sqlite), "'it''s'");
    EXPECT_EQ(quote_string("it's", Dialect::maxcompute), "'it\\'s'");
    // The literal ends in place whatever the server's settings (NO_BACKSLASH_ESCAPES,
    // standard_conforming_strings): a value never closes it early.
    EXPECT_EQ(quote_string("a\\'b", Dialect::mysql), "'a\\\\''b'");
    EXPECT_EQ(quote_string("x\\'; DROP TABLE canary; --", Dialect::mysql), "'x\\\\''; DROP TABLE canary; --'");
    EXPECT_EQ(quote_string("a\\b", Dialect::postgresql), "E'a\\\\b'");
    EXPECT_EQ(quote_string("x\\'; DROP TABLE canary; --", Dialect::hologres), "E'x\\\\''; DROP TABLE canary; --'");
    EXPECT_EQ(quote_string("a\\b", Dialect::sqlite), "'a\\b'");
}

}  // namespace
