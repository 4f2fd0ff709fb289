// The reader's diagnostic codes. Stable: tests and scripts match on them; never reuse one for
// another meaning. docs/package-format.md ("Every FERRY-DS code") lists each with what it means.
#pragma once

namespace ferry::reader::ds::code {

// The export itself.
inline constexpr const char* kJson = "FERRY-DS-JSON";                  // an entry or embedded string that is not JSON
inline constexpr const char* kFormat = "FERRY-DS-FORMAT";              // JSON, but not the shape DolphinScheduler writes
inline constexpr const char* kEntry = "FERRY-DS-ENTRY";                // an entry the reader does not use
inline constexpr const char* kNoProcess = "FERRY-DS-NO-PROCESS";       // the export holds no process definition
inline constexpr const char* kEmptyProcess = "FERRY-DS-EMPTY-PROCESS"; // a process with no tasks
inline constexpr const char* kRelation = "FERRY-DS-RELATION";          // a relation naming a task the process lacks
inline constexpr const char* kDuplicateTask = "FERRY-DS-DUPLICATE-TASK";
inline constexpr const char* kDuplicateProcess = "FERRY-DS-DUPLICATE-PROCESS";
inline constexpr const char* kCycle = "FERRY-DS-CYCLE";                // relations, or sub-processes, that loop
inline constexpr const char* kInternal = "FERRY-DS-INTERNAL";          // the reader failed on an entry

// Tasks.
inline constexpr const char* kTaskType = "FERRY-DS-TASK-TYPE";         // a task type with no mapping: CUSTOM node
inline constexpr const char* kSqlType = "FERRY-DS-SQL-TYPE";           // a SQL/PROCEDURE database with no command
inline constexpr const char* kDatasource = "FERRY-DS-DATASOURCE";      // a task's data source the export does not hold
inline constexpr const char* kResource = "FERRY-DS-RESOURCE";          // a task's resource the export does not describe
inline constexpr const char* kCondition = "FERRY-DS-CONDITION";        // CONDITIONS/SWITCH to review; a branch to no task
inline constexpr const char* kDependent = "FERRY-DS-DEPENDENT";        // a DEPENDENT item outside the export
inline constexpr const char* kDependentDate = "FERRY-DS-DEPENDENT-DATE";  // a date range with no DataWorks dependency type
inline constexpr const char* kSubProcess = "FERRY-DS-SUBPROCESS";      // a sub-process outside the export, or shared
inline constexpr const char* kTimeout = "FERRY-DS-TIMEOUT";            // a warn-only timeout (DataWorks' timeout kills)
inline constexpr const char* kName = "FERRY-DS-NAME";                  // a name changed to one DataWorks accepts
inline constexpr const char* kSecret = "FERRY-DS-SECRET";              // a secret left out of the output
inline constexpr const char* kFunction = "FERRY-DS-FUNCTION";          // a task's UDF the export does not describe
inline constexpr const char* kNotCarried = "FERRY-DS-NOT-CARRIED";     // a setting DataWorks has no field for: kept only
inline constexpr const char* kValue = "FERRY-DS-VALUE";                // a value DataWorks cannot hold as written

// Schedules.
inline constexpr const char* kCron = "FERRY-DS-CRON";                  // a crontab the reader cannot read
inline constexpr const char* kCronSeconds = "FERRY-DS-CRON-SECONDS";
inline constexpr const char* kCronYear = "FERRY-DS-CRON-YEAR";
inline constexpr const char* kCronWeekday = "FERRY-DS-CRON-WEEKDAY";
inline constexpr const char* kCronSpecial = "FERRY-DS-CRON-SPECIAL";   // L and #: DataWorks custom expressions only
inline constexpr const char* kCronUnsupported = "FERRY-DS-CRON-UNSUPPORTED";  // W, LW, L-n
inline constexpr const char* kScheduleOffline = "FERRY-DS-SCHEDULE-OFFLINE";

// Parameters.
inline constexpr const char* kParameter = "FERRY-DS-PARAMETER";        // a built-in with no DataWorks equivalent
inline constexpr const char* kParameterInCode = "FERRY-DS-PARAMETER-IN-CODE";  // built-ins in code, declared as parameters

// Catalog objects.
inline constexpr const char* kResourceBytes = "FERRY-DS-RESOURCE-BYTES";  // a resource listed without its file
inline constexpr const char* kResourcePath = "FERRY-DS-RESOURCE-PATH";    // a full name that is no path below resources

}  // namespace ferry::reader::ds::code
