// DolphinScheduler 1.3.x: process metadata with the process itself as a JSON string.
#include <map>

#include "ds_codes.hpp"
#include "json_fields.hpp"
#include "process_readers.hpp"

namespace ferry::reader::ds {

std::optional<Process> read_v1_process(const json& item, const std::string& entry, const std::string& project_folder,
                                       sdk::Diagnostics& diags) {
    Process p;
    p.layout = Layout::v1;
    p.entry = entry;
    p.key = text_at(item, "processDefinitionId");
    p.name = text_at(item, "processDefinitionName");
    p.project = text_at(item, "projectName").empty() ? project_folder : text_at(item, "projectName");
    p.description = text_at(item, "processDefinitionDescription");
    const std::string label = "process '" + p.name + "'";
    json definition = at(item, "processDefinitionJson");
    if (definition.is_string()) {
        const std::string raw = definition.get<std::string>();
        std::string why, where;
        if (!parse_json(raw, definition, why, where)) {
            diags.error(code::kJson, label + ": processDefinitionJson is not JSON (" + why + " at " + where + " of the string)",
                        "export the project again from DolphinScheduler", entry);
            return std::nullopt;
        }
    }
    if (!definition.is_object() || !at(definition, "tasks").is_array()) {
        diags.error(code::kFormat, label + ": processDefinitionJson holds no task list (\"tasks\")",
                    "a 1.3 process is {processDefinitionName, processDefinitionJson: {tasks: [...]}}", entry);
        return std::nullopt;
    }
    if (p.key.empty()) p.key = p.name;
    const json& tasks = definition["tasks"];
    if (tasks.empty()) {
        diags.error(code::kEmptyProcess, label + " has no tasks", "DolphinScheduler runs no empty process; remove it or add its tasks", entry);
        return std::nullopt;
    }
    p.global_params = embedded(at(definition, "globalParams"));
    if (!p.global_params.is_array()) p.global_params = json::array();
    p.timeout_minutes = number_at(definition, "timeout");
    // The process without its tasks: each task is kept whole in its own node.
    p.original = item;
    json kept = definition;
    kept.erase("tasks");
    p.original["processDefinitionJson"] = kept;
    p.schedule = schedule_fields(item, kSchedule13);
    std::map<std::string, std::string> key_of;  // name -> task id
    std::map<std::string, std::string> name_of;  // task id -> name
    bool ok = true;
    for (const auto& raw : tasks) {
        Task t = task_fields(raw, kTask13);
        t.params = embedded(at(raw, "params"));
        if (!t.params.is_object()) t.params = json::object();
        t.dependence = at(raw, "dependence").is_object() ? at(raw, "dependence") : json::object();
        t.condition_result = at(raw, "conditionResult").is_object() ? at(raw, "conditionResult") : json::object();
        const json& timeout = at(raw, "timeout");
        t.timeout_on = truthy(at(timeout, "enable"));
        t.timeout_strategy = text_at(timeout, "strategy");
        t.timeout_minutes = number_at(timeout, "interval");
        t.forbidden = text_at(raw, "runFlag") == "FORBIDDEN";
        if (t.key.empty()) t.key = t.name;
        if (!key_of.emplace(t.name, t.key).second) {
            diags.error(code::kDuplicateTask, label + " defines two tasks named '" + t.name + "'",
                        "1.3 relations name tasks, so names must be unique in a process", entry);
            ok = false;
        } else if (auto [it, fresh] = name_of.emplace(t.key, t.name); !fresh) {
            // Ids name the nodes (ds13-<process>-<id>): two tasks with one id would be one node.
            diags.error(code::kDuplicateTask,
                        label + ": tasks '" + it->second + "' and '" + t.name + "' have one id, " + t.key,
                        "each task of a 1.3 process has its own id; export the process again", entry);
            ok = false;
        }
        p.tasks.push_back(std::move(t));
    }
    for (auto& t : p.tasks) {
        const json& pre = at(t.original, "preTasks");
        if (!pre.is_array()) continue;
        for (const auto& u : pre) {
            const std::string name = text(u);
            auto it = key_of.find(name);
            if (it == key_of.end()) {
                diags.error(code::kRelation,
                            label + ": task '" + t.name + "' follows task '" + name + "', which the process does not define",
                            "export the process again; its relations must name its own tasks", entry);
                ok = false;
                continue;
            }
            t.upstream.push_back(it->second);
        }
    }
    if (!ok) return std::nullopt;
    return p;
}

}  // namespace ferry::reader::ds
