// An import task's settings (TASK.toml): every setting of the product's Import Task Settings page,
// validated in full (unknown keys, plugin schemas, names, mappings) before anything is touched.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ferry/sdk/config.hpp"
#include "ferry/sdk/diagnostic.hpp"
#include "plugin/plugin_registry.hpp"

namespace ferry::host {

struct EngineInstance {
    std::string name;
    std::string type;     // the engine plugin's name
    std::string project;  // the instance's project or schema, when it has one
    sdk::Config config;   // the plugin's own keys
    std::string where;
};

struct EngineMapping {
    std::string source;  // what the package names: datasource.name, calcEngine.project
    std::string target;  // a [[workspace.engines]] name
    bool cross_engine = false;
    std::string where;
};

struct CommitRules {
    bool resources = true;
    bool tables = true;
    bool functions = true;
    bool change_owner = false;
    std::string on_conflict = "skip";  // skip | overwrite
    // Remote destinations: deploy nodes and workflows to the destination's scheduler (resources
    // and functions follow `resources` and `functions`).
    bool nodes = false;
    bool any_engine_commit() const { return resources || tables || functions; }
};

struct TaskConfig {
    std::string path;  // the file, absolute
    std::string dir;   // its folder: relative paths resolve against it
    std::string text;  // the TOML as stored with the task: as given, presigned signatures redacted
    bool redacted = false;  // `text` lost secret values that the task file still has (config_secrets.hpp)

    std::string name;
    std::string remarks;

    std::string source_plugin = "local";
    sdk::Config source_config;
    std::uint64_t max_size = 30ull << 20;

    std::string workspace;
    std::string catalog;  // empty: --catalog, FERRY_CATALOG, else the embedded default
    std::string importer;
    std::vector<EngineInstance> engines;
    std::string destination = "catalog";  // the destination plugin
    sdk::Config destination_config;       // its [workspace.<destination>] table

    std::vector<EngineMapping> engine_map;
    std::map<std::string, std::string> resource_groups;
    std::map<std::string, std::string> workspaces;
    std::map<std::string, std::string> owners;
    std::vector<std::string> dry_run;  // names or globs
    CommitRules commit;

    const EngineInstance* engine(const std::string& name) const;
    const EngineMapping* mapping_for(const std::string& source) const;
    bool dry_run_matches(const std::string& node_name) const;
};

// Task names: letters, digits, '_' and '.' only (the product's rule), at most 128 characters.
std::string task_name_problem(const std::string& name);

// Parses and validates; false after adding errors (all of them, not just the first).
bool load_task_config(const std::string& path, const PluginRegistry& registry, TaskConfig& out,
                      sdk::Diagnostics& diags);
// The same from stored text; `path` only names it and anchors relative paths.
bool parse_task_config(const std::string& text, const std::string& path, const PluginRegistry& registry,
                       TaskConfig& out, sdk::Diagnostics& diags);

// The embedded catalog when nothing else is given: $FERRY_DATA_DIR, else $XDG_DATA_HOME/ferry,
// else ~/.local/share/ferry; the file is catalog.db there.
std::string default_catalog_uri();
// --catalog, else the task's catalog, else FERRY_CATALOG, else the default.
std::string choose_catalog(const std::string& flag, const std::string& task_catalog);

}  // namespace ferry::host
