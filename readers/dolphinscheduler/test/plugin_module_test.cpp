// The built module, loaded the way the host loads plugins: its descriptor, its factory, and a
// reader that reads the 3.x samples through the module's own code.
#include <dlfcn.h>

#include "ds_test_support.hpp"
#include "ferry/sdk/sdk.hpp"

namespace ferry::reader::ds::testing {
namespace {

class NullHost : public sdk::HostServices {
  public:
    void log(sdk::Severity, const std::string&) override {}
};

TEST(PluginModule, IsAReaderNamedDolphinScheduler) {
    // Never dlclose: objects made by the module must not outlive its code.
    void* handle = ::dlopen(FERRY_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
    ASSERT_TRUE(handle) << ::dlerror();
    auto entry = reinterpret_cast<sdk::EntryFn>(::dlsym(handle, FERRY_PLUGIN_ENTRY_SYMBOL));
    ASSERT_TRUE(entry);
    const sdk::PluginDescriptor* d = entry();
    EXPECT_EQ(d->kind, sdk::PluginKind::reader);
    EXPECT_STREQ(d->name, "dolphinscheduler");
    EXPECT_EQ(d->struct_size, sizeof(sdk::PluginDescriptor));
    EXPECT_EQ(d->schema_size, 0u);
    // Only the entry is exported: the reader's own symbols stay inside the module.
    EXPECT_EQ(::dlsym(handle, "_ZN5ferry6reader2ds28make_dolphinscheduler_readerEv"), nullptr);

    NullHost host;
    sdk::Config config;
    sdk::CreateContext ctx;
    ctx.config = &config;
    ctx.host = &host;
    sdk::Diagnostics diags;
    std::unique_ptr<sdk::PluginObject> object(d->create(ctx, diags));
    ASSERT_TRUE(object) << dump(diags);
    // As the host does: FERRY_PLUGIN checked at compile time that the factory makes a Reader.
    auto* reader = static_cast<sdk::Reader*>(object.get());
    const Written w = ferry::reader::testing::run_reader(*reader, data("dolphinscheduler-3x"));
    EXPECT_EQ(w.recognition.format, "dolphinscheduler-3");
    EXPECT_EQ(command(node(workflow(w, "单shell节点"), "shell节点")), "DIDE_SHELL");
}

}  // namespace
}  // namespace ferry::reader::ds::testing
