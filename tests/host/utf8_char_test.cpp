// utf8_char answers, in place of glibc's mbrtowc, every call of the ferry executable that it
// accepts (host/src/cli/fast_mbrtowc.cpp); what it refuses goes to glibc. So wherever it accepts
// a sequence it must say exactly what glibc says, and it must accept every valid one it is handed.
#include <gtest/gtest.h>

#include <clocale>
#include <cstdint>
#include <cwchar>
#include <string>

#include "util/utf8.hpp"

namespace ferry::test {
namespace {

class Utf8Char : public ::testing::Test {
  protected:
    void SetUp() override {
        saved_ = std::setlocale(LC_CTYPE, nullptr);
        ASSERT_NE(std::setlocale(LC_CTYPE, "C.UTF-8"), nullptr) << "glibc's C.UTF-8 locale is missing";
    }
    void TearDown() override { std::setlocale(LC_CTYPE, saved_.c_str()); }

    // Counts the sequences utf8_char accepts; each one is checked against glibc.
    std::size_t accepted = 0;
    void compare(const unsigned char* bytes, std::size_t n) {
        const char* s = reinterpret_cast<const char*>(bytes);
        std::uint32_t cp = 0;
        const int length = host::utf8_char(s, n, cp);
        if (length == 0) return;
        ++accepted;
        std::mbstate_t state{};
        wchar_t wc = L'\xFFFF';
        const std::size_t glibc = std::mbrtowc(&wc, s, n, &state);
        ASSERT_EQ(glibc, cp == 0 ? 0u : static_cast<std::size_t>(length)) << "bytes " << hex(bytes, n);
        ASSERT_EQ(static_cast<std::uint32_t>(wc), cp) << "bytes " << hex(bytes, n);
        ASSERT_TRUE(std::mbsinit(&state));
    }
    static std::string hex(const unsigned char* b, std::size_t n) {
        std::string out;
        char buf[4];
        for (std::size_t i = 0; i < n; ++i) {
            std::snprintf(buf, sizeof buf, "%02x", b[i]);
            out += buf;
        }
        return out;
    }

  private:
    std::string saved_;
};

TEST_F(Utf8Char, EveryOneAndTwoByteSequenceAsGlibc) {
    unsigned char b[2];
    for (int x = 0; x < 256; ++x) {
        b[0] = static_cast<unsigned char>(x);
        compare(b, 1);
    }
    EXPECT_EQ(accepted, 128u);  // ASCII, NUL included
    accepted = 0;
    for (int x = 0; x < 256; ++x)
        for (int y = 0; y < 256; ++y) {
            b[0] = static_cast<unsigned char>(x);
            b[1] = static_cast<unsigned char>(y);
            compare(b, 2);
        }
    // ASCII first bytes (whatever follows), and U+0080..U+07FF.
    EXPECT_EQ(accepted, 128u * 256 + (0x800 - 0x80));
}

TEST_F(Utf8Char, EveryThreeByteSequenceAsGlibc) {
    unsigned char b[3];
    for (int x = 0xE0; x <= 0xEF; ++x)
        for (int y = 0; y < 256; ++y)
            for (int z = 0; z < 256; ++z) {
                b[0] = static_cast<unsigned char>(x);
                b[1] = static_cast<unsigned char>(y);
                b[2] = static_cast<unsigned char>(z);
                compare(b, 3);
            }
    // U+0800..U+FFFF without the surrogates; overlong forms (E0 80..9F) are refused.
    EXPECT_EQ(accepted, (0x10000u - 0x800) - 0x800);
}

TEST_F(Utf8Char, FourByteSequencesAsGlibc) {
    unsigned char b[4];
    for (int x = 0xF0; x <= 0xF7; ++x)
        for (int y = 0; y < 256; ++y)
            for (int z : {0x00, 0x7F, 0x80, 0x8F, 0x90, 0xBF, 0xC0, 0xFF})
                for (int w = 0; w < 256; ++w) {
                    b[0] = static_cast<unsigned char>(x);
                    b[1] = static_cast<unsigned char>(y);
                    b[2] = static_cast<unsigned char>(z);
                    b[3] = static_cast<unsigned char>(w);
                    compare(b, 4);
                }
    // U+10000..U+10FFFF with third bytes 0x80, 0x8F, 0x90 and 0xBF: 16 planes' worth of second
    // bytes (F0 90..BF, F1..F3 80..BF, F4 80..8F = 48 + 192 + 16 = 256), 4 thirds, 64 fourths.
    EXPECT_EQ(accepted, 256u * 4 * 64);
}

TEST_F(Utf8Char, ASequenceCutShortIsLeftToGlibc) {
    std::uint32_t cp = 0;
    const char chinese[] = "\xE4\xB8\x9A";  // U+4E1A
    EXPECT_EQ(host::utf8_char(chinese, 3, cp), 3);
    EXPECT_EQ(cp, 0x4E1Au);
    EXPECT_EQ(host::utf8_char(chinese, 2, cp), 0);
    EXPECT_EQ(host::utf8_char(chinese, 0, cp), 0);
    EXPECT_EQ(host::utf8_char("\xED\xA0\x80", 3, cp), 0);      // a surrogate
    EXPECT_EQ(host::utf8_char("\xF4\x90\x80\x80", 4, cp), 0);  // past U+10FFFF
    EXPECT_EQ(host::utf8_char("\xC0\xAF", 2, cp), 0);          // overlong '/'
}

}  // namespace
}  // namespace ferry::test
