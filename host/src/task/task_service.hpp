// The task operations every front end shares (the CLI, `ferry serve`, `ferry worker`): they take a
// loaded TaskConfig and a catalog, and return diagnostics; none of them prints.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "ferry/catalog/catalog.hpp"
#include "plugin/plugin_registry.hpp"
#include "task/importer.hpp"
#include "task/planner.hpp"
#include "task/task_config.hpp"

namespace ferry::host {

// The task, or an error naming it (FERRY-CATALOG-007) when there is none.
std::optional<catalog::Task> require_task(catalog::Catalog& catalog, const std::string& name, sdk::Diagnostics& diags);

// Reads the task's package (content kept), checks it and plans. False when the package is
// unusable; `plan` is filled only on success.
bool prepare_task(const PluginRegistry& registry, const TaskConfig& task, catalog::Catalog& catalog,
                  LoadedPackage& package, Plan& plan, sdk::Diagnostics& diags);

// Stores a task in EDITING (the product's Create Import Task). Refuses an existing name.
bool create_task_row(catalog::Catalog& catalog, const TaskConfig& task, const std::string& creator,
                     sdk::Diagnostics& diags);

// Replaces an EDITING task's settings; refuses other states and a changed name.
bool edit_task_row(catalog::Catalog& catalog, const std::string& name, const TaskConfig& task,
                   sdk::Diagnostics& diags);

// Deletes a task unless it is importing (in a process that still runs).
bool delete_task_row(catalog::Catalog& catalog, const std::string& name, sdk::Diagnostics& diags);

// Parses a stored task's settings again, anchored at its config path.
bool load_stored_task(const PluginRegistry& registry, catalog::Catalog& catalog, const std::string& name,
                      catalog::Task& row, TaskConfig& task, sdk::Diagnostics& diags);

// Imports: a new task, one in EDITING, or a finished one run again from a clean journal.
// `confirm` (may be empty) sees the plan and may decline; a declined run changes nothing.
RunResult import_task(const PluginRegistry& registry, catalog::Catalog& catalog, const TaskConfig& task,
                      const std::function<bool(const Plan&)>& confirm, ProgressSink* progress,
                      sdk::Diagnostics& diags);

// Re-imports a stored task that ended IMPORT_ERROR or PARTIAL_SUCCESS, or whose import died:
// only what did not succeed is redone; the package must be the one imported before.
RunResult reimport_task(const PluginRegistry& registry, catalog::Catalog& catalog, const std::string& name,
                        ProgressSink* progress, sdk::Diagnostics& diags);

}  // namespace ferry::host
