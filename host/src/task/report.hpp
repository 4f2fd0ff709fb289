// The import report, with the product's four sections: Basic Information, Import Settings, Import
// results (per kind), Details (a row per object). The first three are built when a run ends and
// stored with the task; the details are the task's journal, attached when the report is read (a
// copy of 100,000 rows in the task row cost every run a multi-megabyte write). Rendered as text,
// JSON or one self-contained HTML page.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ferry/catalog/catalog.hpp"
#include "ferry/sdk/diagnostic.hpp"
#include "package/model.hpp"
#include "task/task_config.hpp"

namespace ferry::host {

// The stored report's key marking a run that found nothing changed (task/unchanged_rerun.hpp):
// its details are the journal's objects, as unchanged.
inline constexpr const char* kUnchangedRerun = "unchanged_rerun";
// How such a run explains itself, in the CLI's output and in each object's message.
inline constexpr const char* kNothingChanged =
    "nothing changed since the last run (same package, settings, plugins and workspace)";

// The stored part: basic information, settings, results counted per kind and status, warnings.
nlohmann::json build_report(const catalog::Task& task, const std::vector<catalog::JournalCount>& counts,
                            const TaskConfig& config, const std::string& package_format,
                            const sdk::Diagnostics& plan_diags);
// The details section: a row per journal entry.
nlohmann::json details_json(const std::vector<catalog::JournalEntry>& journal);
// The whole report of a task's last run: the stored part with its details from the journal. Null
// with an error when the stored report is not JSON.
nlohmann::json load_report(catalog::Catalog& catalog, const catalog::Task& task, sdk::Diagnostics& diags);

// The settings section alone (also shown by `ferry task show`).
nlohmann::json settings_json(const TaskConfig& config);

std::string render_report_text(const nlohmann::json& report);
std::string render_report_summary(const nlohmann::json& report);  // results and counts, a few lines
std::string render_report_html(const nlohmann::json& report);

}  // namespace ferry::host
