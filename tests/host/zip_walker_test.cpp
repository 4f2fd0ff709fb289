// ferry's own zip reader (package/zip_walker.cpp) beside libarchive's, on the same bytes: what each
// hands the walk's handler, and how each refuses a zip cut short at every byte. Then what only
// ferry's reader says (encrypted entries, other methods, a bad CRC, a link), with its exact words.
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <set>

#include "package/archive_walker.hpp"
#include "package/metered_stream.hpp"
#include "package_builder.hpp"
#include "string_stream.hpp"
#include "test_env.hpp"

namespace ferry::test {
namespace {

struct Walked {
    std::vector<std::pair<std::string, std::string>> entries;  // path, content as read
    std::vector<std::string> codes;
    std::string first_summary;
    bool ok = false;
};

Walked walk(const std::string& bytes, bool through_libarchive, host::PackageLimits limits = {}) {
    limits.zip_through_libarchive = through_libarchive;
    StringStream source(bytes, 1000);  // headers and data descriptors fall across pieces
    host::MeteredStream stream(source, 0, "p.zip");
    host::WalkStats stats;
    sdk::Diagnostics diags;
    Walked w;
    const host::EntryHandler collect = [&](const host::EntryInfo& info, host::EntryReader& reader) {
        std::string content;
        char buf[777];  // an odd size: reads end anywhere in the data
        std::ptrdiff_t n = 0;
        while ((n = reader.read(buf, sizeof buf)) > 0) content.append(buf, static_cast<std::size_t>(n));
        if (n < 0) return false;
        w.entries.emplace_back(info.path, std::move(content));
        return true;
    };
    w.ok = host::walk_package(stream, "p.zip", limits, collect, stats, diags);
    for (const auto& d : diags.items())
        if (d.severity == sdk::Severity::error) {
            if (w.codes.empty()) w.first_summary = d.summary;
            w.codes.push_back(d.code);
        }
    return w;
}

HandmadeEntry entry(std::string name, std::string content) {
    HandmadeEntry e;
    e.raw_name = std::move(name);
    e.content = std::move(content);
    return e;
}

std::string code_text(int lines) {
    std::string s;
    for (int i = 0; i < lines; ++i)
        s += "select " + std::to_string(i * 7919 % 10007) + " from t_" + std::to_string(i % 13) + ";\n";
    return s;
}

// Built when a test runs, not when the suite is listed: listing runs in every test process, and
// ctest runs them side by side over one scratch folder.
struct Case {
    std::string name;
    std::function<std::string()> bytes;
};

std::vector<Case> zips() {
    const auto written = [](const std::string& options) {
        return [options] {
            const std::vector<Entry> sample{{"wf/a.json", one_node_spec("a")}, {"wf/a.sql", code_text(400)},
                                            {"empty.txt", ""}, {"wf/b.json", one_node_spec("b")}};
            const std::string file = scratch_dir() + "/written.zip";
            write_package(file, Format::zip, sample, options);
            return read_file(file);
        };
    };
    const auto deflated = [](HandmadeEntry e, bool after) {
        e.deflate = true;
        e.sizes_after = after;
        return e;
    };
    const auto stored_after = [](HandmadeEntry e) {
        e.sizes_after = true;
        return e;
    };
    const auto handmade = [](std::function<std::vector<HandmadeEntry>()> entries) {
        return [entries] { return handmade_zip(entries()); };
    };
    return {
        {"libarchive_written", written("")},
        {"libarchive_written_zip64", written("zip:zip64")},
        {"stored", handmade([] {
             return std::vector{entry("a.json", one_node_spec("a")), entry("b.sql", code_text(50))};
         })},
        {"deflated", handmade([=] {
             return std::vector{deflated(entry("a.json", one_node_spec("a")), false),
                                deflated(entry("b.sql", code_text(300)), false)};
         })},
        {"deflated_sizes_after", handmade([=] {
             return std::vector{deflated(entry("a.json", one_node_spec("a")), true),
                                deflated(entry("b.sql", code_text(300)), true), deflated(entry("c.txt", ""), true)};
         })},
        {"stored_sizes_after", handmade([=] {
             return std::vector{stored_after(entry("a.json", one_node_spec("a"))),
                                stored_after(entry("b.sql", code_text(30) + "PK not a signature"))};
         })},
        // The descriptor's signature inside the data, not followed by the data's CRC-32: data.
        {"stored_sizes_after_signature_in_data", handmade([=] {
             return std::vector{stored_after(entry("nested.zip", std::string("hello PK\x07\x08 not a descriptor, ") +
                                                                     code_text(5) + std::string("PK\x07\x08", 4))),
                                entry("b.json", one_node_spec("b"))};
         })},
        {"directories", handmade([] {
             return std::vector{entry("wf/", ""), entry("wf/a.json", one_node_spec("a")), entry("wf/sub/", "")};
         })},
        // Version 20: made by DOS, as libarchive reads the header.
        {"dos_backslashes", handmade([] {
             return std::vector{entry("wf\\dos.json", one_node_spec("d")), entry("b.json", one_node_spec("b"))};
         })},
        {"unicode_path", handmade([] {
             HandmadeEntry unicode = entry("\x81" "berblick.json", one_node_spec("u"));
             unicode.unicode_name = "überblick.json";
             return std::vector{unicode};
         })},
        {"bytes_between_entries", handmade([] {
             HandmadeEntry padded = entry("a.json", one_node_spec("a"));
             padded.after_data = "not a record";
             return std::vector{padded, entry("b.json", one_node_spec("b"))};
         })},
        {"empty_zip", handmade([] { return std::vector<HandmadeEntry>{}; })},
    };
}

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class BothReaders : public ::testing::TestWithParam<Case> {};

TEST_P(BothReaders, HandTheSameEntries) {
    const std::string bytes = GetParam().bytes();
    const Walked own = walk(bytes, false), theirs = walk(bytes, true);
    EXPECT_TRUE(own.ok) << own.first_summary;
    EXPECT_EQ(own.codes, theirs.codes) << own.first_summary << " | " << theirs.first_summary;
    EXPECT_EQ(own.entries, theirs.entries);
    EXPECT_EQ(own.ok, theirs.ok);
}

// Where each local header ends, by the central directory's offsets.
std::set<std::size_t> header_ends(const std::string& zip) {
    std::set<std::size_t> out;
    if (zip.size() < 22) return out;
    for (const auto& record : zip_layout(zip).directory) {
        const std::size_t at = record.local_offset();
        const auto le16 = [&](std::size_t i) {
            return static_cast<std::size_t>(static_cast<unsigned char>(zip[i]) |
                                            (static_cast<unsigned char>(zip[i + 1]) << 8));
        };
        out.insert(at + 30 + le16(at + 26) + le16(at + 28));
    }
    return out;
}

// Every prefix of the zip: the same verdict, word for word. Cut right after a local header, both
// call it cut short, in words of their own: libarchive's depend on how much of the package its
// buffers held (it may not count the entry yet); ferry's say the entry's data was expected (or,
// for an entry with none, the next record).
TEST_P(BothReaders, RefuseEveryCutAlike) {
    const std::string whole = GetParam().bytes();
    const std::set<std::size_t> after_header = header_ends(whole);
    std::string differences;
    int shown = 0;
    for (std::size_t at = 0; at < whole.size(); ++at) {
        const std::string cut = whole.substr(0, at);
        const Walked own = walk(cut, false), theirs = walk(cut, true);
        EXPECT_FALSE(own.ok) << "cut at " << at << " passed";
        const bool same_words = after_header.count(at) ? own.codes == std::vector<std::string>{"FERRY-PKG-TRUNCATED"}
                                                       : own.first_summary == theirs.first_summary;
        if ((own.codes != theirs.codes || !same_words) && shown++ < 12)
            differences += "\n  cut at " + std::to_string(at) + ": ours '" + own.first_summary + "', libarchive's '" +
                           theirs.first_summary + "'";
    }
    EXPECT_TRUE(differences.empty()) << differences;
}

INSTANTIATE_TEST_SUITE_P(ZipWalker, BothReaders, ::testing::ValuesIn(zips()),
                         [](const auto& info) { return info.param.name; });

// A byte changed anywhere in the data: both refuse it as damaged (in their own words).
TEST(ZipWalker, DamagedDataIsRefusedByBoth) {
    HandmadeEntry e = entry("b.sql", code_text(300));
    e.deflate = true;
    e.sizes_after = true;
    const std::string zip = handmade_zip({entry("a.json", one_node_spec("a")), e});
    const std::size_t data = zip.find("b.sql") + 5;
    const std::size_t end = zip.find("PK\x07\x08", data);
    ASSERT_NE(end, std::string::npos);
    for (std::size_t at = data; at < end; at += 7) {
        std::string bad = zip;
        bad[at] = static_cast<char>(bad[at] ^ 0x24);
        const Walked own = walk(bad, false), theirs = walk(bad, true);
        ASSERT_FALSE(own.ok) << "byte " << at;
        ASSERT_EQ(own.codes, std::vector<std::string>{"FERRY-PKG-CORRUPT"})
            << "byte " << at << ": " << own.first_summary;
        ASSERT_EQ(theirs.codes, own.codes) << "byte " << at << ": " << theirs.first_summary;
    }
}

Walked walk_one(HandmadeEntry e) { return walk(handmade_zip({std::move(e)}), false); }

TEST(ZipWalker, AnEncryptedEntryIsRefusedByName) {
    HandmadeEntry e = entry("wf/a.json", one_node_spec("a"));
    e.flags = 1;
    const Walked w = walk_one(e);
    EXPECT_FALSE(w.ok);
    EXPECT_EQ(w.codes, std::vector<std::string>{"FERRY-PKG-FORMAT-UNSUPPORTED"});
    EXPECT_EQ(w.first_summary, "entry 'wf/a.json' is encrypted: ferry reads no encrypted zip entries");
    EXPECT_TRUE(w.entries.empty());
}

TEST(ZipWalker, AnotherMethodIsRefusedByNameAndTheWalkGoesOn) {
    HandmadeEntry e = entry("a.bin", "BZh91AY&SY...");
    e.method = 12;
    const Walked w = walk(handmade_zip({e, entry("b.json", one_node_spec("b"))}), false);
    EXPECT_FALSE(w.ok);
    EXPECT_EQ(w.codes, std::vector<std::string>{"FERRY-PKG-FORMAT-UNSUPPORTED"});
    EXPECT_EQ(w.first_summary,
              "entry 'a.bin' is compressed with method 12 (bzip2): ferry reads stored and deflated zip entries");
    ASSERT_EQ(w.entries.size(), 1u);  // its size is known: the entries after it are still read
    EXPECT_EQ(w.entries[0].first, "b.json");
}

TEST(ZipWalker, ABadCrcIsDamage) {
    HandmadeEntry e = entry("a.json", one_node_spec("a"));
    e.deflate = true;
    e.crc = 12345;
    const Walked w = walk_one(e);
    EXPECT_EQ(w.codes, std::vector<std::string>{"FERRY-PKG-CORRUPT"});
    EXPECT_EQ(w.first_summary, "the archive is damaged: entry 'a.json' fails its CRC-32 check");
}

TEST(ZipWalker, DataLongerThanItsDescriptorSaysIsDamage) {
    HandmadeEntry e = entry("a.json", one_node_spec("a"));
    e.sizes_after = true;
    std::string zip = handmade_zip({e});
    // The descriptor's uncompressed size (after its signature and CRC, then the compressed size).
    const std::size_t d = zip.find("PK\x07\x08");
    zip[d + 12] = static_cast<char>(zip[d + 12] + 1);
    const Walked w = walk(zip, false);
    EXPECT_EQ(w.codes, std::vector<std::string>{"FERRY-PKG-CORRUPT"});
    EXPECT_EQ(w.first_summary, "the archive is damaged: entry 'a.json' unpacks to " +
                                   std::to_string(e.content.size()) + " bytes, where the zip says " +
                                   std::to_string(e.content.size() + 1));
}

TEST(ZipWalker, ALinkByItsInfoZipModeIsRefused) {
    HandmadeEntry link = entry("wf/link.json", "../../etc/passwd");
    link.xl_mode = 0120777;
    const Walked w = walk(handmade_zip({link, entry("wf/b.json", one_node_spec("b"))}), false);
    EXPECT_EQ(w.codes, std::vector<std::string>{"FERRY-PKG-LINK"});
    EXPECT_EQ(w.first_summary, "symbolic link entries are refused");
    ASSERT_EQ(w.entries.size(), 1u);
    EXPECT_EQ(w.entries[0].first, "wf/b.json");
}

// libarchive refuses such a header (the package fuzz target found ferry's reader taking it).
TEST(ZipWalker, AnExtraFieldRunningPastItsEndIsDamage) {
    for (const std::string& extra : {std::string("UT\x64\x00x", 5), std::string("UT", 2)}) {
        HandmadeEntry e = entry("b.json", one_node_spec("b"));
        e.local_extra = extra;
        const std::string zip = handmade_zip({entry("a.json", one_node_spec("a")), e});
        const Walked w = walk(zip, false);
        EXPECT_EQ(w.codes, std::vector<std::string>{"FERRY-PKG-CORRUPT"});
        const std::size_t header = zip.find("PK\3\4", 4);
        EXPECT_EQ(w.first_summary, "the archive is damaged: the extra field of the local header at byte " +
                                       std::to_string(header) + " is damaged (a field runs past its end)");
        EXPECT_EQ(walk(zip, true).codes, w.codes);
    }
}

// Bytes between the last entry and the directory hide nothing the directory would not list, but
// the directory is not where the end record says: refused, with where.
TEST(ZipWalker, BytesBeforeTheCentralDirectoryAreDamage) {
    HandmadeEntry e = entry("a.json", one_node_spec("a"));
    e.after_data = "junk!";
    const std::string zip = handmade_zip({e});
    const std::size_t directory = zip.find("PK\1\2");
    const Walked w = walk(zip, false);
    EXPECT_FALSE(w.ok);
    EXPECT_EQ(w.codes, std::vector<std::string>{"FERRY-PKG-CORRUPT"});
    EXPECT_EQ(w.first_summary, "the archive is damaged: 5 bytes that are no zip record precede its central "
                               "directory at byte " + std::to_string(directory));
    EXPECT_FALSE(walk(zip, true).ok);
}

// The central directory is what other tools read: where it gives an entry another size, CRC-32 or
// method than the entry streamed, they would show other content than ferry imports. Both readers
// refuse it, naming the first difference.
TEST(ZipWalker, ADirectoryThatDescribesOtherContentIsAMismatch) {
    const std::string shown = "select 1;\n", hidden = "select 1;\ndrop table t;\n";
    struct Twist {
        std::function<void(HandmadeEntry&)> apply;
        std::string summary;
    };
    const std::vector<Twist> twists = {
        {[&](HandmadeEntry& e) {
             e.directory_size = static_cast<std::int64_t>(shown.size());
             e.directory_crc = static_cast<std::int64_t>(crc32_of(shown));
         },
         "the zip's central directory gives 'job.sql' (at byte 0) 10 bytes, where the archive holds 24"},
        {[&](HandmadeEntry& e) { e.directory_crc = 0x12345678; },
         "the zip's central directory gives 'job.sql' (at byte 0) a CRC-32 of 0x12345678, where the archive's "
         "data has 0x" + [&] {
             char buf[9];
             std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(crc32_of(hidden)));
             return std::string(buf);
         }()},
        {[&](HandmadeEntry& e) { e.directory_method = 8; },
         "the zip's central directory gives 'job.sql' (at byte 0) compression method 8, where its local header "
         "gives method 0"},
    };
    for (const bool after : {false, true})
        for (const auto& twist : twists) {
            HandmadeEntry e = entry("job.sql", hidden);
            e.sizes_after = after;
            twist.apply(e);
            const std::string zip = handmade_zip({e, entry("b.json", one_node_spec("b"))});
            const Walked own = walk(zip, false), theirs = walk(zip, true);
            EXPECT_FALSE(own.ok);
            EXPECT_EQ(own.codes, std::vector<std::string>{"FERRY-PKG-ZIP-MISMATCH"}) << own.first_summary;
            EXPECT_EQ(own.first_summary, twist.summary);
            EXPECT_EQ(theirs.codes, own.codes) << theirs.first_summary;
            EXPECT_EQ(theirs.first_summary, own.first_summary);
        }
}

// An entry not handed over (a folder) is not read, so only its name and method are compared.
TEST(ZipWalker, AFoldersDirectorySizeIsNotContent) {
    HandmadeEntry folder = entry("wf/", "");
    folder.directory_size = 0;
    const Walked w = walk(handmade_zip({folder, entry("wf/a.json", one_node_spec("a"))}), false);
    EXPECT_TRUE(w.ok) << w.first_summary;
}

// A NUL ends a name for every tool that reads it as a C string (libarchive read "wf/a.sql" here).
TEST(ZipWalker, ANameWithANulByteIsRefused) {
    const std::string name("wf/a.sql\0.json", 14);
    const std::string zip = handmade_zip({entry(name, one_node_spec("a"))});
    const Walked own = walk(zip, false);
    EXPECT_FALSE(own.ok);
    EXPECT_EQ(own.codes, std::vector<std::string>{"FERRY-PKG-UNSAFE-PATH"});
    EXPECT_EQ(own.first_summary, "entry path contains a control character: '" + name + "'");
    EXPECT_FALSE(walk(zip, true).ok);
}

// A stored entry whose sizes follow it is read in steps that each want a descriptor's worth of
// bytes at hand. Across the source's pieces those steps once moved 8 bytes each; they move a
// piece's worth now. Counted in reads the handler gets, not timed.
TEST(ZipWalker, AStoredEntryWithADescriptorIsReadInLargeSteps) {
    HandmadeEntry e = entry("big.bin", std::string(4u << 20, 'x'));
    e.sizes_after = true;
    StringStream source(handmade_zip({e}), 1u << 16);
    host::MeteredStream stream(source, 0, "p.zip");
    host::WalkStats stats;
    sdk::Diagnostics diags;
    std::size_t reads = 0, bytes = 0;
    const host::EntryHandler count = [&](const host::EntryInfo&, host::EntryReader& reader) {
        std::vector<char> buf(1u << 16);
        std::ptrdiff_t n = 0;
        while ((n = reader.read(buf.data(), buf.size())) > 0) {
            ++reads;
            bytes += static_cast<std::size_t>(n);
        }
        return n == 0;
    };
    ASSERT_TRUE(host::walk_package(stream, "p.zip", {}, count, stats, diags));
    EXPECT_EQ(bytes, 4u << 20);
    // 64 pieces of 64 KiB: a few reads a piece (before 2,000 a piece).
    EXPECT_LT(reads, 300u);
}

TEST(ZipWalker, CapsCountBytesAsInflated) {
    HandmadeEntry e = entry("zeros.bin", std::string(3u << 20, '\0'));
    e.deflate = true;
    e.sizes_after = true;
    host::PackageLimits limits;
    limits.max_entry_size = 1u << 20;
    const Walked w = walk(handmade_zip({e}), false, limits);
    EXPECT_EQ(w.codes, std::vector<std::string>{"FERRY-PKG-BOMB"});
    EXPECT_EQ(w.first_summary,
              "refused as a decompression bomb: the entry unpacks to more than 1048576 bytes (the per-entry cap)");
}

}  // namespace
}  // namespace ferry::test
