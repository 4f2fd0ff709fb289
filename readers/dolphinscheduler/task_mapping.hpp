// A DolphinScheduler task that runs code, as a DataWorks node: which command (upstream's
// CodeProgramType name), what code, on which data source, with which resources. The control tasks
// (CONDITIONS, SWITCH, DEPENDENT, SUB_PROCESS) are the workflow's business: workflow_document.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ds_model.hpp"
#include "ferry/sdk/diagnostic.hpp"

namespace ferry::reader::ds {

struct Note {
    sdk::Severity severity = sdk::Severity::warning;
    std::string code;
    std::string message;  // about the task; the caller says which process and task
};

// What the whole export tells about the objects a task names.
struct Lookups {
    std::map<std::string, std::string> datasource_name;  // DolphinScheduler id -> the data source's name
    std::map<std::string, const ResourceInfo*> resource_by_id;
    std::set<std::string> resource_names;                 // the names of the resources the export holds
    std::map<std::string, std::string> udf_name;          // id -> function name
};

struct NodeCode {
    std::string command;   // CODE_PROGRAM_TYPE name, e.g. EMR_HIVE
    std::string language;  // shell, python, sql, json
    std::string code;
    nlohmann::json datasource;  // {name, type}, or null
    nlohmann::json file_resources = nlohmann::json::array();
    nlohmann::json functions = nlohmann::json::array();
    // The task as kept under "dolphinscheduler" when a secret had to come out of it (else null).
    nlohmann::json scrubbed_original;
    std::vector<Note> notes;
};

// CONDITIONS, SWITCH, DEPENDENT, SUB_PROCESS / SUB_WORKFLOW.
bool is_control_task(const std::string& type);

NodeCode map_code_task(const Task& task, const Lookups& lookups);

// The name a resource reference ({id}, {resourceName: "file:/..."}, {res, name}) stands for.
std::string resource_name(const nlohmann::json& ref, const Lookups& lookups);
// "python", "jar", "archive" or "file", from the name's extension.
std::string resource_type(const std::string& name);

// Removes secret-named fields (the host's rule, ferry::cloud::secret_field) below `j`; returns
// their JSON pointers.
std::vector<std::string> remove_secrets(nlohmann::json& j, const std::string& at = "");

}  // namespace ferry::reader::ds
