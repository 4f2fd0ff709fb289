#include "cli/plan_json.hpp"

#include "cli/output.hpp"

namespace ferry::host {

using nlohmann::json;

json field_changes_json(const std::vector<FieldChange>& changes) {
    json out = json::array();
    for (const auto& c : changes) out.push_back({{"path", c.path}, {"before", c.before}, {"after", c.after}});
    return out;
}

json plan_json(const TaskConfig& task, const Plan& plan) {
    json objects = json::array();
    for (const auto& o : plan.objects) {
        json notes = json::array();
        for (const auto& n : o.notes) notes.push_back(n.summary);
        objects.push_back({{"kind", sdk::to_string(o.kind)},
                           {"name", o.name},
                           {"action", sdk::to_string(o.action)},
                           {"reason", o.reason},
                           {"engine_instance", o.record.engine_instance},
                           {"owner_before", o.owner_before},
                           {"owner_after", o.record.owner},
                           {"resource_group", o.record.resource_group},
                           {"dry_run", o.record.dry_run},
                           // Every statement an engine will run for this object.
                           {"commit_to_engine", o.commit_to_engine},
                           {"statements", o.statements},
                           {"notes", notes},
                           // What the task's mappings change in the package's object.
                           {"changes", field_changes_json(o.changes)},
                           // An update or a conflict: how it differs from the workspace's version.
                           {"differences", field_changes_json(o.differences)}});
    }
    json summary = json::object();
    for (auto a : {sdk::Action::create, sdk::Action::update, sdk::Action::unchanged, sdk::Action::conflict,
                   sdk::Action::fail})
        summary[sdk::to_string(a)] = plan.count(a);
    return {{"task", task.name},         {"workspace", task.workspace},
            {"blocked", plan.blocked()}, {"summary", summary},
            {"objects", objects},        {"diagnostics", diagnostics_json(plan.diagnostics)}};
}

}  // namespace ferry::host
