// Web settings (JSON) to task TOML: the one place the server writes TOML, so web-made tasks are
// stored exactly like CLI tasks (`ferry tasks`, `ferry import`, `ferry task show` read them).
// The only file of the server that includes toml++ (slow to compile).
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "ferry/sdk/diagnostic.hpp"
#include "plugin/plugin_registry.hpp"

namespace ferry::host::web {

// The server's destination engine instances (`--engines FILE`), with relative paths made absolute
// against the file's folder so they mean the same from any task file.
struct EnginesFile {
    std::string path;
    std::string workspace;     // [workspace] name, the default destination; may be empty
    std::string engines_toml;  // the [[workspace.engines]] tables, re-serialised
};
bool load_engines_file(const std::string& path, EnginesFile& out, sdk::Diagnostics& diags);

// Writes the task TOML: starts from `base_toml` (the stored settings, empty for a new task),
// keeps its [task] name, [source] and [workspace] catalog, and replaces everything the settings
// page edits with `settings` (keys: name, remarks, source, workspace, importer, engines,
// engine_mapping, resource_groups, workspaces, owners, dry_run, commit, destination,
// destination_settings). With `engines` given, the destination instances are the server's and
// `settings.engines` must be absent. `destination` must name a destination plugin of `registry`,
// and `destination_settings` hold only keys of its schema.
// False with FERRY-WEB-SETTINGS diagnostics on a shape error; full validation (types, required
// keys, secrets) is parse_task_config's job.
bool write_task_toml(const std::string& base_toml, const nlohmann::json& settings, const EnginesFile* engines,
                     const PluginRegistry& registry, std::string& out, sdk::Diagnostics& diags);

}  // namespace ferry::host::web
