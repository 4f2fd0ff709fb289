// The read-ahead in front of every source: bytes arrive whole and in order across chunks, the
// SHA-256 covers each once, the cap holds (nothing past cap+1 is asked of the source), and a
// source's failure or exception reaches the reader as a diagnostic. Chunks are whole whatever the
// source's reads, and a view stays readable one call longer (the archive walker finds a zip's
// central directory in the last two).
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "package/metered_stream.hpp"
#include "util/sha256.hpp"

using namespace ferry;
using namespace ferry::host;

namespace {

// Serves `data` in reads of at most `step` bytes; fails or throws after `fail_after` bytes.
class ScriptedStream : public sdk::ByteStream {
  public:
    enum class Fault { none, error, exception };
    ScriptedStream(std::string data, std::size_t step, Fault fault = Fault::none, std::size_t fail_after = 0)
        : data_(std::move(data)), step_(step), fault_(fault), fail_after_(fail_after) {}
    std::ptrdiff_t read(char* buffer, std::size_t size, sdk::Diagnostics& diags) override {
        asked_ += size;
        if (fault_ != Fault::none && pos_ >= fail_after_) {
            if (fault_ == Fault::exception) throw std::runtime_error("boom");
            diags.error("FERRY-SRC-TEST", "the test source broke");
            return -1;
        }
        const std::size_t n = std::min({size, step_, data_.size() - pos_});
        data_.copy(buffer, n, pos_);
        pos_ += n;
        return static_cast<std::ptrdiff_t>(n);
    }
    std::size_t asked() const { return asked_; }
    std::size_t served() const { return pos_; }

  private:
    std::string data_;
    std::size_t step_;
    Fault fault_;
    std::size_t fail_after_;
    std::size_t pos_ = 0;
    std::size_t asked_ = 0;
};

std::string bytes(std::size_t n) {
    std::string s(n, '\0');
    std::uint32_t x = 12345;
    for (auto& c : s) {
        x = x * 1103515245u + 12345u;
        c = static_cast<char>(x >> 24);
    }
    return s;
}

}  // namespace

TEST(MeteredStream, HandsOnEveryByteOnceAndHashesThem) {
    const std::string data = bytes(3 * MeteredStream::kChunkSize + 12345);
    ScriptedStream src(data, 77777);
    MeteredStream stream(src, 0, "test");
    sdk::Diagnostics d;
    std::string got;
    char buf[1000];
    for (bool view = false;; view = !view) {  // both ways of reading, alternately
        std::ptrdiff_t n;
        if (view) {
            const char* p = nullptr;
            n = stream.read_view(&p, d);
            if (n > 0) got.append(p, static_cast<std::size_t>(n));
        } else {
            n = stream.read(buf, sizeof buf, d);
            if (n > 0) got.append(buf, static_cast<std::size_t>(n));
        }
        ASSERT_GE(n, 0);
        if (n == 0) break;
    }
    EXPECT_TRUE(got == data);
    EXPECT_TRUE(stream.at_end());
    EXPECT_EQ(stream.bytes(), data.size());
    EXPECT_EQ(stream.sha256_hex(), Sha256::of(data));
    EXPECT_FALSE(d.has_errors());
}

TEST(MeteredStream, TheCapHoldsAndNothingPastItIsAsked) {
    const std::string data = bytes(3'000'000);
    ScriptedStream src(data, 1 << 20);
    MeteredStream stream(src, 1'000'000, "pkg.zip");
    sdk::Diagnostics d;
    EXPECT_FALSE(stream.drain(d));
    EXPECT_TRUE(stream.failed());
    // The reads that stayed under the cap were handed on (three whole chunks); the one that went
    // past it was not, and no byte past the cap ever is.
    EXPECT_EQ(stream.bytes(), 3 * MeteredStream::kChunkSize);
    ASSERT_EQ(d.items().size(), 1u);
    EXPECT_EQ(d.items()[0].code, "FERRY-SRC-TOO-LARGE");
    EXPECT_EQ(d.items()[0].summary, "the package is over the size limit of 1000000 bytes");
    EXPECT_EQ(d.items()[0].where, "pkg.zip");
    EXPECT_EQ(src.asked(), 1'000'001u);
}

TEST(MeteredStream, ASourceErrorArrivesAfterTheBytesBeforeIt) {
    ScriptedStream src(bytes(500'000), 100'000, ScriptedStream::Fault::error, 300'000);
    MeteredStream stream(src, 0, "pkg.zip");
    sdk::Diagnostics d;
    EXPECT_FALSE(stream.drain(d));
    EXPECT_EQ(stream.bytes(), src.served());
    EXPECT_GE(stream.bytes(), 300'000u);
    ASSERT_EQ(d.items().size(), 1u);
    EXPECT_EQ(d.items()[0].code, "FERRY-SRC-TEST");
}

TEST(MeteredStream, AnExceptionFromTheSourceIsAFailureNotAnAbort) {
    ScriptedStream src(bytes(10), 10, ScriptedStream::Fault::exception, 0);
    MeteredStream stream(src, 0, "pkg.zip");
    sdk::Diagnostics d;
    char buf[16];
    EXPECT_EQ(stream.read(buf, sizeof buf, d), -1);
    ASSERT_EQ(d.items().size(), 1u);
    EXPECT_EQ(d.items()[0].code, "FERRY-SRC-READ");
    EXPECT_EQ(d.items()[0].summary, "the source failed while reading: boom");
    EXPECT_EQ(d.items()[0].where, "pkg.zip");
}

TEST(MeteredStream, DroppedMidStreamStopsTheReadAhead) {
    ScriptedStream src(bytes(20 * MeteredStream::kChunkSize), 4096);
    {
        MeteredStream stream(src, 0, "pkg.zip");
        sdk::Diagnostics d;
        char buf[10];
        ASSERT_EQ(stream.read(buf, sizeof buf, d), 10);
        // Destroyed here with the read-ahead blocked on a full queue.
    }
    // It stopped instead of reading the whole source: at most the queue and one chunk ahead.
    EXPECT_LE(src.served(), (MeteredStream::kChunks + 2) * MeteredStream::kChunkSize);
}

TEST(MeteredStream, ChunksAreWholeWhateverTheSourceReads) {
    const std::string data = bytes(3 * MeteredStream::kChunkSize + 1000);
    ScriptedStream src(data, 1000);  // a slow network source's short reads
    MeteredStream stream(src, 0, "pkg.zip");
    sdk::Diagnostics d;
    std::vector<std::ptrdiff_t> sizes;
    for (;;) {
        const char* p = nullptr;
        const std::ptrdiff_t n = stream.read_view(&p, d);
        ASSERT_GE(n, 0);
        if (n == 0) break;
        sizes.push_back(n);
    }
    const auto whole = static_cast<std::ptrdiff_t>(MeteredStream::kChunkSize);
    EXPECT_EQ(sizes, (std::vector<std::ptrdiff_t>{whole, whole, whole, 1000}));
}

TEST(MeteredStream, AViewStaysReadableUntilTheCallAfterNext) {
    const std::string data = bytes(4 * MeteredStream::kChunkSize);
    ScriptedStream src(data, MeteredStream::kChunkSize);
    MeteredStream stream(src, 0, "pkg.zip");
    sdk::Diagnostics d;
    const char* first = nullptr;
    const char* second = nullptr;
    ASSERT_EQ(stream.read_view(&first, d), static_cast<std::ptrdiff_t>(MeteredStream::kChunkSize));
    ASSERT_EQ(stream.read_view(&second, d), static_cast<std::ptrdiff_t>(MeteredStream::kChunkSize));
    // Both chunks are still held: the first was kept, not freed, when the second was taken.
    EXPECT_TRUE(std::string(first, MeteredStream::kChunkSize) == data.substr(0, MeteredStream::kChunkSize));
    EXPECT_TRUE(std::string(second, MeteredStream::kChunkSize) ==
                data.substr(MeteredStream::kChunkSize, MeteredStream::kChunkSize));
    EXPECT_NE(first, second);
}
