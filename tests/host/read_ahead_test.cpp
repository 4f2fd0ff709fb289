// ReadAhead (util/read_ahead.hpp) runs the planner's reading on a second thread: results must come
// back in the order they were asked for whatever each job costs, a job's exception must reach the
// one who takes its result and nobody else, and dropping it with work still queued must not hang.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "util/read_ahead.hpp"

namespace ferry::test {
namespace {

using host::ReadAhead;

// Work of very different sizes, so a job finishing early cannot come back early unnoticed.
std::uint64_t busy(std::uint64_t i) {
    std::uint64_t x = i;
    for (std::uint64_t k = 0; k < (i % 7) * 2000; ++k) x = x * 6364136223846793005ull + 1442695040888963407ull;
    return i * 1000 + (x & 1) * 0;  // the loop's value is not the result; only its cost matters
}

TEST(ReadAhead, ResultsComeBackInTheOrderTheyWereAskedFor) {
    ReadAhead<std::uint64_t> ahead;
    std::uint64_t pushed = 0, taken = 0;
    // Pushed and taken interleaved, the way the planner asks a few batches ahead.
    while (taken < 2000) {
        while (pushed < 2000 && pushed < taken + 50) {
            const std::uint64_t i = pushed++;
            ahead.push([i] { return busy(i); });
        }
        EXPECT_EQ(ahead.take(), taken * 1000);
        ++taken;
    }
    EXPECT_EQ(ahead.pending(), 0u);
}

TEST(ReadAhead, AJobsExceptionIsThrownByItsOwnTakeOnly) {
    ReadAhead<std::string> ahead;
    ahead.push([] { return std::string("a"); });
    ahead.push([]() -> std::string { throw std::runtime_error("the spool is gone"); });
    ahead.push([] { return std::string("c"); });
    EXPECT_EQ(ahead.take(), "a");
    try {
        ahead.take();
        FAIL() << "the job's exception was not thrown";
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "the spool is gone");
    }
    EXPECT_EQ(ahead.take(), "c");
}

TEST(ReadAhead, DroppedWithJobsQueuedItStops) {
    std::atomic<int> ran{0};
    {
        ReadAhead<int> ahead;
        for (int i = 0; i < 1000; ++i)
            ahead.push([&ran, i] {
                ++ran;
                return static_cast<int>(busy(static_cast<std::uint64_t>(i)) % 3);
            });
        EXPECT_EQ(ahead.take(), 0);
    }  // the destructor joins the thread: reaching the next line is the test
    EXPECT_GE(ran.load(), 1);
    EXPECT_LE(ran.load(), 1000);
}

}  // namespace
}  // namespace ferry::test
