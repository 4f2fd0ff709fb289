// The `local` source on a folder (issue 12): the stream is a tar of the folder's regular files, the
// same bytes for the same files on any machine, refusing what a package cannot hold.
#include <malloc.h>
#include <openssl/evp.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <utime.h>

#include <cerrno>
#include <chrono>
#include <clocale>
#include <cstring>
#include <functional>

#include "folder_fixture.hpp"

namespace ferry::local::testing {
namespace {

std::string sha256_hex(const std::string& bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
    static const char* const hex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 15];
    }
    return out;
}

// Every diagnostic names the folder; expectations write it as {F}.
std::string with_folder(std::string text, const std::string& folder) {
    for (std::size_t at = text.find("{F}"); at != std::string::npos; at = text.find("{F}", at + folder.size()))
        text.replace(at, 3, folder);
    return text;
}

const std::string kLongPath = "DataStudio/业务流程/a_workflow_with_a_rather_long_name/MaxCompute/数据开发/"
                              "a_node_whose_name_alone_is_longer_than_what_fits/node.schedule.json";

// Files of a small package, in an order that is not theirs.
const std::vector<std::pair<std::string, std::string>> kFiles = {
    {"a.txt", "a"},
    {"SPEC.FORMAT", ""},
    {kLongPath, R"({"version": "1.1.0"})"},
    {"a/b.txt", "ab"},
    {"DataSource/mysql/orders_db.json", R"({"kind": "DataSource"})"},
    {"B.txt", "upper case sorts first"},
    {"bin.dat", std::string("\0\1\2\3\xff\0", 6)},
    {"a-b.txt", "dash"},
};

TEST(FolderSource, TheTarHoldsExactlyTheFilesInPathOrder) {
    Folder f;
    for (const auto& [path, content] : kFiles) f.write(path, content);
    f.mkdir("empty/folders/vanish");
    ::chmod(f.at("a.txt").c_str(), 0600);
    ::chmod(f.at("B.txt").c_str(), 0755);

    Opened o = open_path(f.path());
    ASSERT_NE(o.response.stream, nullptr) << o.open_diagnostics;
    EXPECT_EQ(o.open_diagnostics, "");
    EXPECT_EQ(o.response.location, f.path());
    EXPECT_EQ(o.response.size, -1);
    const Drained d = drain(*o.response.stream);
    ASSERT_TRUE(d.ok) << describe(d.diagnostics);

    // Byte order: upper case before lower, "DataSource" before "DataStudio", '-' and '.' before '/'.
    const std::vector<TarEntry> expected = {
        file_entry("B.txt", "upper case sorts first"),
        file_entry("DataSource/mysql/orders_db.json", R"({"kind": "DataSource"})"),
        file_entry(kLongPath, R"({"version": "1.1.0"})"),
        file_entry("SPEC.FORMAT", ""),
        file_entry("a-b.txt", "dash"),
        file_entry("a.txt", "a"),
        file_entry("a/b.txt", "ab"),
        file_entry("bin.dat", std::string("\0\1\2\3\xff\0", 6)),
    };
    EXPECT_EQ(tar_entries(d.bytes), expected);
    // Not padded to a 10 KB block: the archive ends with its two zero blocks.
    ASSERT_EQ(d.bytes.size() % 512, 0u);
    EXPECT_EQ(d.bytes.substr(d.bytes.size() - 1024), std::string(1024, '\0'));
    EXPECT_NE(d.bytes.substr(d.bytes.size() - 1536, 512), std::string(512, '\0'));
}

TEST(FolderSource, ATrailingSlashNamesTheSameFolder) {
    Folder f;
    f.write("SPEC.FORMAT", "");
    Opened o = open_path(f.path() + "//");
    ASSERT_NE(o.response.stream, nullptr) << o.open_diagnostics;
    EXPECT_EQ(o.response.location, f.path());
    EXPECT_EQ(drain(*o.response.stream).bytes, read_folder(f.path()).bytes);
}

TEST(FolderSource, TheSameFolderTwiceGivesTheSameBytesInAnyPullSize) {
    Folder f;
    for (const auto& [path, content] : kFiles) f.write(path, content);
    const Drained first = read_folder(f.path());
    ASSERT_TRUE(first.ok) << describe(first.diagnostics);
    for (std::size_t pull : {std::size_t{1}, std::size_t{7}, std::size_t{512}, std::size_t{1} << 20}) {
        const Drained again = read_folder(f.path(), pull);
        ASSERT_TRUE(again.ok) << describe(again.diagnostics);
        EXPECT_TRUE(again.bytes == first.bytes) << "pulls of " << pull << " bytes gave other bytes";
    }
}

TEST(FolderSource, OrderOfCreationTimesModesAndOwnersDoNotChangeTheBytes) {
    Folder a, b;
    for (const auto& [path, content] : kFiles) a.write(path, content);
    for (auto it = kFiles.rbegin(); it != kFiles.rend(); ++it) b.write(it->first, it->second);
    const struct utimbuf old_times{1000000000, 1000000000};
    for (const auto& [path, content] : kFiles) {
        ::utime(b.at(path).c_str(), &old_times);
        ::chmod(b.at(path).c_str(), 0755);
        if (::geteuid() == 0) {
            EXPECT_EQ(::chown(b.at(path).c_str(), 65534, 65534), 0);
        }
    }
    const Drained da = read_folder(a.path()), db = read_folder(b.path());
    ASSERT_TRUE(da.ok && db.ok) << describe(da.diagnostics) << describe(db.diagnostics);
    EXPECT_TRUE(da.bytes == db.bytes);
    // The host compares this hash with the one it recorded: it may change only with the tar layout
    // (a change here makes every folder package look changed once).
    EXPECT_EQ(sha256_hex(da.bytes), "56119265f58cddab92c803ddbe7dc851215340d105279484d2793670d4d539ac");
    // Names are written as bytes: the host's UTF-8 locale gives the same tar as the "C" locale.
    const std::string before = std::setlocale(LC_CTYPE, nullptr);
    ASSERT_NE(std::setlocale(LC_CTYPE, "C.UTF-8"), nullptr);
    const Drained in_utf8 = read_folder(a.path());
    std::setlocale(LC_CTYPE, before.c_str());
    EXPECT_TRUE(in_utf8.bytes == da.bytes);
}

TEST(FolderSource, VersionControlEntriesAndNothingElseAreLeftOut) {
    Folder f;
    f.write(".git/HEAD", "ref: refs/heads/main\n");
    f.write(".git/objects/ab/cdef", "blob");
    f.write("vendored/.git", "gitdir: ../.git/modules/vendored\n");  // a submodule's pointer file
    f.write("vendored/x.sql", "select 1;");
    f.write(".svn/entries", "12");
    f.write("deep/er/.hg/store/data", "x");
    f.write(".gitignore", "*.tmp\n");
    f.write(".github/workflows/ci.yml", "on: push\n");
    f.write("notes.tmp", "editor droppings are files like any other");
    f.write("SPEC.FORMAT", "");
    Opened o = open_path(f.path());
    ASSERT_NE(o.response.stream, nullptr) << o.open_diagnostics;
    const Drained d = drain(*o.response.stream);
    ASSERT_TRUE(d.ok) << describe(d.diagnostics);
    const std::vector<TarEntry> expected = {
        file_entry(".github/workflows/ci.yml", "on: push\n"),
        file_entry(".gitignore", "*.tmp\n"),
        file_entry("SPEC.FORMAT", ""),
        file_entry("notes.tmp", "editor droppings are files like any other"),
        file_entry("vendored/x.sql", "select 1;"),
    };
    EXPECT_EQ(tar_entries(d.bytes), expected);
}

void make_socket(const std::string& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    ASSERT_LT(path.size(), sizeof addr.sun_path);
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    ASSERT_EQ(::bind(fd, reinterpret_cast<struct sockaddr*>(&addr), sizeof addr), 0) << std::strerror(errno);
    ::close(fd);
}

struct RefusalCase {
    const char* name;
    std::function<void(const Folder&)> setup;
    const char* diagnostics;  // describe() of open()'s diagnostics, {F} for the folder
};

const char* const kLinkHint =
    "a package folder holds regular files only: replace the link with a copy of the file it points to, or move it "
    "out of the folder";
const char* const kSpecialHint = "a package folder holds regular files only: remove it or move it out of the folder";

class RefusedFolder : public ::testing::TestWithParam<RefusalCase> {};

TEST_P(RefusedFolder, OpenRefusesWithExactDiagnostics) {
    Folder f;
    f.write("SPEC.FORMAT", "");
    f.write("DataStudio/wf/real.sql", "select 1;");
    GetParam().setup(f);
    Opened o = open_path(f.path());
    EXPECT_EQ(o.response.stream, nullptr);
    EXPECT_EQ(o.response.location, f.path());
    EXPECT_EQ(o.open_diagnostics, with_folder(GetParam().diagnostics, f.path()));
}

const std::string kLinkLine = std::string(" is a symbolic link | ") + kLinkHint;
const std::string kSpecialTail = std::string(", not a regular file | ") + kSpecialHint;
const std::string kLinkToFile = "error FERRY-SRC-LOCAL-LINK: DataStudio/wf/link.sql in the package folder {F}" +
                                kLinkLine + " @ DataStudio/wf/link.sql\n";
const std::string kLinkToFolder = "error FERRY-SRC-LOCAL-LINK: shared in the package folder {F}" + kLinkLine +
                                  " @ shared\n";
const std::string kDangling = "error FERRY-SRC-LOCAL-LINK: gone.sql in the package folder {F}" + kLinkLine +
                              " @ gone.sql\n";
const std::string kFifo = "error FERRY-SRC-LOCAL-SPECIAL-FILE: DataStudio/pipe in the package folder {F} is a fifo "
                          "(named pipe)" +
                          kSpecialTail + " @ DataStudio/pipe\n";
const std::string kSocket = "error FERRY-SRC-LOCAL-SPECIAL-FILE: agent.sock in the package folder {F} is a socket" +
                            kSpecialTail + " @ agent.sock\n";
const std::string kDevice = "error FERRY-SRC-LOCAL-SPECIAL-FILE: null in the package folder {F} is a character "
                            "device" +
                            kSpecialTail + " @ null\n";
const std::string kTwo = "error FERRY-SRC-LOCAL-LINK: a.lnk in the package folder {F}" + kLinkLine + " @ a.lnk\n" +
                         "error FERRY-SRC-LOCAL-SPECIAL-FILE: z/pipe in the package folder {F} is a fifo (named pipe)" +
                         kSpecialTail + " @ z/pipe\n";
const std::string kEmpty =
    "error FERRY-SRC-LOCAL-EMPTY-FOLDER: the package folder {F} holds no files | give the folder a package's files "
    "(SPEC.FORMAT, DataStudio/...), or give the path of a package file @ {F}\n";
const std::string kOnlyVersionControl =
    "error FERRY-SRC-LOCAL-EMPTY-FOLDER: the package folder {F} holds no files (version-control entries .git, .svn "
    "and .hg are not read) | give the folder a package's files (SPEC.FORMAT, DataStudio/...), or give the path of a "
    "package file @ {F}\n";

void clear(const Folder& f) {
    fs::remove(f.at("SPEC.FORMAT"));
    fs::remove_all(f.at("DataStudio"));
}

INSTANTIATE_TEST_SUITE_P(
    Folder, RefusedFolder,
    ::testing::Values(
        RefusalCase{"LinkToAFileInside",
                    [](const Folder& f) { fs::create_symlink("real.sql", f.at("DataStudio/wf/link.sql")); },
                    kLinkToFile.c_str()},
        RefusalCase{"LinkToAFolderOutside", [](const Folder& f) { fs::create_directory_symlink("/etc", f.at("shared")); },
                    kLinkToFolder.c_str()},
        RefusalCase{"DanglingLink", [](const Folder& f) { fs::create_symlink("nowhere.sql", f.at("gone.sql")); },
                    kDangling.c_str()},
        RefusalCase{"Fifo", [](const Folder& f) { ASSERT_EQ(::mkfifo(f.at("DataStudio/pipe").c_str(), 0644), 0); },
                    kFifo.c_str()},
        RefusalCase{"Socket", [](const Folder& f) { make_socket(f.at("agent.sock")); }, kSocket.c_str()},
        RefusalCase{"EveryProblemInPathOrder",
                    [](const Folder& f) {
                        f.mkdir("z");
                        ASSERT_EQ(::mkfifo(f.at("z/pipe").c_str(), 0644), 0);
                        fs::create_symlink("SPEC.FORMAT", f.at("a.lnk"));
                    },
                    kTwo.c_str()},
        RefusalCase{"NoFiles", clear, kEmpty.c_str()},
        RefusalCase{"OnlyEmptyFolders",
                    [](const Folder& f) {
                        clear(f);
                        f.mkdir("DataStudio/empty");
                    },
                    kEmpty.c_str()},
        RefusalCase{"OnlyVersionControl",
                    [](const Folder& f) {
                        clear(f);
                        f.write(".git/HEAD", "ref: refs/heads/main\n");
                    },
                    kOnlyVersionControl.c_str()}),
    [](const ::testing::TestParamInfo<RefusalCase>& info) { return std::string(info.param.name); });

TEST(FolderSource, ADeviceIsRefused) {
    if (::geteuid() != 0) GTEST_SKIP() << "only root can create a device file";
    Folder f;
    f.write("SPEC.FORMAT", "");
    ASSERT_EQ(::mknod(f.at("null").c_str(), S_IFCHR | 0644, ::makedev(1, 3)), 0) << std::strerror(errno);
    Opened o = open_path(f.path());
    EXPECT_EQ(o.response.stream, nullptr);
    EXPECT_EQ(o.open_diagnostics, with_folder(kDevice, f.path()));
}

// What an unprivileged process sees: open()'s diagnostics, then the stream's.
std::string open_and_read_unprivileged(const std::string& folder) {
    return as_unprivileged([&] {
        Opened o = open_path(folder);
        std::string out = "open: " + o.open_diagnostics;
        if (o.response.stream) {
            const Drained d = drain(*o.response.stream);
            out += "read: " + describe(d.diagnostics) + (d.ok ? "ok\n" : "failed\n");
        }
        return out;
    });
}

struct UnreadableCase {
    const char* name;
    const char* path;  // made unreadable (mode 000); "" for the folder itself
    const char* outcome;
};

class UnreadableFolder : public ::testing::TestWithParam<UnreadableCase> {};

TEST_P(UnreadableFolder, NamesWhatCannotBeRead) {
    Folder f;
    f.write("SPEC.FORMAT", "");
    f.write("DataStudio/wf/secret.sql", "select 1;");
    f.mkdir("DataStudio/locked");
    f.write("DataStudio/locked/inside.sql", "select 2;");
    f.write("DataStudio/wf/zz_after.sql", "select 3;");
    if (std::string(GetParam().path) != "DataStudio/locked") fs::remove_all(f.at("DataStudio/locked"));
    ASSERT_EQ(::chmod((std::string(GetParam().path).empty() ? f.path() : f.at(GetParam().path)).c_str(), 0), 0);
    EXPECT_EQ(open_and_read_unprivileged(f.path()), with_folder(GetParam().outcome, f.path()));
}

INSTANTIATE_TEST_SUITE_P(
    Folder, UnreadableFolder,
    ::testing::Values(
        // Found when the stream reaches it: opening every file up front would read the folder twice.
        UnreadableCase{"File", "DataStudio/wf/secret.sql",
                       "open: read: error FERRY-SRC-LOCAL-READ: cannot read DataStudio/wf/secret.sql in the package "
                       "folder {F}: Permission denied | check the file's permissions @ DataStudio/wf/secret.sql\n"
                       "failed\n"},
        UnreadableCase{"Subfolder", "DataStudio/locked",
                       "open: error FERRY-SRC-LOCAL-READ: cannot list DataStudio/locked in the package folder {F}: "
                       "Permission denied | check the folder's permissions @ DataStudio/locked\n"},
        UnreadableCase{"TheFolderItself", "",
                       "open: error FERRY-SRC-LOCAL-READ: cannot list the package folder {F}: Permission denied | "
                       "check the folder's permissions @ {F}\n"}),
    [](const ::testing::TestParamInfo<UnreadableCase>& info) { return std::string(info.param.name); });

TEST(FolderSource, TheCapRefusesBeforeReadingAByte) {
    Folder f;
    f.write("SPEC.FORMAT", std::string(1000, 'x'));
    f.write("DataStudio/a.sql", std::string(2000, 'y'));
    Opened over = open_path(f.path(), 2999);
    EXPECT_EQ(over.response.stream, nullptr);
    EXPECT_EQ(over.open_diagnostics,
              "error FERRY-SRC-TOO-LARGE: the package folder's files are 3000 bytes, over the size limit of 2999 "
              "bytes | raise the limit with --max-size or max_size in [source] (e.g. 2GB) @ " +
                  f.path() + "\n");
    // At the cap the folder opens: its tar is larger still, and the host's metering refuses it as
    // the bytes pass (as it does for any source).
    Opened at = open_path(f.path(), 3000);
    EXPECT_NE(at.response.stream, nullptr) << at.open_diagnostics;
}

TEST(FolderSource, AFileIsReadAsBefore) {
    Folder f;
    const std::string bytes = source::testing::generated_bytes(100000);
    f.write("pkg.zip", bytes);
    Opened o = open_path(f.at("pkg.zip"));
    ASSERT_NE(o.response.stream, nullptr) << o.open_diagnostics;
    EXPECT_EQ(o.response.location, f.at("pkg.zip"));
    EXPECT_EQ(o.response.size, 100000);
    const Drained d = drain(*o.response.stream, 4096);
    EXPECT_TRUE(d.ok);
    EXPECT_TRUE(d.bytes == bytes);
}

TEST(FolderSource, AStreamGivenUpMidFileEndsAtOnce) {
    // The host stops reading when a package fails its checks. The tar writer must not then pad the
    // open entry to its size (4 GB of zeros here, a sparse file) on its way out.
    Folder f;
    f.write("huge.bin", "");
    fs::resize_file(f.at("huge.bin"), std::uintmax_t{4} << 30);
    Opened o = open_path(f.path());
    ASSERT_NE(o.response.stream, nullptr) << o.open_diagnostics;
    sdk::Diagnostics diags;
    char first[512];
    ASSERT_EQ(o.response.stream->read(first, sizeof first, diags), 512);
    const auto start = std::chrono::steady_clock::now();
    o.response.stream.reset();
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

// The byte at `i` of a test file made from `seed`.
char pattern_byte(std::uint64_t i, unsigned seed) { return static_cast<char>((i * 131 + 7 + seed) % 251); }

// Bytes malloc has handed out, in its arenas and as separate mappings (large blocks).
std::size_t heap_in_use() {
    const struct mallinfo2 m = ::mallinfo2();
    return m.uordblks + m.hblkhd;
}

// libarchive's reader pulling from the source's stream in small reads, as the host does.
struct Pull {
    sdk::ByteStream* stream;
    sdk::Diagnostics* diags;
    std::size_t pull;
    std::string buffer;
    std::size_t heap_peak = 0;
    std::size_t heap_base = 0;
};

la_ssize_t pull_read(struct archive*, void* data, const void** out) {
    auto* p = static_cast<Pull*>(data);
    const std::ptrdiff_t n = p->stream->read(p->buffer.data(), p->pull, *p->diags);
    p->heap_peak = std::max(p->heap_peak, heap_in_use());
    *out = p->buffer.data();
    return n < 0 ? -1 : static_cast<la_ssize_t>(n);
}

TEST(FolderSource, LargeFilesStreamInSmallPullsWithFlatMemory) {
    Folder f;
    const std::vector<std::pair<std::string, std::uint64_t>> files = {{"DataStudio/big.bin", 5u << 20},
                                                                      {"DataStudio/bigger.bin", 7u << 20}};
    f.mkdir("DataStudio");
    for (unsigned seed = 0; seed < files.size(); ++seed) {
        std::ofstream out(f.at(files[seed].first), std::ios::binary);
        std::string block(1 << 16, '\0');
        for (std::uint64_t at = 0; at < files[seed].second; at += block.size()) {
            for (std::size_t i = 0; i < block.size(); ++i) block[i] = pattern_byte(at + i, seed);
            out.write(block.data(), static_cast<std::streamsize>(block.size()));
        }
    }
    Opened o = open_path(f.path());
    ASSERT_NE(o.response.stream, nullptr) << o.open_diagnostics;
    sdk::Diagnostics diags;
    Pull p{o.response.stream.get(), &diags, 4096, std::string(4096, '\0')};
    p.heap_base = heap_in_use();
    struct archive* a = archive_read_new();
    archive_read_support_format_tar(a);
    ASSERT_EQ(archive_read_open(a, &p, nullptr, pull_read, nullptr), ARCHIVE_OK) << archive_error_string(a);
    struct archive_entry* e = nullptr;
    std::size_t index = 0;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        ASSERT_LT(index, files.size());
        EXPECT_EQ(archive_entry_pathname(e), files[index].first);
        std::uint64_t at = 0, mismatches = 0;
        char buf[4096];
        la_ssize_t n = 0;
        while ((n = archive_read_data(a, buf, sizeof buf)) > 0)
            for (la_ssize_t i = 0; i < n; ++i, ++at) mismatches += buf[i] != pattern_byte(at, index);
        EXPECT_EQ(at, files[index].second);
        EXPECT_EQ(mismatches, 0u);
        ++index;
    }
    archive_read_free(a);
    EXPECT_EQ(index, files.size());
    EXPECT_TRUE(diags.empty()) << describe(diags);
    // 12 MB went through; what the stream and the reader hold at once is a read's worth and a
    // file chunk (64 KB), not the package.
    EXPECT_LT(p.heap_peak - p.heap_base, std::size_t{512} << 10);
}

}  // namespace
}  // namespace ferry::local::testing
