// What every command shares: the plugin registry, opening a package by path or address, and
// building plugin configs.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ferry/sdk/source.hpp"
#include "package/model.hpp"
#include "package/package_reader.hpp"
#include "plugin/plugin_registry.hpp"

namespace ferry::host {

struct GlobalOptions {
    std::vector<std::string> plugin_dirs;
};

class App {
  public:
    explicit App(GlobalOptions options);
    PluginRegistry& registry() { return registry_; }
    const GlobalOptions& options() const { return options_; }

    // Picks the source plugin for a package argument: http(s):// -> http, oss:// -> oss,
    // s3:// -> s3, anything else a local path. Extra pairs (e.g. endpoint) go to the plugin.
    std::shared_ptr<sdk::Source> source_for_argument(const std::string& argument,
                                                      const std::vector<std::pair<std::string, std::string>>& extra,
                                                      std::string& plugin_name, sdk::Diagnostics& diags);

    // The engine type that owns a node ("maxcompute"), "general", or the label as written.
    std::string engine_of(const Node& node) const;

  private:
    GlobalOptions options_;
    PluginRegistry registry_;
};

}  // namespace ferry::host
