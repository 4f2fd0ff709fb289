#include "task/importer.hpp"

#include <map>
#include <set>
#include <stdexcept>

#include "ferry/sdk/committer.hpp"
#include "ferry/sdk/destination.hpp"
#include "ferry/sdk/source.hpp"
#include "package/package_reader.hpp"
#include "plugin/guarded_call.hpp"
#include "task/object_lander.hpp"
#include "task/plan_stream.hpp"
#include "task/run_finisher.hpp"
#include "task/workspace_lock.hpp"

namespace ferry::host {

using catalog::JournalStatus;

std::shared_ptr<sdk::Source> open_task_source(const PluginRegistry& registry, const TaskConfig& task,
                                              sdk::Diagnostics& diags) {
    const PluginInfo* plugin = registry.find(sdk::PluginKind::source, task.source_plugin);
    if (!plugin) {
        diags.error("FERRY-CONFIG-PLUGIN", "no source plugin '" + task.source_plugin + "' is loaded", "", task.path);
        return nullptr;
    }
    return registry.create_as<sdk::Source>(*plugin, task.source_config, "", diags);
}

bool load_task_package(const PluginRegistry& registry, const TaskConfig& task, LoadedPackage& out,
                       sdk::Diagnostics& diags) {
    auto source = open_task_source(registry, task, diags);
    if (!source) return false;
    try {
        out.spool = std::make_unique<TempDir>("ferry-import-");
    } catch (const SpoolError& e) {
        diags.error("FERRY-PKG-SPOOL", e.what(), "check free space and permissions of the temporary folder (TMPDIR)",
                    task.path);
        return false;
    }
    ReadOptions options;
    options.registry = &registry;
    options.max_size = task.max_size;
    const std::filesystem::path spool_dir = out.spool->path();
    options.spool_dir = &spool_dir;
    return read_package(*source, task.source_plugin, options, out.model, diags);
}

Importer::Importer(const PluginRegistry& registry, catalog::Catalog& catalog, const TaskConfig& task)
    : registry_(registry), catalog_(catalog), task_(task) {}

RunResult Importer::run(const LoadedPackage& package, Plan& plan, bool resume, ProgressSink* progress,
                        sdk::Diagnostics& diags) {
    return run_with(package, &plan, nullptr, resume, progress, diags);
}

RunResult Importer::run_streaming(const LoadedPackage& package, PlanStream* stream, ProgressSink* progress,
                                  sdk::Diagnostics& diags) {
    return run_with(package, nullptr, stream, false, progress, diags);
}

bool Importer::streams_plan(const TaskConfig& task) {
    return !task.commit.any_engine_commit() && task.destination == "catalog";
}

RunResult Importer::run_with(const LoadedPackage& package, Plan* plan, PlanStream* stream, bool resume,
                             ProgressSink* progress, sdk::Diagnostics& diags) {
    RunResult result;
    result.refused = true;
    const std::string holder = this_holder();
    if (!lock_workspace(catalog_, task_.workspace, task_.name, holder, diags)) return result;
    // From here on every path, a throw included, releases the lock (HeldLock's destructor) unless
    // the transaction that ends the task did.
    HeldLock lock(catalog_, task_.workspace, task_.name, holder);
    auto row = catalog_.get_task(task_.name, diags);
    if (!row) return result;
    try {
        return run_locked(package, plan, stream, resume, progress, *row, lock, diags);
    } catch (const std::exception& e) {
        diags.error("FERRY-INTERNAL", std::string("the import stopped on an unexpected error: ") + e.what(),
                    "objects landed so far are journaled; `ferry reimport " + task_.name + "` finishes the task",
                    task_.name);
    } catch (...) {
        diags.error("FERRY-INTERNAL", "the import stopped on an unexpected error",
                    "objects landed so far are journaled; `ferry reimport " + task_.name + "` finishes the task",
                    task_.name);
    }
    // End it as failed if the catalog still answers; else it stays IMPORTING for reimport.
    lock.stop_heartbeat();
    RunEnding ending;
    ending.state = catalog::task_state::import_error;
    ending.package_format = package.model.info.format;
    ending.package_sha256 = package.model.info.sha256;
    ending.run_diagnostics = &diags;
    sdk::Diagnostics d;
    if (!lock.lost() && finish_run(catalog_, registry_, task_, *row, ending, d)) lock.mark_released();
    result.refused = false;
    result.state = ending.state;
    return result;
}

RunResult Importer::run_locked(const LoadedPackage& package, Plan* whole_plan, PlanStream* stream, bool resume,
                               ProgressSink* progress, catalog::Task& row, HeldLock& lock, sdk::Diagnostics& diags) {
    RunResult result;
    row.state = catalog::task_state::importing;
    row.started_at = catalog::now_iso8601_utc();
    row.finished_at.clear();
    row.claimed_by = this_holder();
    row.package_path = package.model.info.location;
    row.package_size = static_cast<std::int64_t>(package.model.info.size);
    row.package_sha256 = package.model.info.sha256;
    row.source_plugin = package.model.info.source_plugin;
    row.importer = task_.importer;
    if (!catalog_.update_task(row, diags)) {
        result.refused = true;
        return result;
    }

    // A plan being made (plan_stream.hpp) is written as it comes, once its verdict is known (the
    // caller waited for that); with neither it nor a whole plan, the plan is made here first.
    Plan own_plan;
    const bool whole_given = whole_plan != nullptr;
    if (stream && !stream->wait_ready()) {
        stream->finish();  // throws what ended it
        throw std::runtime_error("the plan ended before it was ready");
    }
    if (!whole_plan && !stream) {
        own_plan = make_plan(registry_, task_, package.model, catalog_);
        whole_plan = &own_plan;
    }
    Plan& plan = whole_plan ? *whole_plan : stream->plan();

    // What already succeeded in an earlier run of this task is not redone; what was pending when
    // that run died may already be on its engine, put there by this task.
    // Marks only (kind, name, status, fingerprint): a resumed run of 100,000 objects does not hold
    // every entry's message and changes.
    std::map<std::pair<sdk::ObjectKind, std::string>, catalog::JournalMark> done;
    std::set<std::pair<sdk::ObjectKind, std::string>> pending;
    if (resume)
        for (auto& e : catalog_.list_journal_marks(task_.name, diags)) {
            if (e.status == JournalStatus::succeeded || e.status == JournalStatus::unchanged)
                done.emplace(std::make_pair(e.kind, e.name), std::move(e));
            else if (e.status == JournalStatus::pending)
                pending.emplace(e.kind, std::move(e.name));
        }

    // One committer per kind, from the task's destination.
    std::map<sdk::ObjectKind, sdk::Committer*> committers;
    if (plan.destination)
        for (auto kind : sdk::kAllObjectKinds) {
            struct Found {
                sdk::Committer* committer = nullptr;
                sdk::Diagnostics diagnostics;
            };
            auto found = guarded_call<Found>(
                "destination '" + task_.destination + "' giving its committer for " + sdk::to_string(kind) + "s",
                task_.destination, [&] { return Found{plan.destination->committer(kind), {}}; });
            diags.append(found.diagnostics);
            committers[kind] = found.committer;
        }

    std::size_t failed = 0, landed = 0;
    if (progress) progress->begin(stream ? package.model.object_count() : plan.objects.size());
    auto done_item = [&](const LandingItem& item) {
        if (item.entry.status == JournalStatus::failed) ++failed;
        else ++landed;
        if (progress) progress->step(item.object, to_string(item.entry.status));
    };
    ObjectLander lander(catalog_, task_.workspace, package, plan, committers, done_item);
    // A streamed plan's verdict is known before its first object (plan_stream.hpp); its
    // diagnostics go on growing meanwhile, so they are not read until it ends.
    const bool blocked = stream ? stream->blocked() : plan.blocked();
    const std::string blocked_reason = stream ? stream->blocked_reason() : plan.blocked_reason();
    std::size_t index = 0;
    auto next = [&](PlannedObject& out) {
        if (stream) return stream->next(out);
        if (index == plan.objects.size()) return false;
        out = plan.objects[index++];
        return true;
    };

    bool lock_lost = false;
    for (PlannedObject next_object; next(next_object);) {
        if (lock.lost()) {
            lock_lost = true;
            break;
        }
        // Moved, not copied: the object carries its whole document, statements and changes.
        LandingItem item{std::move(next_object), {}, sdk::Action::create, false, {}};
        const PlannedObject& o = item.object;
        item.action = o.action;
        catalog::JournalEntry& entry = item.entry;
        entry.task = task_.name;
        entry.kind = o.kind;
        entry.name = o.name;
        entry.action = o.action;
        entry.owner_before = o.owner_before;
        entry.owner_after = o.record.owner;
        entry.engine_instance = o.record.engine_instance;
        entry.sha256 = o.record.sha256;
        entry.changes = changes_text(o.changes);
        for (const auto& n : o.notes) item.notes += "; " + n.summary;
        entry.message = o.reason + item.notes;

        if (auto it = done.find({o.kind, o.name}); it != done.end() && it->second.sha256 == o.record.sha256) {
            ++landed;
            if (progress) progress->step(o, to_string(it->second.status));
            continue;
        }
        if (item.action == sdk::Action::conflict && o.engine_conflict && pending.count({o.kind, o.name})) {
            // Our own earlier attempt made it on the engine, then died before the catalog write.
            item.action = sdk::Action::create;
            entry.action = item.action;
            entry.message = "resumed: created on " + o.record.engine_instance + " by this task's interrupted run";
        } else if (item.action == sdk::Action::conflict && o.remote && !o.remote_id.empty() &&
                   pending.count({o.kind, o.name})) {
            // Our own earlier attempt landed it in the destination, then died before recording it:
            // it is this task's object, written again over its id.
            item.action = sdk::Action::update;
            entry.action = item.action;
            entry.message = "resumed: landed by this task's interrupted run (id " + o.remote_id + ")";
        }
        if (blocked) {
            entry.status = JournalStatus::failed;
            entry.action = sdk::Action::fail;
            entry.message = "not imported: " + blocked_reason;
        } else if (item.action == sdk::Action::unchanged) {
            entry.status = JournalStatus::unchanged;
        } else if (item.action == sdk::Action::conflict) {
            entry.status = JournalStatus::conflict;
        } else if (item.action == sdk::Action::fail) {
            entry.status = JournalStatus::failed;
        } else {
            item.commit = true;
            entry.status = JournalStatus::pending;
        }
        lander.add(std::move(item));
    }
    if (!lock_lost) lander.flush();
    if (progress) progress->end();
    if (stream && !lock_lost) stream->finish();  // every object was taken: the planner has ended
    // A plan made here is this run's to report, as import_task reports one it was given (and the
    // one a stream made).
    if (!whole_given && !stream) diags.append(plan.diagnostics);

    if (lock_lost || lock.lost()) {
        // Someone broke or took over the lock: another import may be writing this workspace now,
        // so nothing more is written here, not even the task's ending.
        diags.error("FERRY-TASK-LOCK-LOST",
                    "the lock of workspace '" + task_.workspace + "' was taken away while task '" + task_.name +
                        "' was importing; it stopped",
                    "what landed is journaled: `ferry reimport " + task_.name + "` finishes the task once the "
                    "workspace is free",
                    task_.workspace);
        result.state = catalog::task_state::importing;
        return result;
    }

    RunEnding ending;
    ending.state = failed == 0   ? catalog::task_state::import_success
                   : landed > 0 ? catalog::task_state::partial_success
                                 : catalog::task_state::import_error;
    if (blocked) ending.state = catalog::task_state::import_error;
    ending.package_format = package.model.info.format;
    ending.package_sha256 = package.model.info.sha256;
    ending.run_diagnostics = &plan.diagnostics;
    lock.stop_heartbeat();
    if (finish_run(catalog_, registry_, task_, row, ending, diags)) lock.mark_released();
    result.state = ending.state;
    return result;
}

}  // namespace ferry::host
