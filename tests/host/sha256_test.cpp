// The host's SHA-256 (util/sha256.hpp) names packages and fingerprints every object: it must give
// the standard's answers (FIPS 180-2 test vectors), alike in one piece or many, and start afresh
// after each hex() (the planner reuses nothing, but the object promises it).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "util/sha256.hpp"

namespace ferry::test {
namespace {

using host::Sha256;

TEST(Sha256, GivesTheStandardsAnswers) {
    EXPECT_EQ(Sha256::of(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(Sha256::of("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(Sha256::of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, PiecesHashAsTheWholeAndHexStartsAfresh) {
    const std::string million(1000000, 'a');
    Sha256 h;
    for (std::size_t at = 0; at < million.size(); at += 4093)
        h.update(million.data() + at, std::min<std::size_t>(4093, million.size() - at));
    EXPECT_EQ(h.hex(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    h.update("abc", 3);
    EXPECT_EQ(h.hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    Sha256 moved = std::move(h);
    EXPECT_EQ(moved.hex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace ferry::test
