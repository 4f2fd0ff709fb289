// The fast JSON path (util/json_text.hpp) must read exactly what nlohmann's parser reads: where it
// accepts a text, the same DOM (same dump, same number types but for -0); where nlohmann refuses one, it
// refuses too, so that the caller's nlohmann parse gives ferry's usual message. Also: the depth
// limit, documents past the size of a thread's kept parser, threads, and the repository's own
// FlowSpec files. (The fuzz build checks the same property on arbitrary bytes: fuzz_flowspec.)
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "test_env.hpp"
#include "util/json_text.hpp"

namespace ferry::test {
namespace {

using nlohmann::json;

// The same value, down to nlohmann's kind of each number.
void expect_same(const json& a, const json& b, const std::string& where) {
    ASSERT_EQ(a.type(), b.type()) << where;
    if (a.is_object()) {
        ASSERT_EQ(a.size(), b.size()) << where;
        for (auto it = a.begin(); it != a.end(); ++it) {
            ASSERT_TRUE(b.contains(it.key())) << where << "/" << it.key();
            expect_same(it.value(), b.at(it.key()), where + "/" + it.key());
        }
    } else if (a.is_array()) {
        ASSERT_EQ(a.size(), b.size()) << where;
        for (std::size_t i = 0; i < a.size(); ++i) expect_same(a[i], b[i], where + "/" + std::to_string(i));
    } else {
        EXPECT_EQ(a.dump(), b.dump()) << where;
    }
}

void expect_agrees(const std::string& text, std::size_t depth = 64) {
    json fast;
    ASSERT_TRUE(host::parse_json_fast(text, depth, fast)) << text.substr(0, 200);
    const json slow = json::parse(text);
    expect_same(fast, slow, text.substr(0, 80));
    EXPECT_EQ(fast.dump(), slow.dump());
}

TEST(JsonText, ReadsWhatNlohmannReads) {
    for (const std::string text : {
             R"({"version":"1.1.0","kind":"CycleWorkflow","spec":{"nodes":[{"id":"1","name":"a"}]}})",
             R"([1, -1, 0, 1.5, -2.25e-3, 1E2, 0.1, 18446744073709551615, -9223372036854775808])",
             R"({"t":true,"f":false,"n":null,"e":{},"a":[],"s":""})",
             R"(["\u00e9\u4e2d", "\ud83d\ude00", "tab\tnl\nq\"bs\\sl\/", "\u0000 inside"])",
             R"("中文 名字 😀")",
             R"({"b":1,"a":2,"c":{"z":[{"y":null}]}})",
             "  \n\t{ \"spaced\" :\r\n [ 1 , 2 ] }  \n",
             "2.2250738585072011e-308", "4.9e-324", "1.7976931348623157e308", "1e-400", "-1e-400", "-0.0", "42",
         })
        expect_agrees(text);
}

TEST(JsonText, MinusZeroIsTheOneKindThatDiffers) {
    json fast;
    ASSERT_TRUE(host::parse_json_fast("[-0]", 64, fast));
    const json slow = json::parse("[-0]");
    EXPECT_TRUE(fast[0].is_number_unsigned());
    EXPECT_FALSE(slow[0].is_number_unsigned());
    EXPECT_EQ(fast, slow);
    EXPECT_EQ(fast.dump(), "[0]");
}

TEST(JsonText, NumbersKeepNlohmannsKinds) {
    json fast;
    ASSERT_TRUE(host::parse_json_fast("[7, -7, 18446744073709551615, 7.0]", 64, fast));
    EXPECT_TRUE(fast[0].is_number_unsigned());
    EXPECT_TRUE(fast[1].is_number_integer() && !fast[1].is_number_unsigned());
    EXPECT_TRUE(fast[2].is_number_unsigned());
    EXPECT_TRUE(fast[3].is_number_float());
    EXPECT_EQ(fast.dump(), "[7,-7,18446744073709551615,7.0]");
}

TEST(JsonText, ARepeatedKeyKeepsTheLastValueAsNlohmannDoes) {
    expect_agrees(R"({"a":1,"b":0,"a":{"x":[2]}})");
    json fast;
    ASSERT_TRUE(host::parse_json_fast(R"({"a":1,"a":2})", 64, fast));
    EXPECT_EQ(fast.dump(), R"({"a":2})");
}

// Every one of these nlohmann refuses; the fast path must too, and leave `out` as it was.
TEST(JsonText, RefusesWhatNlohmannRefuses) {
    const std::vector<std::string> bad = {
        "", " ", "{", "}", "[1,]", "[1 2]", R"({"a" 1})", R"({"a":1,})", "tru", "nul", "01", "1.", "-", "+1",
        ".5", "1e", "NaN", "Infinity", "[1e400]", "3E400", R"("\ud800")", R"("\udc00")", R"("\ud800\u0041")",
        R"("\x41")", "\"a\x01\"", "\"open", "\"\xC3\x28\"", "\xff", R"({"a":1}{"b":2})", "[1]]", "// c\n{}",
        "{'a':1}",
    };
    for (const auto& text : bad) {
        ASSERT_TRUE(json::parse(text, nullptr, false).is_discarded()) << "nlohmann accepts " << text;
        json out = "untouched";
        EXPECT_FALSE(host::parse_json_fast(text, 64, out)) << text;
        EXPECT_EQ(out, "untouched") << text;
        EXPECT_TRUE(host::parse_json_or_discarded(text).is_discarded()) << text;
    }
}

// Texts nlohmann reads that simdjson does not: parse_json_or_discarded still gives nlohmann's value.
TEST(JsonText, LeavesToNlohmannWhatSimdjsonWillNotRead) {
    const std::vector<std::string> nlohmann_only = {
        "\xEF\xBB\xBF{\"bom\":1}",        // a byte-order mark
        "18446744073709551616",           // past uint64: nlohmann makes it a double
        "-9223372036854775809",           // past int64
        "123456789012345678901234567890",
        std::string("{}\0", 3),           // a NUL after the value
    };
    for (const auto& text : nlohmann_only) {
        const json slow = json::parse(text, nullptr, false);
        ASSERT_FALSE(slow.is_discarded()) << text;
        json out;
        EXPECT_FALSE(host::parse_json_fast(text, 64, out)) << text;
        EXPECT_EQ(host::parse_json_or_discarded(text).dump(), slow.dump()) << text;
    }
}

TEST(JsonText, NestingPastTheLimitIsLeftToTheCaller) {
    auto nested = [](std::size_t levels) { return std::string(levels, '[') + std::string(levels, ']'); };
    json out;
    EXPECT_TRUE(host::parse_json_fast(nested(64), 64, out));
    EXPECT_FALSE(host::parse_json_fast(nested(65), 64, out));
    EXPECT_TRUE(host::parse_json_fast(nested(5), 5, out));
    EXPECT_FALSE(host::parse_json_fast(nested(6), 5, out));
    EXPECT_FALSE(host::parse_json_fast(R"({"a":{"b":{"c":[1]}}})", 3, out));
    EXPECT_TRUE(host::parse_json_fast(R"({"a":{"b":{"c":[1]}}})", 4, out));
    // The thread's parser follows the limit asked for, back and forth.
    EXPECT_TRUE(host::parse_json_fast(nested(64), 64, out));
    // Far past any limit: refused without exhausting the stack.
    EXPECT_FALSE(host::parse_json_fast(nested(100000), 64, out));
    EXPECT_TRUE(host::parse_json_or_discarded(nested(300)).is_array());  // nlohmann has no limit
}

TEST(JsonText, DocumentsLargerThanTheKeptParserAgree) {
    json doc = json::object();
    for (int i = 0; i < 20000; ++i)
        doc["node_" + std::to_string(i)] = {{"code", std::string(100, static_cast<char>('a' + i % 26))}, {"n", i}};
    const std::string text = doc.dump();
    ASSERT_GT(text.size(), std::size_t{1} << 21);  // past the thread's kept parser (256 KiB)
    expect_agrees(text);
    expect_agrees(R"({"small":"after the large one"})");
}

TEST(JsonText, ThreadsParseAtOnce) {
    std::vector<std::thread> threads;
    std::vector<int> ok(4, 0);
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([t, &ok] {
            for (int i = 0; i < 500; ++i) {
                const std::string text = R"({"thread":)" + std::to_string(t) + R"(,"i":)" + std::to_string(i) + "}";
                json out;
                if (host::parse_json_fast(text, 64, out) && out["thread"] == t && out["i"] == i) ++ok[t];
            }
        });
    for (auto& th : threads) th.join();
    EXPECT_EQ(ok, std::vector<int>(4, 500));
}

// The FlowSpec, DolphinScheduler and other files the repository tests with: each one either read
// alike by both, or (the fast path refusing) by nlohmann alone.
TEST(JsonText, TheRepositorysJsonFilesReadAlike) {
    std::size_t read_fast = 0;
    for (const auto& [path, text] : repository_json_files()) {
        json fast;
        const json slow = json::parse(text, nullptr, false);
        if (host::parse_json_fast(text, 64, fast)) {
            ASSERT_FALSE(slow.is_discarded()) << path;
            EXPECT_EQ(fast.dump(), slow.dump()) << path;
            ++read_fast;
        }
    }
    EXPECT_GE(read_fast, 30u);
}

}  // namespace
}  // namespace ferry::test
