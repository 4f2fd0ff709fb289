// The two shapes a DolphinScheduler process comes in, read into one Process:
//   1.3.x  {processDefinitionName, processDefinitionJson: "{tasks: [...], globalParams...}",
//           scheduleCrontab...}: tasks name their upstream tasks (preTasks) by name;
//   2.x/3.x {processDefinition, processTaskRelationList, taskDefinitionList, schedule} (3.3 spells
//           them workflowDefinition, workflowTaskRelationList): relations pair task codes.
// A process that cannot be read whole (no tasks, a relation to a task it lacks...) is an error and
// is not written; the others go on.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "ds_model.hpp"
#include "ferry/sdk/diagnostic.hpp"
#include "json_fields.hpp"

namespace ferry::reader::ds {

// What each layout calls the fields a task and a schedule have in both.
struct TaskFieldNames {
    const char* key;
    const char* type;
    const char* priority;
    const char* retries;
    const char* retry_interval;
};
inline constexpr TaskFieldNames kTask13 = {"id", "type", "taskInstancePriority", "maxRetryTimes", "retryInterval"};
inline constexpr TaskFieldNames kTask3 = {"code", "taskType", "taskPriority", "failRetryTimes", "failRetryInterval"};

struct ScheduleFieldNames {
    const char* crontab;
    const char* start;
    const char* end;
    const char* timezone;
    const char* failure_strategy;
    const char* priority;
    const char* release_state;
    const char* worker_group;
};
inline constexpr ScheduleFieldNames kSchedule13 = {"scheduleCrontab", "scheduleStartTime", "scheduleEndTime", "scheduleTimezoneId",
                                                   "scheduleFailureStrategy", "scheduleProcessInstancePriority",
                                                   "scheduleReleaseState", "scheduleWorkerGroupName"};
inline constexpr ScheduleFieldNames kSchedule3 = {"crontab", "startTime", "endTime", "timezoneId", "failureStrategy",
                                                  "processInstancePriority", "releaseState", "workerGroup"};

// A task's fields both layouts have; the rest (parameters, timeout, disabling) each reads its way.
inline Task task_fields(const json& raw, const TaskFieldNames& n) {
    Task t;
    t.original = raw;
    t.key = text_at(raw, n.key);
    t.name = text_at(raw, "name");
    t.type = text_at(raw, n.type);
    t.description = text_at(raw, "description");
    t.priority = text_at(raw, n.priority);
    t.retries = number_at(raw, n.retries);
    t.retry_interval_minutes = number_at(raw, n.retry_interval);
    t.worker_group = text_at(raw, "workerGroup");
    t.delay_minutes = number_at(raw, "delayTime");
    return t;
}

// A schedule; `present` when it has a crontab.
inline Schedule schedule_fields(const json& obj, const ScheduleFieldNames& n) {
    Schedule s;
    s.crontab = text_at(obj, n.crontab);
    s.present = !s.crontab.empty();
    s.start_time = text_at(obj, n.start);
    s.end_time = text_at(obj, n.end);
    s.timezone = text_at(obj, n.timezone);
    s.failure_strategy = text_at(obj, n.failure_strategy);
    s.priority = text_at(obj, n.priority);
    s.release_state = text_at(obj, n.release_state);
    s.worker_group = text_at(obj, n.worker_group);
    return s;
}

std::optional<Process> read_v1_process(const nlohmann::json& item, const std::string& entry,
                                       const std::string& project_folder, sdk::Diagnostics& diags);

std::optional<Process> read_v3_definition(const nlohmann::json& item, const std::string& entry,
                                          const std::string& project_folder, sdk::Diagnostics& diags);

// Relations that loop ("a after b after a") cannot be scheduled: an error naming the tasks.
bool check_acyclic(const Process& p, sdk::Diagnostics& diags);

}  // namespace ferry::reader::ds
