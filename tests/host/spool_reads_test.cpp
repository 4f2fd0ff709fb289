// Spooled documents and files read back through a window per pass (util/spool_reads.hpp): every
// range must come back as written, in any order and size, a file written anew must be read anew,
// and the descriptors must go with their folder.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <random>
#include <string>

#include "util/read_windows.hpp"
#include "util/spool_reads.hpp"
#include "util/temp_dir.hpp"

namespace ferry::test {
namespace {

namespace spool_reads = host::spool_reads;

std::string bytes_of(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng() & 0xff);
    return s;
}

std::string write_file(const std::filesystem::path& path, const std::string& content) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
    return path.string();
}

TEST(SpoolReads, EveryRangeComesBackAsWrittenInAnyOrderAndSize) {
    host::TempDir dir("ferry-spool-reads-");
    const std::string content = bytes_of(3 * host::ReadWindows::kWindow + 12345, 1);
    const std::string path = write_file(dir.path() / "documents.spool", content);
    std::string out;
    // Two passes at once, one document after another, as the planner's two threads read.
    std::uint64_t a = 0, b = content.size() / 2;
    for (std::uint64_t step = 1; b + step <= content.size(); step = step % 4000 + 97) {
        ASSERT_TRUE(spool_reads::read(path, a, step, out));
        ASSERT_EQ(out, content.substr(a, step)) << "pass A at " << a;
        a += step;
        ASSERT_TRUE(spool_reads::read(path, b, step, out));
        ASSERT_EQ(out, content.substr(b, step)) << "pass B at " << b;
        b += step;
    }
    // Anywhere, and larger than a window (read straight, never held whole by a window).
    std::mt19937 rng(7);
    for (int i = 0; i < 200; ++i) {
        const std::uint64_t at = rng() % content.size();
        const std::uint64_t size = std::min<std::uint64_t>(rng() % 9000, content.size() - at);
        ASSERT_TRUE(spool_reads::read(path, at, size, out));
        ASSERT_EQ(out, content.substr(at, size)) << at << "+" << size;
    }
    ASSERT_TRUE(spool_reads::read(path, 5, content.size() - 5, out));
    EXPECT_EQ(out, content.substr(5));
    ASSERT_TRUE(spool_reads::read(path, content.size(), 0, out));
    EXPECT_EQ(out, "");
}

TEST(SpoolReads, BytesThatAreNotThereAreAFailure) {
    host::TempDir dir("ferry-spool-reads-");
    const std::string path = write_file(dir.path() / "entries.spool", bytes_of(1000, 2));
    std::string out = "left over";
    EXPECT_FALSE(spool_reads::read(path, 900, 101, out));  // past the end
    EXPECT_FALSE(spool_reads::read(path, 2000, 1, out));
    EXPECT_FALSE(spool_reads::read((dir.path() / "missing.spool").string(), 0, 1, out));
    EXPECT_TRUE(spool_reads::read(path, 900, 100, out));  // the file is still read after a failure
}

TEST(SpoolReads, AFileWrittenAnewIsReadAnew) {
    host::TempDir dir("ferry-spool-reads-");
    const auto file = dir.path() / "documents.spool";
    const std::string first = bytes_of(5000, 3), second = bytes_of(5000, 4);
    const std::string path = write_file(file, first);
    std::string out;
    ASSERT_TRUE(spool_reads::read(path, 0, 100, out));
    ASSERT_TRUE(spool_reads::read(path, 100, 100, out));  // now the whole file sits in a window
    ASSERT_EQ(out, first.substr(100, 100));
    spool_reads::forget(path);  // as the package reader does before it writes a spool
    std::filesystem::remove(file);
    write_file(file, second);
    ASSERT_TRUE(spool_reads::read(path, 100, 100, out));
    EXPECT_EQ(out, second.substr(100, 100));
}

TEST(SpoolReads, TheFilesOfAFolderAreClosedWhenItGoes) {
    const std::size_t before = spool_reads::open_files();
    std::string path;
    {
        host::TempDir dir("ferry-spool-reads-");
        path = write_file(dir.path() / "entries.spool", bytes_of(100, 5));
        std::string out;
        ASSERT_TRUE(spool_reads::read(path, 0, 10, out));
        EXPECT_EQ(spool_reads::open_files(), before + 1);
    }
    EXPECT_EQ(spool_reads::open_files(), before);
    std::string out;
    EXPECT_FALSE(spool_reads::read(path, 0, 10, out));  // gone with its folder, not served from memory
}

}  // namespace
}  // namespace ferry::test
