// Finds plugin libraries, checks their descriptors, and creates plugin objects that keep their
// library loaded for as long as they live.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "ferry/sdk/plugin.hpp"

namespace ferry::host {

// A plugin whose descriptor passed every check. Strings are copied out of the library.
struct PluginInfo {
    std::string path;
    std::string name;
    sdk::PluginKind kind;
    std::string version;
    std::string build_id;
    std::string summary;
    unsigned abi_major = 0;
    unsigned abi_minor = 0;
    std::vector<sdk::ConfigKey> schema;  // string pointers stay valid: the library is never unloaded
    std::vector<std::string> owns;  // "what:value" pairs it routes (PluginRegistry::engine_owning)
};

struct PluginRejection {
    std::string path;
    std::string code;
    std::string message;
};

class PluginRegistry {
  public:
    PluginRegistry();
    ~PluginRegistry();
    PluginRegistry(const PluginRegistry&) = delete;
    PluginRegistry& operator=(const PluginRegistry&) = delete;

    // Loads every *.so in the folders, in order; a name seen twice is refused at its second path.
    void discover(const std::vector<std::filesystem::path>& folders);
    // Loads one library file; false (and a rejection recorded) when refused.
    bool load(const std::filesystem::path& file);

    const std::vector<PluginInfo>& plugins() const { return plugins_; }
    const std::vector<PluginRejection>& rejected() const { return rejected_; }
    const PluginInfo* find(const std::string& name) const;
    const PluginInfo* find(sdk::PluginKind kind, const std::string& name) const;
    // The engine plugin that owns "what:value" (e.g. "command", "ODPS_SQL"), or null.
    const PluginInfo* engine_owning(const std::string& what, const std::string& value) const;

    // Creates an object of the plugin. The config must already be validated against its schema.
    // Returns null after adding an error (the plugin failed, threw, or returned nothing).
    std::shared_ptr<sdk::PluginObject> create(const PluginInfo& plugin, const sdk::Config& config,
                                              const std::string& instance_name, sdk::Diagnostics& diags) const;

    template <typename T>
    std::shared_ptr<T> create_as(const PluginInfo& plugin, const sdk::Config& config, const std::string& instance_name,
                                 sdk::Diagnostics& diags) const {
        // The kind was checked against the descriptor, so the object really is a T; a static cast
        // avoids relying on RTTI across libraries loaded RTLD_LOCAL.
        auto obj = create(plugin, config, instance_name, diags);
        return std::shared_ptr<T>(obj, static_cast<T*>(obj.get()));
    }

    sdk::HostServices& host_services() const;

    // The folders searched, in order: --plugin-dir values, FERRY_PLUGIN_PATH (colon separated),
    // then lib/ferry/plugins beside the executable.
    static std::vector<std::filesystem::path> default_folders(const std::vector<std::string>& plugin_dirs);

  private:
    struct Library;
    std::vector<PluginInfo> plugins_;
    std::vector<std::shared_ptr<Library>> libraries_;  // parallel to plugins_
    std::vector<PluginRejection> rejected_;
    // "what:value" in lower case -> index of the first engine plugin that owns it. The planner asks
    // for every object; scanning each plugin's list (a string built per plugin) was a twentieth of it.
    std::unordered_map<std::string, std::size_t> engine_owns_;
    std::unique_ptr<sdk::HostServices> services_;
};

// This host's expectations, for messages and `ferry --version`.
std::string host_abi_text();

}  // namespace ferry::host
