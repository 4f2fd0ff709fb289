// Plan: every object of the package gets one action (create, update, unchanged, conflict, fail)
// and its reason, against the destination workspace as the catalog and its engines hold it.
// Nothing changes while planning. A plan is blocked when the engine mapping cannot place every
// object: the product's rule, which fails the task before anything is written.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ferry/catalog/catalog.hpp"
#include "ferry/sdk/destination.hpp"
#include "ferry/sdk/engine.hpp"
#include "package/model.hpp"
#include "plugin/plugin_registry.hpp"
#include "task/task_config.hpp"
#include "util/json_diff.hpp"

namespace ferry::host {

struct PlannedObject {
    sdk::ObjectKind kind = sdk::ObjectKind::node;
    std::string name;
    sdk::Action action = sdk::Action::create;
    std::string reason;
    sdk::ObjectRecord record;        // what the destination workspace will hold
    std::string owner_before;        // the owner in the package
    std::string engine_type;         // the destination instance's engine type, empty for none
    std::vector<std::string> statements;  // what the engine would run
    bool commit_to_engine = false;
    bool engine_conflict = false;    // the conflict is with an object on the engine, not in the catalog
    ContentRef content;              // resources: their bytes, loaded only when committed
    std::string content_sha256;      // of the content (resources: hashed from the spool)
    std::string resource_type;
    std::vector<sdk::Diagnostic> notes;  // warnings for the report: lossy columns, review flags
    // What the task's mappings changed in the package's object (JSON pointers into its document,
    // "content" for its code): the report lists them.
    std::vector<FieldChange> changes;
    // An update or a conflict: how the planned object differs from the workspace's version.
    std::vector<FieldChange> differences;
    // Remote destinations: every commit goes there (one object at a time, journaled pending first);
    // the object's id there when it is known; whether its kind's commission rule deploys it.
    bool remote = false;
    std::string remote_id;
    bool deploy = false;
};

// How a planned object is written to and read from the plan's spool (task/plan_codec.cpp).
void encode(const PlannedObject& value, std::string& out);
void decode(std::string_view in, PlannedObject& value);
// Each slot is tagged with its action, so Plan::count reads nothing back.
template <>
inline std::uint8_t spool_tag<PlannedObject>(const PlannedObject& o) {
    return static_cast<std::uint8_t>(o.action);
}

struct Plan {
    // In apply order: resources, functions, tables, nodes, data sources. On disk, not in memory
    // (util/object_spool.hpp): iterating gives each object as a copy.
    ObjectList<PlannedObject> objects;
    sdk::Diagnostics diagnostics;         // task-level: mapping failures (errors), fallbacks (warnings)
    std::map<std::string, std::shared_ptr<sdk::Engine>> engines;  // destination instances by name
    std::shared_ptr<sdk::Destination> destination;                // the task's destination plugin
    bool blocked() const { return diagnostics.has_errors(); }
    // Why it is blocked, for each object's journal entry: its first error.
    std::string blocked_reason() const;
    std::size_t count(sdk::Action a) const;
};

// Creates the destination and its engine instances (no connection), routes and maps every object,
// renders DDL and asks the catalog (and a remote destination, and the engines for tables and
// functions that will be committed) what already exists.
Plan make_plan(const PluginRegistry& registry, const TaskConfig& task, const PackageModel& model,
               catalog::Catalog& catalog);

// Takes a plan's objects as they are planned, in plan order, instead of the plan's spool: an
// import writes them while the rest is planned (task/plan_stream.hpp).
class PlanSink {
  public:
    virtual ~PlanSink() = default;
    // Before the first object: the plan's destination, engines and task-level errors are set
    // (every object placed), so whether it is blocked is known; its warnings still grow.
    virtual void ready(const Plan& plan) = 0;
    // One planned object. False stops the planning: make_plan_into returns at once.
    virtual bool take(PlannedObject&& object) = 0;
    // Asked now and then before ready() too (placing every object takes a while): true stops the
    // planning as take() returning false does.
    virtual bool stopped() const { return false; }
};

// make_plan, with each object going to `sink` instead of plan.objects.
void make_plan_into(const PluginRegistry& registry, const TaskConfig& task, const PackageModel& model,
                    catalog::Catalog& catalog, Plan& plan, PlanSink& sink);

// The fingerprint of a stored object: every field of the record, its whole document, and its
// content through `content_sha256` (the SHA-256 of the content, which for a resource is never
// loaded while planning). Equal fingerprints mean an import changes nothing.
std::string fingerprint(const sdk::ObjectRecord& r, const std::string& content_sha256);

}  // namespace ferry::host
