// Ends an import run in ONE catalog transaction: the task's final state, the digest an unchanged
// re-run compares against, the stored report and the release of the workspace lock. A kill at any
// point before the commit leaves the task IMPORTING under a dead holder, which the next `import`
// or `reimport` resumes and finishes from its journal; after it, the task is finished whole.
#pragma once

#include <string>

#include "ferry/catalog/catalog.hpp"
#include "ferry/sdk/diagnostic.hpp"
#include "plugin/plugin_registry.hpp"
#include "task/task_config.hpp"

namespace ferry::host {

struct RunEnding {
    std::string state;                 // IMPORT_SUCCESS, PARTIAL_SUCCESS, IMPORT_ERROR
    std::string package_format;
    std::string package_sha256;
    const sdk::Diagnostics* run_diagnostics = nullptr;  // task-level: plan errors and warnings
};

// False (with diagnostics) when the transaction failed: the task then stays IMPORTING and a
// `reimport` finishes it.
bool finish_run(catalog::Catalog& catalog, const PluginRegistry& registry, const TaskConfig& task,
                catalog::Task& row, const RunEnding& ending, sdk::Diagnostics& diags);

}  // namespace ferry::host
