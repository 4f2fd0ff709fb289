#include "task/unchanged_rerun.hpp"

#include <nlohmann/json.hpp>

#include "ferry/sdk/source.hpp"
#include "package/package_reader.hpp"
#include "task/report.hpp"
#include "util/sha256.hpp"
#include "task/workspace_lock.hpp"

namespace ferry::host {

namespace state = catalog::task_state;

namespace {

void field(Sha256& h, const std::string& s) {
    // Length-prefixed, so no two different lists of fields hash alike.
    const std::string len = std::to_string(s.size()) + ":";
    h.update(len.data(), len.size());
    h.update(s.data(), s.size());
}

}  // namespace

std::string run_digest(const PluginRegistry& registry, const TaskConfig& task, const std::string& package_sha256,
                       std::int64_t workspace_revision) {
    Sha256 h;
    field(h, "ferry run digest 2");  // 1 listed every object's stamp instead of the revision
    field(h, task.text);
    field(h, task.path);
    for (const auto& p : registry.plugins()) {
        field(h, p.name);
        field(h, p.version);
        field(h, p.build_id);
    }
    field(h, package_sha256);
    field(h, task.workspace);
    field(h, std::to_string(workspace_revision));
    return h.hex();
}

std::optional<RunResult> rerun_if_unchanged(const PluginRegistry& registry, catalog::Catalog& catalog,
                                            const TaskConfig& task, const catalog::Task& previous,
                                            sdk::Diagnostics& diags) {
    // Cheapest checks first: the row, then the package's bytes, then the workspace under the lock.
    if (previous.state != state::import_success || previous.settings != task.text || previous.config_path != task.path)
        return std::nullopt;
    sdk::Diagnostics quiet;  // a catalog too old to hold a digest just means "run it all"
    const std::string stored = catalog.run_digest(task.name, quiet);
    if (stored.empty()) return std::nullopt;
    RunResult refused;
    refused.refused = true;
    PackageInfo info;
    auto source = open_task_source(registry, task, diags);
    if (!source || !hash_package(*source, task.source_plugin, task.max_size, info, diags)) return refused;
    if (info.sha256 != previous.package_sha256) return std::nullopt;

    const std::string holder = this_holder();
    if (!lock_workspace(catalog, task.workspace, task.name, holder, diags)) return refused;
    HeldLock lock(catalog, task.workspace, task.name, holder);  // released on every path out
    const std::int64_t revision = catalog.workspace_revision(task.workspace, diags);
    if (diags.has_errors() || run_digest(registry, task, info.sha256, revision) != stored) {
        if (diags.has_errors()) return refused;
        return std::nullopt;
    }

    catalog::Task row = previous;
    row.state = state::import_success;
    row.started_at = catalog::now_iso8601_utc();
    row.claimed_by = holder;
    row.package_path = info.location;
    row.package_size = static_cast<std::int64_t>(info.size);
    // The journal keeps what the last full run did to each object (nothing has happened to them
    // since); the report says this run found them all as that run left them.
    row.finished_at = catalog::now_iso8601_utc();
    const nlohmann::json before = nlohmann::json::parse(previous.report, nullptr, false);
    std::string format;
    if (before.is_object() && before.contains("basic") && before["basic"].contains("package"))
        format = before["basic"]["package"].value("format", "");
    auto counts = catalog.count_journal(task.name, diags);
    for (auto& c : counts)
        if (c.status == catalog::JournalStatus::succeeded) c.status = catalog::JournalStatus::unchanged;
    nlohmann::json report = build_report(row, counts, task, format, {});
    // Format and warnings are the last run's: the package and settings they came from are the same.
    if (before.is_object() && before.contains("warnings")) report["warnings"] = before["warnings"];
    report[kUnchangedRerun] = true;
    row.report = report.dump();
    // The task's row and the lock's release in one transaction, as every run ends.
    lock.stop_heartbeat();
    catalog::Transaction tx(catalog, diags);
    if (diags.has_errors() || !catalog.update_task(row, diags) ||
        !catalog.release_lock(task.workspace, task.name, diags) || !tx.commit(diags))
        return refused;
    lock.mark_released();
    RunResult result;
    result.state = state::import_success;
    result.unchanged_rerun = true;
    return result;
}

}  // namespace ferry::host
