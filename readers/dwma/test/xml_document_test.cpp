// The XML reader DWMA files need: what Jackson writes, and exact refusals of everything else.
#include <gtest/gtest.h>

#include "code_escapes.hpp"
#include "xml_document.hpp"

namespace ferry::reader::dwma {
namespace {

TEST(XmlDocument, ReadsWhatJacksonWrites) {
    const std::string text =
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        "<!-- written by XmlMapper -->\n"
        "<Workflow dmObjectType=\"WORKFLOW\" name=\"wf\" scheduled=\"true\">\n"
        "  <Nodes>\n"
        "    <Node @class=\".DwNode\" name=\"a &amp; b\" type='ODPS_SQL'>\n"
        "      <Code><![CDATA[select 1 &gt; 0;]]></Code>\n"
        "      <Description>x &lt; y &#x4E2D;&#25991;</Description>\n"
        "    </Node>\n"
        "    <Node name=\"c\"/>\n"
        "  </Nodes>\n"
        "</Workflow>\n";
    XmlError e;
    const auto root = parse_xml(text, e);
    ASSERT_TRUE(root) << e.line << ":" << e.column << " " << e.message;
    EXPECT_EQ(root->name, "Workflow");
    EXPECT_EQ(*root->attribute("scheduled"), "true");
    const auto nodes = root->list("Nodes", "Node");
    ASSERT_EQ(nodes.size(), 2u);
    EXPECT_EQ(*nodes[0]->attribute("@class"), ".DwNode");
    EXPECT_EQ(*nodes[0]->attribute("name"), "a & b");
    EXPECT_EQ(nodes[0]->child("Code")->text, "select 1 &gt; 0;");  // CDATA is taken as written
    EXPECT_EQ(nodes[0]->child("Description")->text, "x < y \xE4\xB8\xAD\xE6\x96\x87");
    EXPECT_EQ(nodes[0]->line, 5u);
    EXPECT_EQ(*nodes[1]->attribute("name"), "c");
}

struct Refusal {
    const char* text;
    const char* message;
    std::size_t line, column;
};

class XmlRefusal : public ::testing::TestWithParam<Refusal> {};

TEST_P(XmlRefusal, SaysWhatAndWhere) {
    XmlError e;
    EXPECT_FALSE(parse_xml(GetParam().text, e));
    EXPECT_EQ(e.message, GetParam().message);
    EXPECT_EQ(e.line, GetParam().line);
    EXPECT_EQ(e.column, GetParam().column);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, XmlRefusal,
    ::testing::Values(
        Refusal{"<a>\n  <b>\n</a>", "the end tag </a> does not close <b> (line 2)", 3, 4},
        Refusal{"<a>", "the element <a> (line 1) is not closed", 1, 4},
        Refusal{"<!DOCTYPE a [<!ENTITY x \"y\">]><a/>",
                "a DOCTYPE is not read (DWMA files have none; entities and DTDs are refused)", 1, 1},
        Refusal{"<a x=\"1\" x=\"2\"/>", "the attribute 'x' is given twice in <a>", 1, 15},
        Refusal{"<a>&nbsp;</a>", "an unknown entity '&nbsp;' (only &lt; &gt; &amp; &quot; &apos; and &#...; are read)", 1, 4},
        Refusal{"<a x=1/>", "expected a quoted value for the attribute 'x', found '1/>'", 1, 6},
        Refusal{"<a><![CDATA[x</a>", "a CDATA section is not closed by ']]>'", 1, 4},
        Refusal{"<a/><b/>", "expected the end of the document after </a>, found '<b/>'", 1, 5},
        Refusal{"", "expected the root element, found the end of the file", 1, 1},
        Refusal{"<a>&#0;</a>", "a character reference to no character '&#0;'", 1, 4}));

TEST(XmlDocument, RefusesDeepNesting) {
    std::string text;
    for (int i = 0; i < 300; ++i) text += "<a>";
    XmlError e;
    EXPECT_FALSE(parse_xml(text, e));
    EXPECT_EQ(e.message, "elements nested deeper than 256 levels");
}

struct Escape {
    const char* written;
    const char* value;
};

class CodeEscapes : public ::testing::TestWithParam<Escape> {};

// commons-lang 2: escapeXml(escapeJava(code)), undone as CodeControlCharUnEscapeConverter does.
TEST_P(CodeEscapes, UndoesMigrationXsEscaping) {
    std::string problem;
    const auto v = unescape_code(GetParam().written, problem);
    ASSERT_TRUE(v) << problem;
    EXPECT_EQ(*v, GetParam().value);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CodeEscapes,
    ::testing::Values(Escape{"select 1;\\nselect 2;", "select 1;\nselect 2;"},
                      Escape{"a &gt; 1 and b = \\&quot;x\\&quot;", "a > 1 and b = \"x\""},
                      Escape{"-- \\u4E2D\\u6587", "-- \xE4\xB8\xAD\xE6\x96\x87"},
                      Escape{"\\uD83D\\uDE00", "\xF0\x9F\x98\x80"},
                      Escape{"c:\\\\tmp\\tx", "c:\\tmp\tx"},
                      Escape{"&amp;&amp; &#39;q&#39;", "&& 'q'"},
                      Escape{"   ", "   "},
                      Escape{"end\\", "end\\"}));

TEST(CodeEscapes, RefusesAMalformedUnicodeEscape) {
    std::string problem;
    EXPECT_FALSE(unescape_code("x\\u12", problem));
    EXPECT_EQ(problem, "a malformed \\u escape at character 2");
}

}  // namespace
}  // namespace ferry::reader::dwma
