// What the reader knows of an export once its entries are read: one shape for both layouts (1.3's
// process metadata with a JSON string inside, 2.x/3.x's definition lists), so the FlowSpec writer
// has one input. Every field the writer does not map stays in `original`, written whole under the
// object's "dolphinscheduler" key.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ferry::reader::ds {

using json = nlohmann::json;

enum class Layout { v1, v3 };  // 1.3.x process metadata; 2.x/3.x workflow definitions

struct Task {
    std::string key;        // the task's own identity: 1.3 "tasks-123", 2.x/3.x the code
    std::string name;       // as DolphinScheduler wrote it
    std::string type;       // SHELL, SQL, ...
    std::string description;
    json params = json::object();      // taskParams (3.x) / params (1.3)
    json dependence = json::object();  // DEPENDENT and CONDITIONS: the items and relations
    json condition_result = json::object();  // CONDITIONS: successNode / failedNode (names in 1.3, codes in 3.x)
    json original = json::object();    // the task as exported
    std::string priority;   // HIGHEST, HIGH, MEDIUM, LOW, LOWEST
    std::int64_t retries = 0;
    std::int64_t retry_interval_minutes = 0;
    bool timeout_on = false;
    std::string timeout_strategy;  // WARN, FAILED, WARNFAILED
    std::int64_t timeout_minutes = 0;
    bool forbidden = false;  // runFlag FORBIDDEN (1.3) / flag NO (3.x): skipped, downstream still runs
    std::string worker_group;
    std::int64_t delay_minutes = 0;
    std::vector<std::string> upstream;  // keys of the tasks it follows
};

struct Schedule {
    bool present = false;
    std::string crontab;
    std::string start_time;
    std::string end_time;
    std::string timezone;
    std::string failure_strategy;  // CONTINUE, END
    std::string priority;
    std::string release_state;     // ONLINE, OFFLINE
    std::string worker_group;
};

struct Process {
    Layout layout = Layout::v3;
    std::string entry;    // the package entry it came from
    std::string key;      // 1.3 the process id, 3.x the code
    std::string name;
    std::string project;  // 1.3 the project folder/name; 3.x the project code when no name
    std::string description;
    json global_params = json::array();  // [{prop, direct, type, value}]
    std::int64_t timeout_minutes = 0;
    Schedule schedule;
    std::vector<Task> tasks;
    json original = json::object();  // the process without its tasks (definition, relations, schedule...)
};

// A data source or a UDF function: listed by id, its type and the rest in the original.
struct Listed {
    std::string id;
    std::string name;
    std::string entry;
    json original;
};
using DataSource = Listed;
using UdfFunction = Listed;

struct ResourceInfo {
    std::string id;
    std::string full_name;  // path in DolphinScheduler's resource centre, e.g. "test_folder/a.jar"
    std::string name;
    std::string type;       // FILE, UDF
    std::string entry;
    json original;
};

// Everything the entries held, in the order they came.
struct Export {
    std::string version;  // package_info.json's, when there is one
    json projects = json::array();
    std::vector<Process> processes;
    std::vector<DataSource> datasources;
    std::vector<ResourceInfo> resources;
    std::vector<UdfFunction> udfs;
    std::map<std::string, std::string> resource_files;  // full name -> path written in the output
};

}  // namespace ferry::reader::ds
