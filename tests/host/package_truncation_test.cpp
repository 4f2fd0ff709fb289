// Issue 11 §2: a package that ends early never passes, and a zip whose central directory lists
// other entries than it holds is refused. Packages are built here by code, then cut or altered;
// every case asserts its code and the exact message.
#include <filesystem>
#include <functional>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ferry/catalog/catalog.hpp"
#include "package/archive_walker.hpp"
#include "package/metered_stream.hpp"
#include "package_builder.hpp"
#include "string_stream.hpp"
#include "test_env.hpp"

namespace ferry::test {
namespace {

using nlohmann::json;

// Incompressible, so a cut lands where its offset says (behind a decompressor too), and the
// package spans several of the read-ahead's 256 KiB chunks.
std::string noise(std::size_t n) {
    std::string s(n, '\0');
    std::uint32_t x = 2463534242u;
    for (auto& c : s) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        c = static_cast<char>(x);
    }
    return s;
}

// Four entries; the third is large.
const std::vector<Entry>& sample() {
    static const std::vector<Entry> entries{{"wf/a.json", one_node_spec("a")},
                                            {"wf/b.json", one_node_spec("b")},
                                            {"res/big.bin", noise(600000)},
                                            {"wf/c.json", one_node_spec("c")}};
    return entries;
}

HandmadeEntry handmade(std::string raw_name, std::string content, std::string unicode_name = {}) {
    HandmadeEntry e;
    e.raw_name = std::move(raw_name);
    e.content = std::move(content);
    e.unicode_name = std::move(unicode_name);
    return e;
}

std::string build(Format format, const std::vector<Entry>& entries, const std::string& options = "") {
    const std::string file = scratch_dir() + "/whole" + extension_of(format);
    write_package(file, format, entries, options);
    return read_file(file);
}

struct Outcome {
    std::string code;  // the first error's, empty when the package passed
    std::string summary;
    std::string detail;
    std::string where;
};

Outcome check_bytes(const std::string& bytes, const std::string& name) {
    const std::string file = scratch_dir() + "/" + name;
    write_file(file, bytes);
    const auto r = check_file(file);
    for (const auto& d : r.diags.items())
        if (d.severity == sdk::Severity::error) return {d.code, d.summary, d.detail, d.where};
    return {};
}

std::string cut_short(std::uint64_t bytes, std::uint64_t entries, const std::string& expected) {
    return "the package is cut short after " + std::to_string(bytes) + " bytes and " + std::to_string(entries) +
           (entries == 1 ? " entry: " : " entries: ") + expected;
}

std::string directory_cut(std::uint64_t listed) {
    return "the rest of the zip's central directory and its end record were expected (the directory lists " +
           std::to_string(listed) + (listed == 1 ? " entry" : " entries") + " before the cut)";
}

const std::string kNextZipEntry = "the next entry or the zip's central directory was expected";
const std::string kZipEnd = "the rest of the zip's end-of-central-directory record was expected";
const std::string kTarEnd = "the tar's end-of-archive blocks were expected";

struct Cut {
    std::string name;
    std::size_t at;  // bytes kept
    std::uint64_t entries;
    std::string expected;
};

void expect_truncated(const std::string& whole, const std::vector<Cut>& cuts, const std::string& file) {
    for (const auto& c : cuts) {
        SCOPED_TRACE(c.name + " (" + std::to_string(c.at) + " bytes)");
        const Outcome r = check_bytes(whole.substr(0, c.at), file);
        EXPECT_EQ(r.code, "FERRY-PKG-TRUNCATED");
        EXPECT_EQ(r.summary, cut_short(c.at, c.entries, c.expected));
        EXPECT_EQ(r.detail, "download or copy the package again");
        EXPECT_EQ(r.where, file);
    }
}

// --- whole packages pass -----------------------------------------------------------------------

struct WholeCase {
    std::string name;
    std::function<std::string()> bytes;
    std::string file;
};

std::vector<WholeCase> whole_cases() {
    std::vector<WholeCase> out;
    for (Format f : {Format::zip, Format::tar, Format::tar_gz, Format::tar_xz, Format::tar_zst, Format::tar_bz2}) {
        std::string name = extension_of(f).substr(1);
        for (auto& c : name)
            if (c == '.') c = '_';
        out.push_back({name, [f] { return build(f, sample()); }, "whole" + extension_of(f)});
    }
    out.push_back({"zip64_forced", [] { return build(Format::zip, sample(), "zip:zip64"); }, "whole.zip"});
    out.push_back({"zip_with_a_comment",
                   [] {
                       // The end record's comment is the one thing that may follow it.
                       std::string zip = build(Format::zip, sample());
                       const std::string comment = "exported by DataWorks";
                       zip[zip.size() - 2] = static_cast<char>(comment.size());
                       return zip + comment;
                   },
                   "whole.zip"});
    out.push_back({"zip_unicode_path",
                   [] {
                       // A raw CP437 name, and its UTF-8 spelling in 0x7075 fields, as Info-ZIP writes them.
                       return handmade_zip({handmade("\x81" "berblick.json", one_node_spec("u"), "überblick.json"),
                                            handmade("b.json", one_node_spec("b"))});
                   },
                   "handmade.zip"});
    out.push_back({"zip64_local_offset_in_directory",
                   [] {
                       HandmadeEntry second = handmade("b.json", one_node_spec("b"));
                       second.zip64_offset = true;
                       return handmade_zip({handmade("a.json", one_node_spec("a")), second});
                   },
                   "handmade.zip"});
    return out;
}

void PrintTo(const WholeCase& c, std::ostream* os) { *os << c.name; }

class WholePackage : public ::testing::TestWithParam<WholeCase> {};

TEST_P(WholePackage, Passes) {
    const Outcome r = check_bytes(GetParam().bytes(), GetParam().file);
    EXPECT_EQ(r.code, "") << r.summary;
}

INSTANTIATE_TEST_SUITE_P(Truncation, WholePackage, ::testing::ValuesIn(whole_cases()),
                         [](const auto& info) { return info.param.name; });

TEST(Truncation, UnicodePathNamesTheEntry) {
    const std::string file = scratch_dir() + "/handmade.zip";
    write_file(file, handmade_zip({handmade("\x81" "berblick.json", one_node_spec("u"), "überblick.json")}));
    const auto r = check_file(file);
    ASSERT_FALSE(r.diags.has_errors()) << codes_of(r.diags);
    ASSERT_EQ(r.model.nodes.size(), 1u);
    EXPECT_EQ(r.model.nodes[0].source_path, "überblick.json");
}

// --- zips cut short ----------------------------------------------------------------------------

TEST(Truncation, ZipCutAnywhere) {
    const std::string zip = build(Format::zip, sample());
    const ZipLayout layout = zip_layout(zip);
    ASSERT_EQ(layout.directory.size(), 4u);
    std::vector<Cut> cuts;
    for (std::size_t i = 1; i < layout.directory.size(); ++i)
        cuts.push_back({"before entry " + std::to_string(i), layout.directory[i].local_offset(), i, kNextZipEntry});
    cuts.push_back({"before the central directory", layout.directory_offset, 4, kNextZipEntry});
    cuts.push_back({"inside a local header", layout.directory[1].local_offset() + 10u, 1, kNextZipEntry});
    cuts.push_back({"inside an entry's data", layout.directory[2].local_offset() + 1000u, 3,
                    "the rest of entry 'res/big.bin' was expected"});
    cuts.push_back({"inside the central directory", layout.directory_offset + 10, 4, directory_cut(0)});
    cuts.push_back({"between central-directory entries", layout.directory_offset + layout.directory[0].bytes.size(), 4,
                    directory_cut(1)});
    cuts.push_back({"without its end record", layout.end_records_offset, 4, directory_cut(4)});
    cuts.push_back({"inside its end record", layout.end_records_offset + 10, 4, kZipEnd});
    expect_truncated(zip, cuts, "cut.zip");
}

TEST(Truncation, Zip64CutInItsEndRecords) {
    const std::string zip = build(Format::zip, sample(), "zip:zip64");
    const ZipLayout layout = zip_layout(zip);
    ASSERT_TRUE(layout.zip64);
    expect_truncated(zip,
                     {{"inside the zip64 end record", layout.end_records_offset + 30, 4, kZipEnd},
                      {"inside the zip64 locator", layout.end_records_offset + 56 + 10, 4, kZipEnd},
                      {"without the end record", zip.size() - 22, 4, kZipEnd},
                      {"without its zip64 end record", layout.end_records_offset, 4, directory_cut(4)}},
                     "cut.zip");
}

// More entries than a 16-bit count holds: zip64 end records, and a directory far longer than the
// read-ahead's chunks, read as it streams.
TEST(Truncation, ManyEntriesZip64IsWholeAndCutsAreSeen) {
    std::vector<Entry> entries{{"wf/a.json", one_node_spec("a")}};
    for (int i = 0; i < 70000; ++i) entries.push_back({"files/f" + std::to_string(i) + ".txt", "x"});
    const std::string zip = build(Format::zip, entries);
    const ZipLayout layout = zip_layout(zip);
    ASSERT_TRUE(layout.zip64);
    ASSERT_EQ(layout.directory.size(), 70001u);
    EXPECT_EQ(check_bytes(zip, "many.zip").code, "");
    std::size_t after_40000 = layout.directory_offset;
    for (std::size_t i = 0; i < 40000; ++i) after_40000 += layout.directory[i].bytes.size();
    expect_truncated(zip,
                     {{"in the middle of the directory", after_40000 + 5, 70001, directory_cut(40000)},
                      {"inside the zip64 end record", layout.end_records_offset + 30, 70001, kZipEnd}},
                     "many-cut.zip");
}

// --- zips whose directory lists other entries ---------------------------------------------------

struct Altered {
    std::string name;
    std::string bytes;
    std::string code;
    std::string summary;
};

std::vector<Altered> altered_zips() {
    const std::string zip = build(Format::zip, sample());
    const ZipLayout layout = zip_layout(zip);
    const auto& records = layout.directory;
    const auto at = [&](std::size_t i) { return std::to_string(records[i].local_offset()); };
    const auto with = [&](const std::function<void(std::vector<ZipDirectoryRecord>&)>& edit) {
        auto edited = records;
        edit(edited);
        return with_zip_directory(zip, edited);
    };
    // Patches the end record of `z` (which has no comment): `field` bytes from its start.
    const auto end_field = [](std::string z, std::size_t field, std::uint32_t value, int size) {
        for (int i = 0; i < size; ++i, value >>= 8)
            z[z.size() - 22 + field + static_cast<std::size_t>(i)] = static_cast<char>(value & 0xff);
        return z;
    };
    const std::string rebuilt = with([](auto&) {});
    const std::string mismatch = "FERRY-PKG-ZIP-MISMATCH";
    return {
        {"one_entry_fewer", with([](auto& r) { r.pop_back(); }), mismatch,
         "the zip's central directory does not list 'wf/c.json' (at byte " + at(3) + "), which the archive holds"},
        {"one_entry_more",
         with([&](auto& r) {
             ZipDirectoryRecord ghost = r[0];
             ghost.rename("wf/ghost.json");
             ghost.set_local_offset(records[3].local_offset() + 7);
             r.push_back(ghost);
         }),
         mismatch,
         "the zip's central directory lists 'wf/ghost.json' at byte " +
             std::to_string(records[3].local_offset() + 7) + ", where the archive holds no entry"},
        {"entry_renamed", with([](auto& r) { r[1].rename("wf/x.json"); }), mismatch,
         "the zip's central directory lists 'wf/x.json' at byte " + at(1) + ", where the archive holds 'wf/b.json'"},
        {"entry_listed_twice", with([](auto& r) { r[2] = r[1]; }), mismatch,
         "the zip's central directory lists the entry at byte " + at(1) + " twice"},
        {"count_off", end_field(rebuilt, 10, 5, 2), mismatch,
         "the zip's end-of-central-directory record counts 5 entries, but its central directory lists 4"},
        {"directory_offset_off", end_field(rebuilt, 16, static_cast<std::uint32_t>(layout.directory_offset - 1), 4),
         mismatch,
         "the zip's end-of-central-directory record places the central directory at byte " +
             std::to_string(layout.directory_offset - 1) + ", but it starts at byte " +
             std::to_string(layout.directory_offset)},
        {"directory_size_off",
         end_field(rebuilt, 12, static_cast<std::uint32_t>(layout.end_records_offset - layout.directory_offset + 1), 4),
         mismatch,
         "the zip's end-of-central-directory record gives the central directory " +
             std::to_string(layout.end_records_offset - layout.directory_offset + 1) + " bytes, but it has " +
             std::to_string(layout.end_records_offset - layout.directory_offset)},
        {"unicode_path_names_another_entry",
         [] {
             HandmadeEntry e = handmade("\x81" "berblick.json", one_node_spec("u"), "überblick.json");
             e.directory_unicode_name = "other.json";
             return handmade_zip({e});
         }(),
         mismatch, "the zip's central directory lists 'other.json' at byte 0, where the archive holds 'überblick.json'"},
        {"zip64_offset_elsewhere",
         [] {
             HandmadeEntry second = handmade("b.json", one_node_spec("b"));
             second.zip64_offset = true;
             second.directory_offset_shift = 1;
             return handmade_zip({handmade("a.json", one_node_spec("a")), second});
         }(),
         mismatch,  // b.json's local header follows a.json's: 30 bytes, its name, its content
         "the zip's central directory lists 'b.json' at byte " +
             std::to_string(30 + 6 + one_node_spec("a").size() + 1) + ", where the archive holds no entry"},
        {"bytes_after_the_end_record", zip + "garbage!", "FERRY-PKG-TRAILING-DATA",
         "8 bytes follow the end of the zip (its end-of-central-directory record ends at byte " +
             std::to_string(zip.size()) + ")"},
        {"bytes_after_the_comment", end_field(zip, 20, 7, 2) + "comment" + "garbage!", "FERRY-PKG-TRAILING-DATA",
         "8 bytes follow the end of the zip (its end-of-central-directory record ends at byte " +
             std::to_string(zip.size() + 7) + ")"},
    };
}

TEST(Truncation, AlteredZipsAreRefused) {
    for (const auto& c : altered_zips()) {
        SCOPED_TRACE(c.name);
        const Outcome r = check_bytes(c.bytes, "altered.zip");
        EXPECT_EQ(r.code, c.code);
        EXPECT_EQ(r.summary, c.summary);
        EXPECT_EQ(r.where, "altered.zip");
        EXPECT_FALSE(r.detail.empty());
    }
}

TEST(Truncation, AZipInsideGzipIsNotRead) {
    const Outcome r = check_bytes(gzip_of(build(Format::zip, sample())), "pkg.zip.gz");
    EXPECT_EQ(r.code, "FERRY-PKG-FORMAT-UNSUPPORTED");
    EXPECT_EQ(r.summary, "a zip inside a gzip stream is not read: ferry cannot check that it is whole");
    EXPECT_EQ(r.detail, "give ferry the zip itself");
}

// --- tars cut short ----------------------------------------------------------------------------

TEST(Truncation, TarCutAnywhere) {
    const std::string tar = build(Format::tar, sample());
    // ustar: a 512-byte header, then the data padded to 512 bytes.
    std::vector<std::size_t> starts;
    std::size_t at = 0;
    for (const auto& e : sample()) {
        starts.push_back(at);
        at += 512 + (e.content.size() + 511) / 512 * 512;
    }
    std::vector<Cut> cuts;
    for (std::size_t i = 1; i < starts.size(); ++i)
        cuts.push_back({"before entry " + std::to_string(i), starts[i], i, kTarEnd});
    cuts.push_back({"before the end blocks", at, 4, kTarEnd});
    cuts.push_back({"inside a header", starts[1] + 100, 1,
                    "the next entry or the tar's end-of-archive blocks were expected"});
    cuts.push_back({"inside an entry's data", starts[2] + 512 + 1000, 3, "the rest of entry 'res/big.bin' was expected"});
    expect_truncated(tar, cuts, "cut.tar");
}

// A whole gzip stream around a tar that was cut before compressing: the tar's end is checked
// inside the decompressed stream.
TEST(Truncation, AGzippedTarWithoutEndBlocks) {
    const std::string tar = build(Format::tar, sample());
    const std::size_t first_entry = 512 + (sample()[0].content.size() + 511) / 512 * 512;
    const std::string gz = gzip_of(tar.substr(0, first_entry));
    const Outcome r = check_bytes(gz, "cut.tar.gz");
    EXPECT_EQ(r.code, "FERRY-PKG-TRUNCATED");
    EXPECT_EQ(r.summary, cut_short(gz.size(), 1, kTarEnd));
}

// Behind a decompressor the cut is in the compressed stream: the decompressor says its input ran
// out, on opening (looking for the archive inside) or while an entry is read.
struct CompressedCut {
    std::string name;
    Format format;
    double at;  // share of the package kept
    std::uint64_t entries;
    std::string expected;
};

void PrintTo(const CompressedCut& c, std::ostream* os) { *os << c.name; }

class CompressedTarCut : public ::testing::TestWithParam<CompressedCut> {};

TEST_P(CompressedTarCut, IsTruncated) {
    const CompressedCut& c = GetParam();
    const std::string whole = build(c.format, sample());
    const std::size_t at = c.at < 1 ? static_cast<std::size_t>(whole.size() * c.at) : whole.size() - 1;
    expect_truncated(whole, {{c.name, at, c.entries, c.expected}}, "cut" + extension_of(c.format));
}

const std::string kInBig = " (it breaks off in entry 'res/big.bin')";

INSTANTIATE_TEST_SUITE_P(
    Truncation, CompressedTarCut,
    ::testing::Values(
        CompressedCut{"tar_gz_half", Format::tar_gz, 0.5, 3, "the rest of the gzip stream was expected" + kInBig},
        CompressedCut{"tar_gz_last_byte", Format::tar_gz, 1, 3, "the rest of the gzip stream was expected" + kInBig},
        CompressedCut{"tar_xz_half", Format::tar_xz, 0.5, 3, "the rest of the xz stream was expected" + kInBig},
        CompressedCut{"tar_xz_last_byte", Format::tar_xz, 1, 3, "the rest of the xz stream was expected" + kInBig},
        CompressedCut{"tar_zst_half", Format::tar_zst, 0.5, 3, "the rest of the zstd stream was expected" + kInBig},
        CompressedCut{"tar_zst_last_byte", Format::tar_zst, 1, 3, "the rest of the zstd stream was expected" + kInBig},
        CompressedCut{"tar_bz2_half", Format::tar_bz2, 0.5, 0, "the rest of the bzip2 stream was expected"},
        CompressedCut{"tar_bz2_last_byte", Format::tar_bz2, 1, 3, "the rest of the bzip2 stream was expected" + kInBig}),
    [](const auto& info) { return info.param.name; });

// --- what users see ----------------------------------------------------------------------------

TEST(Truncation, CheckJsonShowsTheCode) {
    const std::string tar = build(Format::tar, sample());
    const std::string file = scratch_dir() + "/cut.tar";
    write_file(file, tar.substr(0, 1024));  // the first entry, no end blocks
    const auto r = run_ferry("check --json " + file);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    const json doc = json::parse(r.out);
    EXPECT_FALSE(doc["ok"].get<bool>());
    ASSERT_EQ(doc["diagnostics"].size(), 1u) << r.out;
    const json& d = doc["diagnostics"][0];
    EXPECT_EQ(d["code"], "FERRY-PKG-TRUNCATED");
    EXPECT_EQ(d["severity"], "error");
    EXPECT_EQ(d["message"], cut_short(1024, 1, kTarEnd));
    EXPECT_EQ(d["detail"], "download or copy the package again");
}

// The package is read before anything is planned: an import of a cut package writes no object.
TEST(Truncation, AnImportOfACutPackageWritesNoObject) {
    const std::string dir = scratch_dir();
    struct Package {
        std::string name;
        Format format;
        std::function<std::size_t(const std::string&)> cut_at;
    };
    const std::vector<Package> packages{
        {"in_the_central_directory", Format::zip,
         [](const std::string& zip) { return zip_layout(zip).directory_offset + 10; }},
        // Before its last entry, the data source: read as it was, it imported the other 8 objects.
        {"before_its_last_entry", Format::tar,
         [](const std::string&) {
             const auto entries = spec_package_entries(samples_dir());
             std::size_t at = 0;
             for (std::size_t i = 0; i + 1 < entries.size(); ++i) at += 512 + (entries[i].content.size() + 511) / 512 * 512;
             return at;
         }},
    };
    for (const auto& p : packages) {
        SCOPED_TRACE(p.name);
        const std::string whole_file = dir + "/" + p.name + "-whole" + extension_of(p.format);
        write_package(whole_file, p.format, spec_package_entries(samples_dir()));
        const std::string whole = read_file(whole_file);
        const std::string package = p.name + extension_of(p.format);
        write_file(dir + "/" + package, whole.substr(0, p.cut_at(whole)));
        const std::string catalog = "sqlite:" + dir + "/" + p.name + ".db";
        write_file(dir + "/" + p.name + ".toml",
                   "[task]\nname = \"cut." + p.name + "\"\n[source]\nplugin = \"local\"\npath = \"" + package +
                       "\"\n[workspace]\nname = \"sales_prod\"\ncatalog = \"" + catalog +
                       "\"\nimporter = \"bob\"\n[[workspace.engines]]\nname = \"rehearsal\"\ntype = \"sqlite\"\n"
                       "path = \"rehearsal.db\"\n[mapping.engines]\nodps_first = { instance = \"rehearsal\", "
                       "cross_engine = true }\n");
        const auto r = run_ferry("import --yes " + dir + "/" + p.name + ".toml --catalog " + catalog);
        EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
        EXPECT_NE(r.err.find("error[FERRY-PKG-TRUNCATED] " + package + ": the package is cut short after "),
                  std::string::npos)
            << r.err;
        EXPECT_EQ(r.out.find("IMPORT_SUCCESS"), std::string::npos) << r.out;
        if (std::filesystem::exists(dir + "/" + p.name + ".db")) {
            sdk::Diagnostics d;
            auto c = catalog::Catalog::open(catalog, d);
            ASSERT_NE(c, nullptr) << codes_of(d);
            EXPECT_TRUE(c->list_objects("sales_prod", std::nullopt, d).empty());
        }
        EXPECT_FALSE(std::filesystem::exists(dir + "/rehearsal.db")) << "no engine was touched";
    }
}

// A handler may throw (a document merge that could not write its spool is rethrown there): the
// exception reaches the caller, and the walk leaves nothing behind (the sanitizer build's leak
// check fails this test if libarchive's reader is not freed).
TEST(Truncation, AHandlerThatThrowsStopsTheWalkAndLeaksNothing) {
    StringStream source(build(Format::zip, sample()));
    host::MeteredStream stream(source, 0, "whole.zip");
    host::WalkStats stats;
    sdk::Diagnostics diags;
    int seen = 0;
    const host::EntryHandler throws_at_second = [&](const host::EntryInfo& info, host::EntryReader&) -> bool {
        if (++seen == 2) throw std::runtime_error("spool full at " + info.path);
        return true;
    };
    try {
        host::walk_package(stream, "whole.zip", host::PackageLimits{}, throws_at_second, stats, diags);
        FAIL() << "the handler's exception was swallowed";
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "spool full at wf/b.json");
    }
    EXPECT_EQ(seen, 2);
    EXPECT_TRUE(diags.empty());
}

}  // namespace
}  // namespace ferry::test
