// A plan as one JSON document: what `ferry plan --json` prints and what the web console's plan
// shows, from the same code.
#pragma once

#include <nlohmann/json.hpp>

#include "task/planner.hpp"
#include "task/task_config.hpp"

namespace ferry::host {

// {"task", "workspace", "blocked", "summary": {create, update, ...}, "objects": [{"kind", "name",
// "action", "reason", "engine_instance", "owner_before", "owner_after", "resource_group", "dry_run",
// "commit_to_engine", "statements", "notes", "changes": [{path, before, after}], "differences":
// [...]}], "diagnostics"}.
nlohmann::json plan_json(const TaskConfig& task, const Plan& plan);

// [{"path", "before", "after"}...]
nlohmann::json field_changes_json(const std::vector<FieldChange>& changes);

}  // namespace ferry::host
