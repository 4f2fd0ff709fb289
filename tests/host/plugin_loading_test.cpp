// Every refusal of the loader names the file, the plugin, what it was built for and what this host
// accepts; a plugin that throws while created leaves the host running.
#include <filesystem>

#include <gtest/gtest.h>

#include "config/schema_validation.hpp"
#include "package_builder.hpp"
#include "test_env.hpp"

namespace ferry::test {
namespace {
namespace fs = std::filesystem;

// Loads one fixture library alone and returns the rejection (or fails).
host::PluginRejection refusal_of(const std::string& file) {
    host::PluginRegistry reg;
    EXPECT_FALSE(reg.load(file)) << file << " should be refused";
    if (reg.rejected().size() != 1) {
        ADD_FAILURE() << "expected one rejection";
        return {};
    }
    return reg.rejected()[0];
}

std::string fixture(const std::string& name) { return fixture_plugin_dir() + "/" + name + ".so"; }

TEST(PluginLoading, NotASharedLibrary) {
    const std::string file = scratch_dir() + "/notes.so";
    write_file(file, "not an ELF file\n");
    const auto r = refusal_of(file);
    EXPECT_EQ(r.code, "FERRY-PLUGIN-NOT-LIBRARY");
    EXPECT_EQ(r.message.rfind(file + " is not a loadable shared library (", 0), 0u) << r.message;
    EXPECT_NE(r.message.find("remove it from the plugin folder or rebuild it as a ferry plugin"), std::string::npos);
}

TEST(PluginLoading, NoEntrySymbol) {
    const auto r = refusal_of(fixture("fixture_no_entry"));
    EXPECT_EQ(r.code, "FERRY-PLUGIN-NO-ENTRY");
    EXPECT_EQ(r.message, fixture("fixture_no_entry") +
                             " has no entry symbol 'ferry_plugin_entry_v1': it is not a ferry plugin (write its "
                             "entry with FERRY_PLUGIN)");
}

TEST(PluginLoading, AbiMajorDiffers) {
    const auto r = refusal_of(fixture("fixture_abi_major"));
    EXPECT_EQ(r.code, "FERRY-PLUGIN-ABI");
    EXPECT_EQ(r.message, "plugin 'fixture_abi_major' (" + fixture("fixture_abi_major") +
                             ") was built for SDK ABI 99." + std::to_string(FERRY_SDK_ABI_MINOR) +
                             "; this host accepts ABI " + std::to_string(FERRY_SDK_ABI_MAJOR) + ".0 to " +
                             std::to_string(FERRY_SDK_ABI_MAJOR) + "." + std::to_string(FERRY_SDK_ABI_MINOR) +
                             ". Rebuild the plugin against ferry SDK " FERRY_SDK_VERSION);
}

TEST(PluginLoading, AbiMinorNewer) {
    const auto r = refusal_of(fixture("fixture_abi_minor"));
    EXPECT_EQ(r.code, "FERRY-PLUGIN-ABI");
    EXPECT_EQ(r.message, "plugin 'fixture_abi_minor' (" + fixture("fixture_abi_minor") +
                             ") was built for SDK ABI " + std::to_string(FERRY_SDK_ABI_MAJOR) +
                             ".99; this host accepts ABI " + std::to_string(FERRY_SDK_ABI_MAJOR) + ".0 to " +
                             std::to_string(FERRY_SDK_ABI_MAJOR) + "." + std::to_string(FERRY_SDK_ABI_MINOR) +
                             ". Rebuild the plugin against ferry SDK " FERRY_SDK_VERSION);
}

TEST(PluginLoading, BuildIdDiffers) {
    const auto r = refusal_of(fixture("fixture_build_id"));
    EXPECT_EQ(r.code, "FERRY-PLUGIN-BUILD-ID");
    EXPECT_EQ(r.message, "plugin 'fixture_build_id' (" + fixture("fixture_build_id") +
                             ") was built as 'other-compiler+sdk-0.0.1'; this host accepts '" FERRY_SDK_BUILD_ID
                             "'. Rebuild the plugin with the same compiler, standard library and SDK as the host");
}

TEST(PluginLoading, UnknownKind) {
    const auto r = refusal_of(fixture("fixture_bad_kind"));
    EXPECT_EQ(r.code, "FERRY-PLUGIN-KIND");
    EXPECT_EQ(r.message, "plugin 'fixture_bad_kind' (" + fixture("fixture_bad_kind") +
                             ") declares kind 7; this host accepts source (1), engine (2), destination (4) and reader (5)");
}

TEST(PluginLoading, DuplicateNameNamesBothPaths) {
    const std::string dir = scratch_dir();
    fs::create_directories(dir + "/first");
    fs::create_directories(dir + "/second");
    fs::copy_file(fixture("fixture_good"), dir + "/first/fixture_good.so");
    fs::copy_file(fixture("fixture_good"), dir + "/second/fixture_good.so");
    host::PluginRegistry reg;
    reg.discover({dir + "/first", dir + "/second"});
    ASSERT_EQ(reg.plugins().size(), 1u);
    EXPECT_EQ(reg.plugins()[0].path, dir + "/first/fixture_good.so");
    ASSERT_EQ(reg.rejected().size(), 1u);
    EXPECT_EQ(reg.rejected()[0].code, "FERRY-PLUGIN-DUPLICATE");
    EXPECT_EQ(reg.rejected()[0].message, "plugin 'fixture_good' in " + dir +
                                             "/second/fixture_good.so is refused: a plugin of that name is already "
                                             "loaded from " + dir + "/first/fixture_good.so. Remove one of the two files");
}

sdk::Config config_with_mode(const host::PluginInfo& p, const std::string& mode) {
    sdk::Config c;
    sdk::Diagnostics d;
    host::config_from_pairs({{"mode", mode}}, p.schema, "fixture", c, d);
    return c;
}

TEST(PluginLoading, ThrowingFactoryLeavesTheHostRunning) {
    host::PluginRegistry reg;
    ASSERT_TRUE(reg.load(fixture("fixture_good")));
    const auto& p = reg.plugins()[0];
    sdk::Diagnostics diags;
    auto obj = reg.create(p, config_with_mode(p, "throw"), "", diags);
    EXPECT_EQ(obj, nullptr);
    ASSERT_EQ(diags.items().size(), 1u);
    EXPECT_EQ(diags.items()[0].code, "FERRY-PLUGIN-CREATE");
    EXPECT_EQ(diags.items()[0].summary, "the plugin threw while being created: boom from the fixture");
    // The host goes on: the same plugin still creates objects.
    sdk::Diagnostics again;
    EXPECT_NE(reg.create(p, config_with_mode(p, "ok"), "", again), nullptr);
}

TEST(PluginLoading, FactoryRefusalIsReported) {
    host::PluginRegistry reg;
    ASSERT_TRUE(reg.load(fixture("fixture_good")));
    sdk::Diagnostics diags;
    EXPECT_EQ(reg.create(reg.plugins()[0], config_with_mode(reg.plugins()[0], "refuse"), "", diags), nullptr);
    ASSERT_NE(find_code(diags, "FIXTURE-REFUSED"), nullptr);
}

TEST(PluginLoading, ObjectOutlivesTheRegistry) {
    std::shared_ptr<sdk::Source> source;
    {
        host::PluginRegistry reg;
        ASSERT_TRUE(reg.load(fixture("fixture_good")));
        sdk::Diagnostics diags;
        source = reg.create_as<sdk::Source>(reg.plugins()[0], config_with_mode(reg.plugins()[0], "ok"), "", diags);
        ASSERT_NE(source, nullptr);
    }
    // The library is still loaded: calling into the object works.
    auto r = source->open({});
    EXPECT_TRUE(r.diagnostics.has_errors());
    source.reset();
}

TEST(PluginLoading, DiscoveryOrderPluginDirThenEnvThenBesideBinary) {
    setenv("FERRY_PLUGIN_PATH", "/env/one:/env/two", 1);
    const auto folders = host::PluginRegistry::default_folders({"/cli/dir"});
    unsetenv("FERRY_PLUGIN_PATH");
    ASSERT_GE(folders.size(), 4u);
    EXPECT_EQ(folders[0], "/cli/dir");
    EXPECT_EQ(folders[1], "/env/one");
    EXPECT_EQ(folders[2], "/env/two");
    EXPECT_EQ(folders[3].filename(), "plugins");
}

// The engine that routes an object is found by its claim ("command:HOLOGRES_SQL"), whatever the
// case of the package's spelling; a claim nobody made, or made for another kind of value, is none.
TEST(PluginLoading, AnEngineIsFoundByItsClaimInAnyCase) {
    host::PluginRegistry reg;
    reg.discover({plugin_dir()});
    const host::PluginInfo* hologres = reg.engine_owning("command", "HOLOGRES_SQL");
    ASSERT_NE(hologres, nullptr);
    EXPECT_EQ(hologres->name, "hologres");
    EXPECT_EQ(reg.engine_owning("Command", "hologres_sql"), hologres);
    EXPECT_EQ(reg.engine_owning("command", "HOLOGRES_SQL_X"), nullptr);
    EXPECT_EQ(reg.engine_owning("commands", "HOLOGRES_SQL"), nullptr);
    EXPECT_EQ(reg.engine_owning("command", ""), nullptr);
}

TEST(PluginLoading, CliListsRefusals) {
    const std::string dir = scratch_dir();
    fs::copy_file(fixture("fixture_build_id"), dir + "/fixture_build_id.so");
    const auto r = run_ferry("--plugin-dir " + dir + " plugins --json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("FERRY-PLUGIN-BUILD-ID"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace ferry::test
