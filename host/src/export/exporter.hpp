// Export tasks (the product's DataWorks export): a workspace's objects written as a SPEC package,
// the layout ferry reads, as a zip or as a folder ("workspace as code"). Full, or incremental (what
// changed after a workspace revision or since a time), of every object or of those whose names
// match. The export holds the workspace's lock while it reads, so it sees one consistent workspace,
// and is an export task in the catalog (EXPORTING, then EXPORT_SUCCESS or EXPORT_ERROR).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "ferry/catalog/catalog.hpp"
#include "ferry/sdk/diagnostic.hpp"
#include "plugin/plugin_registry.hpp"

namespace ferry::host {

struct ExportOptions {
    std::string workspace;
    std::string output;                 // OUT.zip, or a folder (a trailing '/', or an existing folder)
    bool incremental = false;
    std::int64_t since_revision = 0;    // incremental: objects written after this workspace revision
    std::string since_time;             // incremental: objects written at or after this ISO-8601 time
    std::vector<std::string> objects;   // name globs, or KIND:GLOB ("node:ods_*"); empty: every object
    std::string task_name;              // empty: default_export_task_name(workspace)
    std::string created_by;
    // Called once the task's row exists, before any object is read: `ferry serve` answers the
    // request then and lets the export run on in the background.
    std::function<void(const std::string& task)> on_task_created;
};

struct ExportResult {
    std::string task;
    std::string path;
    bool folder = false;
    std::string sha256;                 // as `ferry check` of the output reports it
    std::uint64_t size = 0;
    std::map<std::string, std::size_t> counts;  // objects written, per kind
    std::size_t skipped = 0;            // objects that could not be written (diagnostics say which)
    std::int64_t revision = 0;          // the workspace's revision: what the next incremental starts after
    std::size_t files_written = 0, files_unchanged = 0, files_removed = 0;
    std::string report;                 // the task's report (JSON), as `ferry report` shows it
};

// Checks the options (a clear error, and nothing written, when they are wrong): FERRY-EXPORT-USAGE.
bool check_export_options(const ExportOptions& options, sdk::Diagnostics& diags);

// Runs the export. False when it failed (the task is then EXPORT_ERROR and no package is left at
// the output's name).
bool run_export(const PluginRegistry& registry, catalog::Catalog& catalog, const ExportOptions& options,
                ExportResult& result, sdk::Diagnostics& diags);

// export.<workspace>.<time to the millisecond>, or export.<time> when the workspace's name has
// characters a task name may not hold.
std::string default_export_task_name(const std::string& workspace);

// Whether an output names a folder (a trailing '/', or a folder that exists) rather than a zip.
bool is_folder_output(const std::string& output);
// The SHA-256 and size of a written package as `ferry check` of it reports them (a folder through
// the local source, as a package).
bool hash_output(const PluginRegistry& registry, const std::string& output, bool folder, std::string& sha256,
                 std::uint64_t& size, sdk::Diagnostics& diags);

// The settings of an export task, as stored with it and shown.
std::string export_settings_json(const ExportOptions& options);

}  // namespace ferry::host
