#include "cli/app.hpp"

#include "config/schema_validation.hpp"
#include "package/package_check.hpp"

namespace ferry::host {

App::App(GlobalOptions options) : options_(std::move(options)) {
    registry_.discover(PluginRegistry::default_folders(options_.plugin_dirs));
}

std::shared_ptr<sdk::Source> App::source_for_argument(const std::string& argument,
                                                      const std::vector<std::pair<std::string, std::string>>& extra,
                                                      std::string& plugin_name, sdk::Diagnostics& diags) {
    std::vector<std::pair<std::string, std::string>> pairs;
    if (argument.rfind("http://", 0) == 0 || argument.rfind("https://", 0) == 0) {
        plugin_name = "http";
        pairs.emplace_back("url", argument);
    } else if (argument.rfind("oss://", 0) == 0) {
        plugin_name = "oss";
        pairs.emplace_back("url", argument);
    } else if (argument.rfind("s3://", 0) == 0) {
        plugin_name = "s3";
        pairs.emplace_back("url", argument);
    } else {
        plugin_name = "local";
        pairs.emplace_back("path", argument);
    }
    for (const auto& p : extra) pairs.push_back(p);
    const PluginInfo* plugin = registry_.find(sdk::PluginKind::source, plugin_name);
    if (!plugin) {
        diags.error("FERRY-PLUGIN-MISSING", "no source plugin '" + plugin_name + "' is loaded to open " + argument,
                    "run `ferry plugins` to see what is loaded; pass --plugin-dir or set FERRY_PLUGIN_PATH", argument);
        return nullptr;
    }
    sdk::Config config;
    if (!config_from_pairs(pairs, plugin->schema, "source plugin '" + plugin_name + "'", config, diags)) return nullptr;
    return registry_.create_as<sdk::Source>(*plugin, config, "", diags);
}

std::string App::engine_of(const Node& node) const {
    if (const PluginInfo* p = registry_.engine_owning("command", node.command)) return p->name;
    if (is_general_command(node.command)) return "general";
    if (!node.datasource_type.empty())
        if (const PluginInfo* p = registry_.engine_owning("datasource", node.datasource_type)) return p->name;
    return node.engine_label.empty() ? "-" : node.engine_label;
}

}  // namespace ferry::host
