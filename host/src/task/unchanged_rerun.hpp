// A finished task imported again when nothing has changed: the same package (SHA-256), the same
// settings, the same plugins, and a workspace exactly as the task's last successful run left it.
// Such a run would plan every object as unchanged, so it is told without reading the package
// beyond its hash or planning anything, and without writing a row per object: the journal keeps
// what the last full run did, and the report (flagged kUnchangedRerun) counts those objects as
// unchanged; its details are derived when it is read (report.hpp). Anything else runs the whole
// import.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ferry/catalog/catalog.hpp"
#include "plugin/plugin_registry.hpp"
#include "task/importer.hpp"
#include "task/task_config.hpp"

namespace ferry::host {

// What a successful run read and left, as one SHA-256: the settings text and where it lives, each
// loaded plugin (name, version, build), the package's SHA-256, and the workspace's revision. Every
// object write in a workspace moves its revision on (Catalog::write_object, in the write's
// transaction), so an unchanged revision is an unchanged workspace: reading it costs one row, where
// listing every object's stamp read the whole objects table (two thirds of an unchanged re-run).
std::string run_digest(const PluginRegistry& registry, const TaskConfig& task, const std::string& package_sha256,
                       std::int64_t workspace_revision);

// The run, when nothing changed; nullopt when a whole import is needed (and then nothing was
// written). A refused result (with errors) when the package cannot be read or the lock is held.
std::optional<RunResult> rerun_if_unchanged(const PluginRegistry& registry, catalog::Catalog& catalog,
                                            const TaskConfig& task, const catalog::Task& previous,
                                            sdk::Diagnostics& diags);

}  // namespace ferry::host
