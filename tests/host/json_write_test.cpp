// The JSON writer (util/json_write.hpp) must give exactly the bytes of nlohmann's
// dump(-1, ' ', false, error_handler_t::replace): ferry stores documents as that text, compares
// them across imports and hashes them, so one byte of difference would make every object of a
// re-import look changed. Compared here on every byte, every pair of bytes, the UTF-8 sequences
// at the edges of validity, random nested values and the repository's JSON files.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "test_env.hpp"
#include "util/json_write.hpp"

namespace ferry::test {
namespace {

using nlohmann::json;

std::string nlohmann_text(const json& v) { return v.dump(-1, ' ', false, json::error_handler_t::replace); }

void expect_same_text(const json& v) { EXPECT_EQ(host::json_text(v), nlohmann_text(v)); }

TEST(JsonWrite, EveryByteAndEveryPairOfBytesAsAString) {
    for (int a = 0; a < 256; ++a) {
        expect_same_text(json(std::string(1, static_cast<char>(a))));
        for (int b = 0; b < 256; ++b) {
            const std::string s{static_cast<char>(a), static_cast<char>(b)};
            ASSERT_EQ(host::json_text(json(s)), nlohmann_text(json(s))) << a << " " << b;
        }
    }
}

TEST(JsonWrite, SequencesAtTheEdgesOfUtf8) {
    for (const std::string& s : std::vector<std::string>{
             "\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80", "\xEF\xBF\xBF", "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF",  // valid edges
             "\xC0\xAF", "\xC1\xBF", "\xE0\x80\xAF", "\xF0\x80\x80\xAF",  // overlong
             "\xED\xA0\x80", "\xED\xBF\xBF", "\xED\x9F\xBF",  // surrogates, and the last code point before them
             "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xF8\x88\x80\x80\x80", "\xFF", "\xFE",  // past U+10FFFF
             "\xE4\xB8", "\xF0\x9F\x98", "a\xE4\xB8", "\xE4\xB8" "a\"", "\x80\x80\x80", "\xC3\x28", "\xE2\x28\xA1",
             "中文 名字 😀", "tab\tnl\nq\"bs\\/ \x7F \x1F \x01 \x0B", std::string("nul\0inside", 10),
             "\xE2\x80\xAE right-to-left override", "",
         }) {
        expect_same_text(json(s));
        expect_same_text(json::object({{s, s}}));
    }
}

TEST(JsonWrite, NumbersAndTheOtherScalars) {
    for (const json& v : {
             json(0), json(-1), json(std::numeric_limits<std::int64_t>::min()),
             json(std::numeric_limits<std::int64_t>::max()), json(std::numeric_limits<std::uint64_t>::max()),
             json(0u), json(1.0), json(-0.0), json(0.1), json(1e300), json(-2.25e-3), json(5e-324),
             json(std::numeric_limits<double>::quiet_NaN()), json(std::numeric_limits<double>::infinity()),
             json(true), json(false), json(nullptr), json::object(), json::array(),
             json::binary({1, 2, 3}), json::binary({4}, 7), json(json::value_t::discarded),
         })
        expect_same_text(v);
}

// Random nested values from a fixed seed: strings drawn from the bytes that matter (controls,
// the escaped ones, ASCII, pieces of valid and broken UTF-8), keys that sort in interesting ways.
TEST(JsonWrite, RandomNestedValues) {
    std::mt19937_64 rng(20261203);
    const std::vector<std::string> pieces = {"a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\x01", "\x1F", "\x7F",
                                             "é", "中", "😀", "\xC3", "\xA9", "\xED\xA0\x80", "\xF0\x9F", "~", "0"};
    auto text = [&] {
        std::string s;
        for (int n = static_cast<int>(rng() % 8); n > 0; --n) s += pieces[rng() % pieces.size()];
        return s;
    };
    std::function<json(int)> value = [&](int depth) -> json {
        switch (rng() % (depth > 4 ? 6 : 8)) {
            case 0: return json(text());
            case 1: return json(static_cast<std::int64_t>(rng()));
            case 2: return json(static_cast<std::uint64_t>(rng()));
            case 3: return json(std::ldexp(static_cast<double>(rng() % 100000) - 50000, static_cast<int>(rng() % 80) - 40));
            case 4: return json(rng() % 2 == 0);
            case 5: return json(nullptr);
            case 6: {
                json o = json::object();
                for (int n = static_cast<int>(rng() % 6); n > 0; --n) o[text()] = value(depth + 1);
                return o;
            }
            default: {
                json a = json::array();
                for (int n = static_cast<int>(rng() % 6); n > 0; --n) a.push_back(value(depth + 1));
                return a;
            }
        }
    };
    for (int i = 0; i < 3000; ++i) {
        const json v = value(0);
        ASSERT_EQ(host::json_text(v), nlohmann_text(v)) << "value " << i;
    }
}

TEST(JsonWrite, AppendsAfterWhatIsThere) {
    std::string out = "prefix:";
    host::append_json(json::object({{"k", "v\n"}}), out);
    host::append_json_string("x\"y", out);
    EXPECT_EQ(out, "prefix:{\"k\":\"v\\n\"}\"x\\\"y\"");
}

TEST(JsonWrite, TheRepositorysJsonFilesWriteAlike) {
    std::size_t written = 0;
    for (const auto& [path, text] : repository_json_files()) {
        const json v = json::parse(text, nullptr, false);
        if (v.is_discarded()) continue;
        EXPECT_EQ(host::json_text(v), nlohmann_text(v)) << path;
        ++written;
    }
    EXPECT_GE(written, 30u);
}

}  // namespace
}  // namespace ferry::test
