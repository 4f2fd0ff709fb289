// Runs an import task: reads the package, plans, then commits object by object through the task
// destination's committers in the order resources, functions, tables, components, nodes,
// workflows, quality rules, services, data sources
// (object_lander.hpp), and ends the run in one transaction (run_finisher.hpp). Each object's
// catalog write and its journal entry land in one transaction, so a killed import resumes with no
// object doubled or lost; one object's failure does not stop the others.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "ferry/catalog/catalog.hpp"
#include "ferry/sdk/diagnostic.hpp"
#include "ferry/sdk/source.hpp"
#include "package/model.hpp"
#include "plugin/plugin_registry.hpp"
#include "task/planner.hpp"
#include "task/task_config.hpp"
#include "util/temp_dir.hpp"

namespace ferry::host {

// Progress callbacks: total once, then one call per object.
struct ProgressSink {
    virtual ~ProgressSink() = default;
    virtual void begin(std::size_t total) = 0;
    virtual void step(const PlannedObject& object, const std::string& status) = 0;
    virtual void end() = 0;
};

// A package read for an import: the model plus the private folder holding its code and resources.
struct LoadedPackage {
    std::unique_ptr<TempDir> spool;
    PackageModel model;
};

// The task's source plugin, configured; null after adding errors.
std::shared_ptr<sdk::Source> open_task_source(const PluginRegistry& registry, const TaskConfig& task,
                                              sdk::Diagnostics& diags);
// Opens the task's source and reads the package with content kept; false after adding errors.
bool load_task_package(const PluginRegistry& registry, const TaskConfig& task, LoadedPackage& out,
                       sdk::Diagnostics& diags);

struct RunResult {
    std::string state;  // IMPORT_SUCCESS, PARTIAL_SUCCESS, IMPORT_ERROR
    bool refused = false;  // nothing ran (lock held, wrong state, package changed)
    bool unchanged_rerun = false;  // nothing had changed since the last run, so nothing was read or planned
};

class HeldLock;
class PlanStream;

class Importer {
  public:
    Importer(const PluginRegistry& registry, catalog::Catalog& catalog, const TaskConfig& task);

    // `resume`: redo only what did not succeed (reimport). The task row must exist. Whatever
    // happens (a plugin or the host throwing included), the workspace lock is released and the
    // task ends with a state and a report, or stays IMPORTING for `reimport` to finish.
    RunResult run(const LoadedPackage& package, Plan& plan, bool resume, ProgressSink* progress,
                  sdk::Diagnostics& diags);
    // The same for a new run whose plan is still being made (task/plan_stream.hpp): objects are
    // written as they come, and the stream's diagnostics are the caller's to report once it has
    // stopped the stream (import_task). Null `stream`: the plan is made here first, and its
    // diagnostics are added to `diags`. Only for the imports streams_plan() names.
    RunResult run_streaming(const LoadedPackage& package, PlanStream* stream, ProgressSink* progress,
                            sdk::Diagnostics& diags);
    // Whether the task's run can be planned while it is written: no engine and no remote
    // destination is involved.
    static bool streams_plan(const TaskConfig& task);

  private:
    RunResult run_with(const LoadedPackage& package, Plan* plan, PlanStream* stream, bool resume,
                       ProgressSink* progress, sdk::Diagnostics& diags);
    RunResult run_locked(const LoadedPackage& package, Plan* plan, PlanStream* stream, bool resume,
                         ProgressSink* progress, catalog::Task& row, HeldLock& lock, sdk::Diagnostics& diags);

    const PluginRegistry& registry_;
    catalog::Catalog& catalog_;
    const TaskConfig& task_;
};

}  // namespace ferry::host
