// One process definition as one FlowSpec workflow document: a `spec.workflows[]` entry holding the
// task nodes and their dependencies, the trigger from the schedule and the global parameters, so the
// workflow stays whole. Written at DataStudio/业务流程/<workflow>/<workflow>.schedule.json.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "ds_model.hpp"
#include "ferry/sdk/diagnostic.hpp"
#include "task_mapping.hpp"

namespace ferry::reader::ds {

// What is decided for every process before any is written: ids and names, so documents can
// point at each other (DEPENDENT, SUB_PROCESS).
struct ProcessPlan {
    const Process* process = nullptr;
    std::string workflow_id;
    std::string workflow_name;
    std::map<std::string, std::string> node_id;      // task key -> node id
    std::map<std::string, std::string> node_name;    // task key -> node name
    std::map<std::string, std::string> key_by_name;  // DolphinScheduler task name -> key
};

struct PackagePlan {
    std::vector<ProcessPlan> processes;
    std::map<std::string, std::size_t> by_key;  // process key (1.3 id, 3.x code) -> index
    // A process run by SUB_PROCESS tasks: (parent index, task key) for each.
    std::map<std::string, std::vector<std::pair<std::size_t, std::string>>> parents;
    Lookups lookups;
    std::set<std::string> refused;  // keys of processes the export holds but that are not written
};

// Ids: 3.x codes are unique in a DolphinScheduler instance and kept as they are; 1.3's process ids
// are small numbers and its task ids ("tasks-123") unique only within a process, so they are
// prefixed: "ds13-<process id>", "ds13-<process id>-<task id>".
std::string workflow_id_for(Layout layout, const std::string& process_key);
std::string node_id_for(Layout layout, const std::string& process_key, const std::string& task_key);

// Plans ids and names for every process (names made acceptable and unique, each change a
// FERRY-DS-NAME warning).
PackagePlan plan_package(const std::vector<const Process*>& processes, Lookups lookups, sdk::Diagnostics& diags);

// The process a SUB_PROCESS / SUB_WORKFLOW task runs ("(none)" when it names none); "" for others.
std::string sub_process_key(const Task& t);

// Processes whose SUB_PROCESS tasks run each other in a loop ('a' runs 'b' runs 'a', or 'a' runs
// itself) cannot be scheduled: error FERRY-DS-CYCLE naming the loop; the processes on it are left out.
std::vector<const Process*> without_sub_process_loops(const std::vector<const Process*>& processes,
                                                      sdk::Diagnostics& diags);

struct Document {
    std::string path;
    nlohmann::json json;
};

Document workflow_document(const PackagePlan& plan, std::size_t index, sdk::Diagnostics& diags);

}  // namespace ferry::reader::ds
