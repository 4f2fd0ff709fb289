// Loads every engine module as the host would (dlopen, the one exported entry), checks its
// descriptor, and creates an engine from a config: catches unresolved symbols and wrong metadata.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "ferry/engine/testing.hpp"
#include "ferry/sdk/engine.hpp"

using namespace ferry;

namespace {

struct PluginCase {
    const char* name;
    const char* path;
    std::vector<std::pair<std::string, std::string>> config;
    const char* owned;    // one "what:value" the plugin must own
    const char* dialect;
};

class PluginLoadTest : public ::testing::TestWithParam<PluginCase> {};

TEST_P(PluginLoadTest, DescriptorAndFactory) {
    const PluginCase& c = GetParam();
    void* lib = dlopen(c.path, RTLD_NOW | RTLD_LOCAL);
    ASSERT_TRUE(lib) << dlerror();
    auto entry = reinterpret_cast<sdk::EntryFn>(dlsym(lib, FERRY_PLUGIN_ENTRY_SYMBOL));
    ASSERT_TRUE(entry) << dlerror();
    const sdk::PluginDescriptor* d = entry();
    EXPECT_EQ(d->struct_size, sizeof(sdk::PluginDescriptor));
    EXPECT_EQ(d->abi_major, FERRY_SDK_ABI_MAJOR);
    EXPECT_EQ(d->kind, sdk::PluginKind::engine);
    EXPECT_STREQ(d->name, c.name);
    EXPECT_STREQ(d->build_id, FERRY_SDK_BUILD_ID);
    bool owns = false;
    for (std::uint32_t i = 0; i < d->owns_size; ++i) owns = owns || std::strcmp(d->owns[i], c.owned) == 0;
    EXPECT_TRUE(owns) << c.owned;
    for (std::uint32_t i = 0; i < d->schema_size; ++i) {
        // Secrets are named by environment variable ("password_env"), never given inline.
        const std::string key = d->schema[i].name;
        if (key.find("password") != std::string::npos || key.find("secret") != std::string::npos) {
            EXPECT_EQ(key.substr(key.size() - 4), "_env") << key;
        }
    }

    sdk::Config config;
    for (const auto& [k, v] : c.config) {
        sdk::ConfigValue value;
        value.text = v;
        config.values[k] = value;
    }
    engine::testing::RecordingHost host;
    sdk::Diagnostics diags;
    sdk::CreateContext ctx{&config, &host, "smoke"};
    std::unique_ptr<sdk::PluginObject> obj(d->create(ctx, diags));
    ASSERT_TRUE(obj) << engine::testing::describe(diags);
    auto* eng = dynamic_cast<sdk::Engine*>(obj.get());
    ASSERT_TRUE(eng);
    EXPECT_EQ(eng->dialect(), c.dialect);
    auto r = eng->rewrite({"select * from a_dev.t", "", {{"a_dev", "a"}}});
    EXPECT_EQ(r.code, "select * from a.t");
    obj.reset();  // destroyed while the library is loaded
    dlclose(lib);
}

INSTANTIATE_TEST_SUITE_P(
    Engines, PluginLoadTest,
    ::testing::Values(
        PluginCase{"sqlite", FERRY_PLUGIN_SQLITE, {{"path", "/nonexistent/x.db"}}, "datasource:sqlite", "sqlite"},
        PluginCase{"postgresql", FERRY_PLUGIN_POSTGRESQL, {{"dsn", "host=127.0.0.1 port=1"}, {"schema", "public"}},
                   "command:POSTGRESQL", "postgresql"},
        PluginCase{"hologres", FERRY_PLUGIN_HOLOGRES, {{"dsn", "host=127.0.0.1 port=1"}, {"schema", "public"}},
                   "command:HOLOGRES_SQL", "hologres"},
        PluginCase{"mysql", FERRY_PLUGIN_MYSQL, {{"database", "dw"}, {"user", "etl"}}, "command:MYSQL", "mysql"},
        PluginCase{"maxcompute", FERRY_PLUGIN_MAXCOMPUTE,
                   {{"project", "p"}, {"endpoint", "http://127.0.0.1:1/api"}, {"access_key_id_env", "A"}, {"access_key_secret_env", "B"}},
                   "command:ODPS_SQL", "maxcompute"},
        PluginCase{"emr", FERRY_PLUGIN_EMR, {{"database", "dw"}}, "command:EMR_HIVE", "hive"},
        PluginCase{"cdh", FERRY_PLUGIN_CDH, {{"database", "dw"}}, "command:CDH_HIVE", "hive"}),
    [](const ::testing::TestParamInfo<PluginCase>& i) { return std::string(i.param.name); });

}  // namespace
