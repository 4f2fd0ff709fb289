// The journal's `changes` text (util/json_diff.hpp): written out by hand for speed, it must be
// exactly what nlohmann would dump for the same array of objects (keys sorted, invalid UTF-8
// replaced), and read back to the same changes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/json_diff.hpp"

namespace ferry::test {
namespace {

using nlohmann::json;

TEST(ChangesText, IsWhatNlohmannWouldDumpAndReadsBack) {
    const std::vector<host::FieldChange> changes = {
        {"/spec/nodes/0/datasource/name", "\"odps_first\"", "\"rehearsal\""},
        {"content", "", "select 1;\n-- \"quoted\" \\ back\tslash"},
        {"/spec/nodes/0/name", "\"名字 😀\"", ""},
        {"/bad", std::string("\xff\xfe broken \xc3", 12), "\x01\x1f control"},
        {"/spec/k~1ey", "{}", "[1,2]"},
    };
    json expected = json::array();
    for (const auto& c : changes) expected.push_back({{"path", c.path}, {"before", c.before}, {"after", c.after}});
    const std::string text = host::changes_text(changes);
    EXPECT_EQ(text, expected.dump(-1, ' ', false, json::error_handler_t::replace));

    const auto back = host::changes_from_text(text);
    ASSERT_EQ(back.size(), changes.size());
    for (std::size_t i = 0; i < changes.size(); ++i) {
        EXPECT_EQ(back[i].path, changes[i].path);
        if (i != 3) {  // the invalid bytes come back as U+FFFD
            EXPECT_EQ(back[i].before, changes[i].before);
            EXPECT_EQ(back[i].after, changes[i].after);
        }
    }
    EXPECT_EQ(host::changes_text({}), "");
}

}  // namespace
}  // namespace ferry::test
