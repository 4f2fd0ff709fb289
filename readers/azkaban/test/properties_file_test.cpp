// Java properties as Azkaban reads .job and .properties files.
#include <gtest/gtest.h>

#include "properties_file.hpp"

namespace ferry::reader::azkaban {
namespace {

TEST(PropertiesFile, ReadsJavaPropertiesSyntax) {
    PropertiesError e;
    const auto p = parse_properties(
        "# a comment\n"
        "! another\n"
        "type=command\n"
        "command : echo hello\n"
        "command.1 echo \\\n"
        "    continued\n"
        "dependencies=a, b\n"
        "path=c:\\\\tmp\\tx\n"
        "name=\\u4e2d\\u6587\n"
        "key\\=with\\:colon=v\n"
        "empty=\n"
        "type=command2\n",
        e);
    ASSERT_TRUE(p) << e.message;
    EXPECT_EQ(*p->get("type"), "command2");  // the last one wins
    EXPECT_EQ(*p->get("command"), "echo hello");
    EXPECT_EQ(*p->get("command.1"), "echo continued");
    EXPECT_EQ(*p->get("dependencies"), "a, b");
    EXPECT_EQ(*p->get("path"), "c:\\tmp\tx");
    EXPECT_EQ(*p->get("name"), "\xE4\xB8\xAD\xE6\x96\x87");
    EXPECT_EQ(*p->get("key=with:colon"), "v");
    EXPECT_EQ(*p->get("empty"), "");
    EXPECT_EQ(p->entries.front().first, "type");  // a repeated key keeps its first place
}

TEST(PropertiesFile, RefusesAMalformedUnicodeEscape) {
    PropertiesError e;
    EXPECT_FALSE(parse_properties("a=1\nb=\\u12x4\n", e));
    EXPECT_EQ(e.line, 2u);
    EXPECT_EQ(e.message, "a malformed \\uxxxx escape");
}

}  // namespace
}  // namespace ferry::reader::azkaban
