// Exports started from the web run on background threads, each with its own catalog connection,
// like imports (import_jobs.hpp). The request waits only until the export's task row exists, so
// a refusal (bad options, unknown workspace, name taken) is its answer, and a started export is
// listed as EXPORTING at once.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "export/exporter.hpp"
#include "ferry/sdk/diagnostic.hpp"
#include "plugin/plugin_registry.hpp"

namespace ferry::host::web {

class ExportJobs {
  public:
    ExportJobs(const PluginRegistry& registry, std::string catalog_uri);
    ~ExportJobs();  // waits for running exports (a zip is renamed into place only when whole)

    // Starts the export and returns once its task row exists (true, `task` names it) or the
    // export ended before that (false, `diags` say why).
    bool start(ExportOptions options, std::string& task, sdk::Diagnostics& diags);
    // An export of this task is running in this process.
    bool running(const std::string& task) const;

  private:
    const PluginRegistry& registry_;
    std::string catalog_uri_;
    mutable std::mutex mutex_;
    std::set<std::string> running_;
    std::vector<std::thread> threads_;
};

}  // namespace ferry::host::web
