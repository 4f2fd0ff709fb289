#include "task/task_service.hpp"

#include <filesystem>
#include <optional>
#include <system_error>

#include "package/package_check.hpp"
#include "task/engine_routing.hpp"
#include "task/plan_stream.hpp"
#include "task/unchanged_rerun.hpp"
#include "task/workspace_lock.hpp"

namespace ferry::host {

namespace state = catalog::task_state;

std::optional<catalog::Task> require_task(catalog::Catalog& catalog, const std::string& name, sdk::Diagnostics& diags) {
    auto row = catalog.get_task(name, diags);
    if (!row && !diags.has_errors())
        diags.error(catalog::codes::task_not_found, "there is no task named '" + name + "' in " + catalog.display_uri(),
                    "`ferry tasks` lists the tasks there are; pass --catalog if the task lives elsewhere", name);
    return row;
}

namespace {

// Reads the task's package and checks it, then runs `then` (planning); false when either failed.
// `read` runs between reading and checking.
template <class Read, class Then>
bool read_and_check(const PluginRegistry& registry, const TaskConfig& task, LoadedPackage& package,
                    sdk::Diagnostics& diags, Read&& read, Then&& then) {
    try {
        if (!load_task_package(registry, task, package, diags)) return false;
        read();
        check_package_with(registry, package.model, diags);
        if (diags.has_errors()) return false;
        then();
    } catch (const SpoolError& e) {
        // The model and the plan live in temporary files (util/object_spool.hpp); nothing has
        // been written to the workspace yet.
        diags.error("FERRY-PKG-SPOOL", e.what(), "check free space and permissions of the temporary folder (TMPDIR)",
                    task.path);
        return false;
    }
    return true;
}

}  // namespace

bool prepare_task(const PluginRegistry& registry, const TaskConfig& task, catalog::Catalog& catalog,
                  LoadedPackage& package, Plan& plan, sdk::Diagnostics& diags) {
    return read_and_check(registry, task, package, diags, [] {},
                          [&] { plan = make_plan(registry, task, package.model, catalog); });
}

bool create_task_row(catalog::Catalog& catalog, const TaskConfig& task, const std::string& creator,
                     sdk::Diagnostics& diags) {
    catalog::Task row;
    row.name = task.name;
    row.workspace = task.workspace;
    row.remarks = task.remarks;
    row.settings = task.text;
    row.config_path = task.path;
    row.created_by = creator.empty() ? task.importer : creator;
    row.importer = task.importer;
    return catalog.create_task(row, diags) && catalog.ensure_workspace(task.workspace, diags);
}

bool edit_task_row(catalog::Catalog& catalog, const std::string& name, const TaskConfig& task,
                   sdk::Diagnostics& diags) {
    auto row = require_task(catalog, name, diags);
    if (!row) return false;
    if (row->state != state::editing) {
        diags.error("FERRY-TASK-STATE", "task '" + name + "' is " + row->state + "; only EDITING tasks can be edited",
                    "create a new task instead", name);
        return false;
    }
    if (task.name != name) {
        diags.error("FERRY-TASK-NAME", "the settings name task '" + task.name + "', not '" + name + "'",
                    "keep [task] name = \"" + name + "\" when editing", task.path);
        return false;
    }
    row->settings = task.text;
    row->config_path = task.path;
    row->remarks = task.remarks;
    row->workspace = task.workspace;
    row->importer = task.importer;
    return catalog.update_task(*row, diags);
}

bool delete_task_row(catalog::Catalog& catalog, const std::string& name, sdk::Diagnostics& diags) {
    auto row = require_task(catalog, name, diags);
    if (!row) return false;
    if (row->state == state::importing && importer_alive(catalog, *row)) {
        diags.error("FERRY-TASK-STATE", "task '" + name + "' is importing; it cannot be deleted now",
                    "wait for the import to end", name);
        return false;
    }
    return catalog.delete_task(name, diags);
}

bool load_stored_task(const PluginRegistry& registry, catalog::Catalog& catalog, const std::string& name,
                      catalog::Task& row, TaskConfig& task, sdk::Diagnostics& diags) {
    auto found = require_task(catalog, name, diags);
    if (!found) return false;
    row = *found;
    if (!row.kind.empty() && row.kind != "import") {
        diags.error("FERRY-TASK-KIND", "task '" + row.name + "' is an " + row.kind + " task, not an import",
                    "run `ferry export` again to export again; `ferry report " + row.name + "` shows how it ended",
                    row.name);
        return false;
    }
    if (!parse_task_config(row.settings, row.config_path, registry, task, diags)) return false;
    if (!task.redacted) return true;
    // The stored copy lost its presigned signature (config_secrets.hpp): the task file still has
    // it, and must otherwise be the settings the task was stored with.
    TaskConfig from_file;
    sdk::Diagnostics file_diags;
    if (load_task_config(row.config_path, registry, from_file, file_diags) && from_file.text == row.settings) {
        task = std::move(from_file);
        return true;
    }
    diags.error("FERRY-TASK-SECRET-MISSING",
                "task '" + name + "' reads its package from a presigned address whose signature ferry does not "
                "store; it is read again from the task file " + row.config_path +
                    (std::filesystem::exists(row.config_path) ? ", which no longer holds the task's settings"
                                                              : ", which is gone"),
                "put the task file back as it was, or create a new task with a fresh address", row.config_path);
    return false;
}

RunResult import_task(const PluginRegistry& registry, catalog::Catalog& catalog, const TaskConfig& task,
                      const std::function<bool(const Plan&)>& confirm, ProgressSink* progress,
                      sdk::Diagnostics& diags) {
    RunResult refused;
    refused.refused = true;
    sdk::Diagnostics lookup;  // "not found" is the normal case for a new task
    auto existing = catalog.get_task(task.name, lookup);
    if (existing && existing->workspace != task.workspace) {
        diags.error("FERRY-TASK-EXISTS", "task '" + task.name + "' already exists for workspace '" + existing->workspace + "'",
                    "task names are unique: choose another name", task.path);
        return refused;
    }
    if (existing && existing->state == state::importing) {
        if (importer_alive(catalog, *existing)) {
            diags.error("FERRY-TASK-STATE", "task '" + task.name + "' is importing (" + existing->claimed_by + ")",
                        "wait for it to finish", task.path);
            return refused;
        }
        // Its last import died part way: finish that run first, from its journal and package.
        diags.warning("FERRY-TASK-RESUMED",
                      "task '" + task.name + "' was left IMPORTING by " + existing->claimed_by +
                          ", which is gone; finishing that run (as `ferry reimport " + task.name + "` would)",
                      "", task.path);
        return reimport_task(registry, catalog, task.name, progress, diags);
    }
    // Nothing to confirm when nothing would change: an unchanged re-run writes no object.
    if (existing)
        if (auto rerun = rerun_if_unchanged(registry, catalog, task, *existing, diags)) return *rerun;
    LoadedPackage package;
    Plan plan;
    // With nobody to confirm the plan and no engine involved, the plan is made while the run writes
    // (plan_stream.hpp), starting as soon as the package is read: a package the check refuses
    // stops it. Otherwise the plan is made whole, first. Declared after the package it reads.
    std::optional<PlanStream> stream;
    const bool streamed = !confirm && Importer::streams_plan(task);
    auto start_planning = [&] {
        // Without a second connection to the same data, or a thread, the importer plans first.
        if (!catalog.reopen_shares_data()) return;
        sdk::Diagnostics reopen_diags;
        auto own = catalog.reopen(reopen_diags);
        if (!own) return;
        try {
            stream.emplace(registry, task, package.model, std::move(own));
        } catch (const std::system_error&) {
        }
    };
    // However the run ends, the stream's plan is stopped and its diagnostics reported after the
    // run's, as a whole plan's are. A run refused before it started reports none, as before.
    auto with_plan_diagnostics = [&](RunResult r) {
        if (stream) {
            stream->stop();
            diags.append(stream->plan().diagnostics);
        }
        return r;
    };
    bool plan_started = true;
    if (streamed ? !read_and_check(registry, task, package, diags, start_planning,
                                   [&] {
                                       // Planned up to its first object before the previous run's
                                       // journal goes: a plan that cannot start changes nothing.
                                       if (stream && !stream->wait_ready()) {
                                           stream->finish();  // throws what ended it
                                           plan_started = false;
                                       }
                                   })
                 : !prepare_task(registry, task, catalog, package, plan, diags))
        return refused;
    if (!plan_started) {
        diags.error("FERRY-INTERNAL", "the plan ended before its first object, with no reason given",
                    "nothing was written; run the import again, and report this if it happens again", task.path);
        return refused;
    }
    if (confirm && !confirm(plan)) return refused;
    // A finished task run again starts from a clean journal; an EDITING task keeps its row.
    if (existing && existing->state != state::editing && !catalog.delete_task(task.name, diags)) return refused;
    if (!existing || existing->state != state::editing) {
        if (!create_task_row(catalog, task, task.importer, diags)) return refused;
    } else {
        existing->settings = task.text;
        existing->config_path = task.path;
        existing->remarks = task.remarks;
        if (!catalog.update_task(*existing, diags) || !catalog.ensure_workspace(task.workspace, diags)) return refused;
    }
    Importer importer(registry, catalog, task);
    if (streamed)
        return with_plan_diagnostics(importer.run_streaming(package, stream ? &*stream : nullptr, progress, diags));
    RunResult result = importer.run(package, plan, false, progress, diags);
    diags.append(plan.diagnostics);
    return result;
}

RunResult reimport_task(const PluginRegistry& registry, catalog::Catalog& catalog, const std::string& name,
                        ProgressSink* progress, sdk::Diagnostics& diags) {
    RunResult refused;
    refused.refused = true;
    catalog::Task row;
    TaskConfig task;
    if (!load_stored_task(registry, catalog, name, row, task, diags)) return refused;
    const bool crashed = row.state == state::importing && !importer_alive(catalog, row);
    if (row.state != state::import_error && row.state != state::partial_success && !crashed) {
        diags.error("FERRY-TASK-STATE",
                    "task '" + row.name + "' is " + row.state +
                        ": only a task that ended IMPORT_ERROR or PARTIAL_SUCCESS, or whose import died, can be "
                        "re-imported",
                    row.state == state::editing ? "run `ferry import` on its config" : "", row.name);
        return refused;
    }
    LoadedPackage package;
    Plan plan;
    if (!prepare_task(registry, task, catalog, package, plan, diags)) return refused;
    if (!row.package_sha256.empty() && package.model.info.sha256 != row.package_sha256) {
        diags.error("FERRY-TASK-PACKAGE-CHANGED",
                    "the package is not the one this task imported (SHA-256 " + package.model.info.sha256 + ", was " +
                        row.package_sha256 + ")",
                    "re-import needs the same package; to import a new one, create a new task", row.package_path);
        return refused;
    }
    Importer importer(registry, catalog, task);
    RunResult result = importer.run(package, plan, true, progress, diags);
    diags.append(plan.diagnostics);
    return result;
}

}  // namespace ferry::host
