// The Flow 2.0 YAML subset: what Azkaban's own examples write, and exact refusals of the rest.
#include <gtest/gtest.h>

#include "yaml_subset.hpp"

namespace ferry::reader::azkaban {
namespace {

YamlNode parse(const std::string& text) {
    YamlError e;
    auto doc = parse_yaml(text, e);
    EXPECT_TRUE(doc) << e.line << ":" << e.column << ": " << e.message;
    return doc ? *doc : YamlNode{};
}

TEST(YamlSubset, ReadsAFlow) {
    const YamlNode doc = parse(
        "---\n"
        "# a comment\n"
        "config:\n"
        "  failure.emails: ops@example.com   # trailing comment\n"
        "  retries: 3\n"
        "nodes:\n"
        "  - name: jobC\n"
        "    type: noop\n"
        "    dependsOn: [jobA, 'jobB']\n"
        "  - name: jobA\n"
        "    type: command\n"
        "    config:\n"
        "      command: echo \"a:b\"#1 # a comment\n"
        "  - name: embedded\n"
        "    type: flow\n"
        "    nodes:\n"
        "    - name: inner\n"
        "      type: command\n"
        "      dependsOn:\n"
        "        - x\n"
        "        - \"y\\tz\"\n");
    ASSERT_TRUE(doc.is_map());
    EXPECT_EQ(doc.get("config")->get("failure.emails")->scalar, "ops@example.com");
    EXPECT_EQ(doc.get("config")->get("retries")->scalar, "3");
    const YamlNode& nodes = *doc.get("nodes");
    ASSERT_EQ(nodes.seq.size(), 3u);
    EXPECT_EQ(nodes.seq[0].get("dependsOn")->seq[1].scalar, "jobB");
    EXPECT_EQ(nodes.seq[1].get("config")->get("command")->scalar, "echo \"a:b\"#1");
    const YamlNode& inner = nodes.seq[2].get("nodes")->seq[0];
    EXPECT_EQ(inner.get("name")->scalar, "inner");
    EXPECT_EQ(inner.get("dependsOn")->seq[1].scalar, "y\tz");
    EXPECT_EQ(inner.line, 17u);
}

struct Scalar {
    const char* yaml;
    const char* value;
};

class YamlScalars : public ::testing::TestWithParam<Scalar> {};

TEST_P(YamlScalars, ReadsEachForm) {
    const YamlNode doc = parse(GetParam().yaml);
    ASSERT_TRUE(doc.get("v")) << GetParam().yaml;
    EXPECT_EQ(doc.get("v")->scalar, GetParam().value);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, YamlScalars,
    ::testing::Values(Scalar{"v: |\n  line 1\n    indented\n  line 3\n", "line 1\n  indented\nline 3\n"},
                      Scalar{"v: |-\n  a\n  b\n\nw: 1\n", "a\nb"},
                      Scalar{"v: |+\n  a\n\n", "a\n\n"},
                      Scalar{"v: >\n  one\n  two\n\n  three\n", "one two\nthree\n"},
                      Scalar{"v: |2\n    x\n", "  x\n"},
                      Scalar{"v: 'it''s'\n", "it's"},
                      Scalar{"v: \"\\u4e2d\\x41\\n\"\n", "\xE4\xB8\xAD" "A\n"},
                      Scalar{"v: a long\n  folded value\n", "a long folded value"},
                      Scalar{"v: ~\n", ""},
                      Scalar{"v: http://x:8080/a#b\n", "http://x:8080/a#b"},
                      Scalar{"v:\n  on the next line\n", "on the next line"}));

struct Refusal {
    const char* yaml;
    std::size_t line, column;
    const char* message;
};

class YamlRefusals : public ::testing::TestWithParam<Refusal> {};

TEST_P(YamlRefusals, SaysWhatAndWhere) {
    YamlError e;
    EXPECT_FALSE(parse_yaml(GetParam().yaml, e));
    EXPECT_EQ(e.message, GetParam().message);
    EXPECT_EQ(e.line, GetParam().line);
    EXPECT_EQ(e.column, GetParam().column);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, YamlRefusals,
    ::testing::Values(
        Refusal{"a: &x 1\nb: *x\n", 1, 4, "anchors, aliases and tags ('&', '*', '!') are not read"},
        Refusal{"a: !!str 1\n", 1, 4, "anchors, aliases and tags ('&', '*', '!') are not read"},
        Refusal{"nodes:\n\t- name: a\n", 2, 1, "a tab in indentation (YAML indents with spaces)"},
        Refusal{"a: 1\na: 2\n", 2, 1, "the key 'a' is given twice in one mapping"},
        Refusal{"a: 1\n---\nb: 2\n", 2, 1, "a second YAML document ('---') is not read"},
        Refusal{"? a\n: b\n", 1, 1, "complex mapping keys ('?') are not read"},
        Refusal{"a: \"open\n", 1, 4, "a double-quoted string must end on its line (use '|' for text over several lines)"},
        Refusal{"a: [x, y\n", 1, 4, "a flow sequence must close on its line (write it as a block over several lines)"},
        Refusal{"a: 1\n  b: 2\n", 2, 3, "a mapping or sequence cannot follow a plain value on the lines below it"},
        Refusal{"a:\n  - x\n   - y\n", 3, 4, "a mapping or sequence cannot follow a plain value on the lines below it"},
        Refusal{"a:\n  - x\n  b: 1\n", 3, 3, "unexpected indentation in a mapping"},
        Refusal{"%YAML 1.2\na: 1\n", 1, 1, "YAML directives ('%') are not read"},
        Refusal{"a: \"\\q\"\n", 1, 5, "an unknown escape '\\q' in a double-quoted string"},
        Refusal{"a: b: c\n", 1, 5, "': ' inside a plain value; quote the value"},
        Refusal{"a: 1\nb\n", 2, 1, "expected 'key: value' in a mapping, found 'b'"}));

}  // namespace
}  // namespace ferry::reader::azkaban
