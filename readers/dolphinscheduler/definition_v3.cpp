// DolphinScheduler 2.x and 3.x: a workflow definition, its task definitions and the relations
// between their codes (3.3 renames process to workflow).
#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "ds_codes.hpp"
#include "json_fields.hpp"
#include "process_readers.hpp"

namespace ferry::reader::ds {

std::optional<Process> read_v3_definition(const json& item, const std::string& entry, const std::string& project_folder,
                                          sdk::Diagnostics& diags) {
    Process p;
    p.layout = Layout::v3;
    p.entry = entry;
    const json& def = at_any(item, {"processDefinition", "workflowDefinition"});
    if (!def.is_object()) {
        diags.error(code::kFormat, "a workflow definition without its \"processDefinition\" (or \"workflowDefinition\") object",
                    "a 2.x/3.x export is [{processDefinition, processTaskRelationList, taskDefinitionList, schedule}]", entry);
        return std::nullopt;
    }
    p.key = text_at(def, "code");
    p.name = text_at(def, "name");
    if (p.key.empty()) p.key = p.name;
    p.project = !text_at(def, "projectName").empty() ? text_at(def, "projectName")
                : !project_folder.empty()          ? project_folder
                                                   : text_at(def, "projectCode");
    p.description = text_at(def, "description");
    p.timeout_minutes = number_at(def, "timeout");
    p.global_params = at(def, "globalParamList");
    if (!p.global_params.is_array()) p.global_params = embedded(at(def, "globalParams"));
    if (!p.global_params.is_array()) p.global_params = json::array();
    const std::string label = "process '" + p.name + "'";
    const json& tasks = at(item, "taskDefinitionList");
    if (!tasks.is_array()) {
        diags.error(code::kFormat, label + " has no \"taskDefinitionList\"",
                    "a 2.x/3.x export lists each workflow's task definitions beside it", entry);
        return std::nullopt;
    }
    if (tasks.empty()) {
        diags.error(code::kEmptyProcess, label + " has no tasks", "DolphinScheduler runs no empty process; remove it or add its tasks", entry);
        return std::nullopt;
    }
    // The process without its tasks: each task is kept whole in its own node.
    p.original = item;
    p.original.erase("taskDefinitionList");
    const json& schedule = at(item, "schedule");
    p.schedule = schedule_fields(schedule, kSchedule3);
    if (p.schedule.priority.empty()) p.schedule.priority = text_at(schedule, "workflowInstancePriority");  // 3.3
    bool ok = true;
    std::map<std::string, std::size_t> codes;  // task code -> its place in p.tasks
    for (const auto& raw : tasks) {
        Task t = task_fields(raw, kTask3);
        json params = at(raw, "taskParams");
        if (params.is_string()) {
            const std::string text = params.get<std::string>();
            std::string why, where;
            if (!parse_json(text, params, why, where)) {
                diags.error(code::kJson,
                            label + ": task '" + t.name + "' has taskParams that are not JSON (" + why + " at " + where +
                                " of the string)",
                            "export the workflow again from DolphinScheduler", entry);
                ok = false;
                continue;
            }
        }
        t.params = params.is_object() ? params : json::object();
        t.dependence = at(t.params, "dependence").is_object() ? at(t.params, "dependence") : at(raw, "dependence");
        if (!t.dependence.is_object()) t.dependence = json::object();
        t.condition_result = at(t.params, "conditionResult").is_object() ? at(t.params, "conditionResult")
                                                                         : embedded(at(raw, "conditionResult"));
        if (!t.condition_result.is_object()) t.condition_result = json::object();
        t.timeout_on = text_at(raw, "timeoutFlag") == "OPEN";
        t.timeout_strategy = text_at(raw, "timeoutNotifyStrategy");
        t.timeout_minutes = number_at(raw, "timeout");
        t.forbidden = text_at(raw, "flag") == "NO";
        if (t.key.empty()) {
            diags.error(code::kFormat, label + ": task '" + t.name + "' has no code",
                        "relations pair task codes; export the workflow again", entry);
            ok = false;
            continue;
        }
        if (!codes.emplace(t.key, p.tasks.size()).second) {
            diags.error(code::kDuplicateTask, label + " defines task code " + t.key + " twice",
                        "each task definition of a workflow has its own code", entry);
            ok = false;
            continue;
        }
        p.tasks.push_back(std::move(t));
    }
    const json& relations = at_any(item, {"processTaskRelationList", "workflowTaskRelationList"});
    if (relations.is_array())
        for (std::size_t i = 0; i < relations.size(); ++i) {
            const json& r = relations[i];
            const std::string pre = text_at(r, "preTaskCode");
            const std::string post = text_at(r, "postTaskCode");
            auto missing = [&](const std::string& which, const std::string& code) {
                diags.error(code::kRelation,
                            label + ": relation " + std::to_string(i + 1) + " names " + which + " task code " + code +
                                ", which the process does not define",
                            "export the workflow again; its relations must pair its own tasks", entry);
                ok = false;
            };
            if (!codes.count(post)) {
                missing("post", post.empty() ? "(none)" : post);
                continue;
            }
            if (pre.empty() || pre == "0") continue;  // a task that starts the workflow
            if (!codes.count(pre)) {
                missing("pre", pre);
                continue;
            }
            auto& ups = p.tasks[codes.at(post)].upstream;
            if (std::find(ups.begin(), ups.end(), pre) == ups.end()) ups.push_back(pre);
        }
    if (!ok) return std::nullopt;
    return p;
}

bool check_acyclic(const Process& p, sdk::Diagnostics& diags) {
    std::map<std::string, const Task*> by_key;
    for (const auto& t : p.tasks) by_key[t.key] = &t;
    std::map<std::string, int> state;  // 0 new, 1 on the path, 2 done
    // Depth first with a stack of its own: a chain of 100,000 tasks recursed as deep and crashed.
    std::vector<std::string> path;      // the keys on the path
    std::vector<std::size_t> next;      // for each, the next upstream to look at
    const auto enter = [&](const std::string& key) {
        state[key] = 1;
        path.push_back(key);
        next.push_back(0);
    };
    for (const auto& t : p.tasks) {
        if (state[t.key] != 0) continue;
        enter(t.key);
        while (!path.empty()) {
            const auto& ups = by_key[path.back()]->upstream;
            if (next.back() == ups.size()) {
                state[path.back()] = 2;
                path.pop_back();
                next.pop_back();
                continue;
            }
            const std::string& up = ups[next.back()++];
            if (state[up] == 1) {
                std::string loop;
                for (auto it = std::find(path.begin(), path.end(), up); it != path.end(); ++it)
                    loop += "'" + by_key[*it]->name + "' after ";
                diags.error(code::kCycle, "process '" + p.name + "': its relations loop: " + loop + "'" + by_key[up]->name + "'",
                            "a workflow's dependencies cannot loop; fix the process in DolphinScheduler", p.entry);
                return false;
            }
            if (state[up] == 0 && by_key.count(up)) enter(up);
        }
    }
    return true;
}

}  // namespace ferry::reader::ds
