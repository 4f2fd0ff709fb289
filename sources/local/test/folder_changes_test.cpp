// Files that change while the `local` source streams their folder. A tar header states a file's
// size before its bytes follow: a file that then grows or shrinks fails the stream
// (FERRY-SRC-LOCAL-CHANGED) rather than giving a tar cut or padded to a size it no longer has. A
// file changed before the stream reaches it is read as it is then.
#include <fcntl.h>

#include <functional>
#include <optional>

#include "folder_fixture.hpp"

namespace ferry::local::testing {
namespace {

constexpr std::size_t kBig = 200000;  // a.bin: more than one 64 KB read of the stream
const std::string kChanged = " | read the folder again when nothing is writing to it @ ";

struct ChangeCase {
    const char* name;
    std::function<void(const Folder&)> change;  // run after the stream's first 512 bytes
    std::string diagnostics;                    // describe() of the stream's, {F} for the folder
    std::optional<std::string> b_content;       // when the stream succeeds: b.sql as the tar holds it
};

class ChangingFolder : public ::testing::TestWithParam<ChangeCase> {};

TEST_P(ChangingFolder, TheStreamIsWholeOrFails) {
    Folder f;
    const std::string big = source::testing::generated_bytes(kBig);
    f.write("a.bin", big);
    f.write("b.sql", "select 1;");
    Opened o = open_path(f.path());
    ASSERT_NE(o.response.stream, nullptr) << o.open_diagnostics;
    sdk::Diagnostics diags;
    std::string bytes(512, '\0');
    // By now a.bin's header is written and its first 64 KB read.
    ASSERT_EQ(o.response.stream->read(bytes.data(), bytes.size(), diags), 512);
    GetParam().change(f);
    Drained rest = drain(*o.response.stream);
    std::string expected = GetParam().diagnostics;
    for (std::size_t at = expected.find("{F}"); at != std::string::npos; at = expected.find("{F}"))
        expected.replace(at, 3, f.path());
    EXPECT_EQ(describe(rest.diagnostics), expected);
    if (!GetParam().b_content) {
        EXPECT_FALSE(rest.ok);
        // Once failed, always failed: no byte after the error reaches the host.
        char more[16];
        sdk::Diagnostics after;
        EXPECT_EQ(o.response.stream->read(more, sizeof more, after), -1);
        return;
    }
    ASSERT_TRUE(rest.ok);
    const auto entries = tar_entries(bytes + rest.bytes);
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[1], file_entry("b.sql", *GetParam().b_content));
}

void replace_with_link(const Folder& f) {
    fs::remove(f.at("b.sql"));
    fs::create_symlink("a.bin", f.at("b.sql"));
}

void replace_with_fifo(const Folder& f) {
    fs::remove(f.at("b.sql"));
    ASSERT_EQ(::mkfifo(f.at("b.sql").c_str(), 0644), 0);
}

INSTANTIATE_TEST_SUITE_P(
    Folder, ChangingFolder,
    ::testing::Values(
        ChangeCase{"FileBeingReadGrows",
                   [](const Folder& f) { std::ofstream(f.at("a.bin"), std::ios::app) << "0123456789"; },
                   "error FERRY-SRC-LOCAL-CHANGED: a.bin in the package folder {F} changed while it was read: it grew "
                   "past the 200000 bytes it had when opened" +
                       kChanged + "a.bin\n",
                   std::nullopt},
        ChangeCase{"FileBeingReadShrinks", [](const Folder& f) { fs::resize_file(f.at("a.bin"), 100); },
                   "error FERRY-SRC-LOCAL-CHANGED: a.bin in the package folder {F} changed while it was read: it had "
                   "200000 bytes when opened and ended after 65536" +
                       kChanged + "a.bin\n",
                   std::nullopt},
        ChangeCase{"FileNotYetReadIsRemoved", [](const Folder& f) { fs::remove(f.at("b.sql")); },
                   "error FERRY-SRC-LOCAL-CHANGED: b.sql in the package folder {F} was removed while the folder was "
                   "read" +
                       kChanged + "b.sql\n",
                   std::nullopt},
        ChangeCase{"FileNotYetReadBecomesALink", replace_with_link,
                   "error FERRY-SRC-LOCAL-LINK: b.sql in the package folder {F} is a symbolic link | a package folder "
                   "holds regular files only: replace the link with a copy of the file it points to, or move it out "
                   "of the folder @ b.sql\n",
                   std::nullopt},
        ChangeCase{"FileNotYetReadBecomesAFifo", replace_with_fifo,
                   "error FERRY-SRC-LOCAL-SPECIAL-FILE: b.sql in the package folder {F} is a fifo (named pipe), not a "
                   "regular file | a package folder holds regular files only: remove it or move it out of the folder "
                   "@ b.sql\n",
                   std::nullopt},
        // Its header is written when the stream reaches it, with the size it has then.
        ChangeCase{"FileNotYetReadChangesSize",
                   [](const Folder& f) { f.write("b.sql", "select 1 from a_longer_query;"); }, "",
                   std::string("select 1 from a_longer_query;")},
        ChangeCase{"FileNotYetReadIsRewritten", [](const Folder& f) { f.write("b.sql", "select 2;"); }, "",
                   std::string("select 2;")}),
    [](const ::testing::TestParamInfo<ChangeCase>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace ferry::local::testing
