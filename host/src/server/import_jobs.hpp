// Imports and re-imports started from the web run on background threads, each with its own
// catalog connection; their progress is kept here for GET .../progress to poll.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "plugin/plugin_registry.hpp"
#include "task/task_config.hpp"

namespace ferry::host::web {

struct JobProgress;

class ImportJobs {
  public:
    ImportJobs(const PluginRegistry& registry, std::string catalog_uri);
    ~ImportJobs();  // waits for running imports (they journal every object, so none is cut midway)

    // False when a job for this task is still running.
    bool start_import(const TaskConfig& task, const std::string& user);
    bool start_reimport(const std::string& name, const std::string& user);
    bool running(const std::string& name) const;

    // The last job of this task in this process, or null.
    nlohmann::json progress(const std::string& name) const;

  private:
    bool launch(const std::string& name, std::function<void(JobProgress&)> work);

    const PluginRegistry& registry_;
    std::string catalog_uri_;
    mutable std::mutex mutex_;
    std::map<std::string, std::shared_ptr<JobProgress>> jobs_;
    std::vector<std::thread> threads_;
};

}  // namespace ferry::host::web
