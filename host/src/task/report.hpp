// The import report, with the product's four sections: Basic Information, Import Settings, Import
// results (per kind), Details (a row per object). Built once when a run ends and stored with the
// task; rendered as text, JSON or one self-contained HTML page.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ferry/catalog/catalog.hpp"
#include "ferry/sdk/diagnostic.hpp"
#include "package/model.hpp"
#include "task/task_config.hpp"

namespace ferry::host {

nlohmann::json build_report(const catalog::Task& task, const std::vector<catalog::JournalEntry>& journal,
                            const TaskConfig& config, const PackageModel& model, const sdk::Diagnostics& plan_diags);

// The settings section alone (also shown by `ferry task show`).
nlohmann::json settings_json(const TaskConfig& config);

std::string render_report_text(const nlohmann::json& report);
std::string render_report_summary(const nlohmann::json& report);  // results and counts, a few lines
std::string render_report_html(const nlohmann::json& report);

}  // namespace ferry::host
