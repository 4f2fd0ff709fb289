// Config tables are validated against the plugin's schema before the plugin sees them.
#include <gtest/gtest.h>

#include "config/schema_validation.hpp"
#include "config/toml_tree.hpp"
#include "util/size_text.hpp"

namespace ferry::test {
namespace {

using sdk::ValueType;

const std::vector<sdk::ConfigKey> kSchema = {
    {"path", ValueType::string, true, nullptr, "the package file"},
    {"retries", ValueType::integer, false, "3", "how often to retry"},
    {"verify", ValueType::boolean, false, "true", "check the checksum"},
    {"limit", ValueType::size, false, "30MB", "size cap"},
    {"tags", ValueType::string_list, false, nullptr, "labels"},
};

struct Parsed {
    bool ok = false;
    sdk::Config config;
    sdk::Diagnostics diags;
};

Parsed validate(const std::string& toml) {
    Parsed p;
    host::TomlValue doc;
    if (!host::parse_toml_text(toml, "task.toml", doc, p.diags)) return p;
    const host::TomlValue* table = doc.get("source");
    p.ok = host::validate_table(*table, kSchema, {"plugin", "max_size"}, "[source] (plugin local)", p.config, p.diags);
    return p;
}

TEST(Config, ValuesAndDefaults) {
    auto p = validate("[source]\nplugin = \"local\"\npath = \"a.zip\"\nlimit = \"2GB\"\ntags = [\"x\", \"y\"]\n");
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(p.config.string("path"), "a.zip");
    EXPECT_EQ(p.config.integer("retries"), 3);
    EXPECT_TRUE(p.config.boolean("verify"));
    EXPECT_EQ(p.config.integer("limit"), 2ll << 30);
    EXPECT_EQ(p.config.list("tags"), (std::vector<std::string>{"x", "y"}));
    EXPECT_EQ(p.config.where_of("path"), "task.toml:3:1");
}

TEST(Config, UnknownKeyListsAllowedKeys) {
    auto p = validate("[source]\npath = \"a.zip\"\n  pathh = \"b.zip\"\n");
    EXPECT_FALSE(p.ok);
    ASSERT_EQ(p.diags.items().size(), 1u);
    const auto& d = p.diags.items()[0];
    EXPECT_EQ(d.code, "FERRY-CONFIG-UNKNOWN-KEY");
    EXPECT_EQ(d.summary, "unknown key 'pathh' in [source] (plugin local)");
    EXPECT_EQ(d.detail, "allowed keys: limit, max_size, path, plugin, retries, tags, verify");
    EXPECT_EQ(d.where, "task.toml:3:3");
}

TEST(Config, MissingRequiredKey) {
    auto p = validate("[source]\nretries = 1\n");
    EXPECT_FALSE(p.ok);
    ASSERT_EQ(p.diags.items().size(), 1u);
    EXPECT_EQ(p.diags.items()[0].code, "FERRY-CONFIG-MISSING-KEY");
    EXPECT_EQ(p.diags.items()[0].summary, "missing required key 'path' in [source] (plugin local)");
}

TEST(Config, WrongType) {
    auto p = validate("[source]\npath = 42\n");
    ASSERT_FALSE(p.ok);
    EXPECT_EQ(p.diags.items()[0].code, "FERRY-CONFIG-TYPE");
    EXPECT_EQ(p.diags.items()[0].summary,
              "bad value for 'path' in [source] (plugin local): expected a string, found a integer");
    EXPECT_EQ(p.diags.items()[0].where, "task.toml:2:1");
}

TEST(Config, BadSize) {
    auto p = validate("[source]\npath = \"a\"\nlimit = \"thirty megs\"\n");
    ASSERT_FALSE(p.ok);
    EXPECT_EQ(p.diags.items()[0].summary,
              "bad value for 'limit' in [source] (plugin local): 'thirty megs' is not a size (write it like 512KB, "
              "30MB or 2GB)");
}

TEST(Config, SyntaxErrorHasLineAndColumn) {
    sdk::Diagnostics diags;
    host::TomlValue doc;
    EXPECT_FALSE(host::parse_toml_text("[task]\nname = \n", "task.toml", doc, diags));
    ASSERT_EQ(diags.items().size(), 1u);
    EXPECT_EQ(diags.items()[0].code, "FERRY-CONFIG-SYNTAX");
    EXPECT_EQ(diags.items()[0].where.rfind("task.toml:2:", 0), 0u) << diags.items()[0].where;
}

struct SizeCase {
    const char* text;
    std::optional<std::uint64_t> bytes;
};

TEST(Size, Parsing) {
    const SizeCase cases[] = {
        {"30MB", 30ull << 20}, {"2GB", 2ull << 30},   {"512KB", 512ull << 10}, {"1.5GB", 3ull << 29},
        {"100", 100},          {"0", 0},              {"7 mb", 7ull << 20},    {"1TB", 1ull << 40},
        {"", std::nullopt},    {"MB", std::nullopt},  {"3 parsecs", std::nullopt}, {"1.5", std::nullopt},
        {".", std::nullopt},   {".task", std::nullopt}, {".5KB", 512},
    };
    for (const auto& c : cases) EXPECT_EQ(host::parse_size(c.text), c.bytes) << c.text;
}

}  // namespace
}  // namespace ferry::test
