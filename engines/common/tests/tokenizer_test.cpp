#include <gtest/gtest.h>

#include "ferry/engine/sql_tokenizer.hpp"

using namespace ferry::engine;

namespace {

struct LexCase {
    const char* name;
    Dialect dialect;
    const char* input;
    std::vector<std::pair<TokenKind, std::string>> tokens;  // significant tokens
};

class TokenizerTest : public testing::TestWithParam<LexCase> {};

TEST_P(TokenizerTest, SplitsAsTheDialectReads) {
    const LexCase& c = GetParam();
    std::string_view in = c.input;
    auto toks = significant_tokens(in, lex_options(c.dialect));
    ASSERT_EQ(toks.size(), c.tokens.size()) << c.input;
    for (std::size_t i = 0; i < toks.size(); ++i) {
        EXPECT_EQ(toks[i].kind, c.tokens[i].first) << "token " << i << " of " << c.input;
        EXPECT_EQ(std::string(toks[i].text(in)), c.tokens[i].second) << "token " << i;
    }
}

using K = TokenKind;
INSTANTIATE_TEST_SUITE_P(
    Cases, TokenizerTest,
    testing::Values(
        LexCase{"qualified", Dialect::maxcompute, "select * from p.t",
                {{K::word, "select"}, {K::punct, "*"}, {K::word, "from"}, {K::word, "p"}, {K::punct, "."}, {K::word, "t"}}},
        LexCase{"backslash_string", Dialect::maxcompute, R"('it\'s p.t' x)", {{K::string, R"('it\'s p.t')"}, {K::word, "x"}}},
        LexCase{"doubled_quote", Dialect::postgresql, "'it''s' x", {{K::string, "'it''s'"}, {K::word, "x"}}},
        LexCase{"pg_backslash_is_plain", Dialect::postgresql, R"('a\' x)", {{K::string, R"('a\')"}, {K::word, "x"}}},
        LexCase{"pg_e_string", Dialect::postgresql, R"(E'a\'b' x)", {{K::string, R"(E'a\'b')"}, {K::word, "x"}}},
        LexCase{"line_comment", Dialect::maxcompute, "a -- p.t\nb", {{K::word, "a"}, {K::word, "b"}}},
        LexCase{"block_comment", Dialect::hive, "a /* p.t */ b", {{K::word, "a"}, {K::word, "b"}}},
        LexCase{"hash_comment_mysql", Dialect::mysql, "a # p.t\nb", {{K::word, "a"}, {K::word, "b"}}},
        LexCase{"backquoted", Dialect::maxcompute, "`my``t`.c", {{K::quoted_identifier, "`my``t`"}, {K::punct, "."}, {K::word, "c"}}},
        LexCase{"double_quoted_identifier_pg", Dialect::postgresql, "\"S\".t",
                {{K::quoted_identifier, "\"S\""}, {K::punct, "."}, {K::word, "t"}}},
        LexCase{"double_quoted_string_mc", Dialect::maxcompute, "\"p.t\"", {{K::string, "\"p.t\""}}},
        LexCase{"dollar_quote", Dialect::postgresql, "$f$ p.t $f$ x", {{K::string, "$f$ p.t $f$"}, {K::word, "x"}}},
        LexCase{"numbers", Dialect::maxcompute, "1.5 2e10 20230101_t", {{K::number, "1.5"}, {K::number, "2e10"}, {K::word, "20230101_t"}}},
        LexCase{"utf8_name", Dialect::maxcompute, "销售.订单", {{K::word, "销售"}, {K::punct, "."}, {K::word, "订单"}}},
        LexCase{"nested_angle", Dialect::maxcompute, "ARRAY<ARRAY<INT>>",
                {{K::word, "ARRAY"}, {K::punct, "<"}, {K::word, "ARRAY"}, {K::punct, "<"}, {K::word, "INT"}, {K::punct, ">"}, {K::punct, ">"}}},
        LexCase{"unterminated_string", Dialect::maxcompute, "a 'b", {{K::word, "a"}, {K::unterminated, "'b"}}}),
    [](const testing::TestParamInfo<LexCase>& i) { return std::string(i.param.name); });

TEST(LineColumn, CountsCharactersNotBytes) {
    std::string_view s = "ab\n销售 x";
    auto lc = line_column(s, s.find('x'));
    EXPECT_EQ(lc.line, 2u);
    EXPECT_EQ(lc.column, 4u);
}

TEST(Values, UnquoteNamesAndStrings) {
    EXPECT_EQ(identifier_value("`a``b`"), "a`b");
    EXPECT_EQ(identifier_value("\"a\"\"b\""), "a\"b");
    EXPECT_EQ(string_value(R"('it\'s\n')", true), "it's\n");
    EXPECT_EQ(string_value("'it''s'", false), "it's");
    EXPECT_EQ(string_value("$f$ a'b $f$", false), " a'b ");
    EXPECT_EQ(string_value("$$x$$", false), "x");
}

}  // namespace
