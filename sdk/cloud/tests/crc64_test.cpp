#include "ferry/cloud/crc64.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ferry::cloud {
namespace {

TEST(Crc64, MatchesThePublishedCheckValues) {
    struct Case {
        std::string input;
        std::uint64_t want;
    };
    for (const Case& c : {Case{"123456789", 11051210869376104954ULL}, Case{"", 0}}) {
        Crc64 crc;
        crc.update(c.input.data(), c.input.size());
        EXPECT_EQ(crc.value(), c.want) << "input '" << c.input << "'";
    }
    EXPECT_EQ(11051210869376104954ULL, 0x995dc9bbdf1939faULL);
}

TEST(Crc64, PiecewiseUpdatesEqualOneUpdate) {
    std::string data;
    for (int i = 0; i < 100000; ++i) data += static_cast<char>((i * 131 + 7) % 251);
    Crc64 whole;
    whole.update(data.data(), data.size());
    Crc64 pieces;
    for (std::size_t at = 0; at < data.size(); at += 4093)
        pieces.update(data.data() + at, std::min<std::size_t>(4093, data.size() - at));
    EXPECT_EQ(whole.value(), pieces.value());
    Crc64 check;
    check.update("12345", 5);
    check.update("6789", 4);
    EXPECT_EQ(check.value(), 11051210869376104954ULL);
}

}  // namespace
}  // namespace ferry::cloud
