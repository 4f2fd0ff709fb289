#include "task/importer.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <map>
#include <set>

#include "config/schema_validation.hpp"
#include "ferry/sdk/committer.hpp"
#include "ferry/sdk/source.hpp"
#include "package/package_reader.hpp"
#include "task/report.hpp"
#include "task/unchanged_rerun.hpp"

namespace ferry::host {

namespace {

using catalog::JournalStatus;

// The destination workspace as committers see it: the catalog, inside the host's transaction.
class CatalogWorkspace : public sdk::Workspace {
  public:
    CatalogWorkspace(catalog::Catalog& catalog, std::string name) : catalog_(catalog), name_(std::move(name)) {}
    std::string name() const override { return name_; }
    bool find(sdk::ObjectKind kind, const std::string& name, sdk::ObjectRecord& out, sdk::Diagnostics& diags) override {
        auto found = catalog_.find_object(name_, kind, name, diags);
        if (!found) return false;
        out = *found;
        return true;
    }
    bool put(const sdk::ObjectRecord& record, sdk::Diagnostics& diags) override {
        sdk::ObjectRecord copy = record;
        return catalog_.put_object(name_, copy, diags);
    }

  private:
    catalog::Catalog& catalog_;
    std::string name_;
};

std::string first_message(const sdk::Diagnostics& d, const std::string& fallback) {
    for (const auto& item : d.items())
        if (item.severity == sdk::Severity::error) return item.summary;
    return fallback;
}

// A resource's bytes go to the committer only now: in the stored object, and in a file of their
// own when the engine takes an upload.
bool materialize_resource(const PlannedObject& o, const LoadedPackage& package, sdk::CommitRequest& req,
                          sdk::Diagnostics& diags) {
    if (!load_content(o.content, req.object.content, diags)) return false;
    if (!req.commit_to_engine || !package.spool) return true;
    req.content_path = (package.spool->path() / "upload.bin").string();
    return write_content(o.content, req.content_path, diags);
}

}  // namespace

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
    out.spool = std::make_unique<TempDir>("ferry-import-");
    ReadOptions options;
    options.max_size = task.max_size;
    const std::filesystem::path spool_dir = out.spool->path();
    options.spool_dir = &spool_dir;
    return read_package(*source, task.source_plugin, options, out.model, diags);
}

std::string Importer::holder_id() {
    char host[256] = {0};
    ::gethostname(host, sizeof host - 1);
    return std::string(host) + ":" + std::to_string(::getpid());
}

bool holder_is_dead(const std::string& holder) {
    const auto colon = holder.rfind(':');
    if (colon == std::string::npos) return false;
    char host[256] = {0};
    ::gethostname(host, sizeof host - 1);
    if (holder.substr(0, colon) != host) return false;  // another machine: cannot tell, assume alive
    const pid_t pid = static_cast<pid_t>(std::stol(holder.substr(colon + 1)));
    return ::kill(pid, 0) != 0 && errno == ESRCH;
}

bool lock_workspace(catalog::Catalog& catalog, const TaskConfig& task, const std::string& holder,
                    sdk::Diagnostics& diags) {
    auto lock = catalog.try_acquire_lock(task.workspace, task.name, holder, diags);
    if (diags.has_errors()) return false;
    if (!lock.acquired) {
        diags.error("FERRY-TASK-LOCKED",
                    "workspace '" + task.workspace + "' is being imported by task '" + lock.lock.task + "' (" +
                        lock.lock.holder + ") since " + lock.lock.since,
                    "wait for it to finish; one import at a time per workspace", task.workspace);
        return false;
    }
    if (lock.lock.holder != holder && !holder_is_dead(lock.lock.holder)) {
        // Our own task's lock, held by a process that still runs: a second run of the same task.
        diags.error("FERRY-TASK-LOCKED",
                    "task '" + task.name + "' is already importing in " + lock.lock.holder + " since " + lock.lock.since,
                    "wait for it to finish", task.workspace);
        return false;
    }
    return true;
}

Importer::Importer(const PluginRegistry& registry, catalog::Catalog& catalog, const TaskConfig& task)
    : registry_(registry), catalog_(catalog), task_(task) {}

RunResult Importer::run(const LoadedPackage& package, Plan& plan, bool resume, ProgressSink* progress,
                        sdk::Diagnostics& diags) {
    RunResult result;
    const std::string holder = holder_id();
    if (!lock_workspace(catalog_, task_, holder, diags)) {
        result.refused = true;
        return result;
    }

    auto task = catalog_.get_task(task_.name, diags);
    if (!task) {
        result.refused = true;
        return result;
    }
    task->state = catalog::task_state::importing;
    task->started_at = catalog::now_iso8601_utc();
    task->finished_at.clear();
    task->claimed_by = holder;
    task->package_path = package.model.info.location;
    task->package_size = static_cast<std::int64_t>(package.model.info.size);
    task->package_sha256 = package.model.info.sha256;
    task->source_plugin = package.model.info.source_plugin;
    task->importer = task_.importer;
    catalog_.update_task(*task, diags);

    // What already succeeded in an earlier run of this task is not redone; what was pending when
    // that run died may already be on its engine, put there by this task.
    std::map<std::pair<sdk::ObjectKind, std::string>, catalog::JournalEntry> done;
    std::set<std::pair<sdk::ObjectKind, std::string>> pending;
    if (resume)
        for (auto& e : catalog_.list_journal(task_.name, diags)) {
            if (e.status == JournalStatus::succeeded || e.status == JournalStatus::unchanged)
                done.emplace(std::make_pair(e.kind, e.name), e);
            else if (e.status == JournalStatus::pending)
                pending.emplace(e.kind, e.name);
        }

    // One committer per kind, found by what it owns.
    std::map<sdk::ObjectKind, std::shared_ptr<sdk::Committer>> committers;
    for (const auto& p : registry_.plugins()) {
        if (p.kind != sdk::PluginKind::committer) continue;
        for (auto kind : {sdk::ObjectKind::node, sdk::ObjectKind::resource, sdk::ObjectKind::table,
                          sdk::ObjectKind::function, sdk::ObjectKind::datasource}) {
            if (!p.owns_value("kind", sdk::to_string(kind)) || committers.count(kind)) continue;
            sdk::Config empty;
            sdk::Diagnostics d;
            if (auto c = registry_.create_as<sdk::Committer>(p, empty, "", d)) committers[kind] = c;
            else diags.append(d);
        }
    }

    CatalogWorkspace workspace(catalog_, task_.workspace);
    std::size_t failed = 0, landed = 0;
    // Fault injection for the crash tests: die like `kill -9` once N objects are committed, or
    // while the transaction holding the Nth is still open.
    long kill_after = -1;
    if (const char* k = std::getenv("FERRY_FAULT_KILL_AFTER_COMMITS"); k && *k) kill_after = std::atol(k);
    long committed = 0;
    auto count_commits = [&](std::size_t n) {
        committed += static_cast<long>(n);
        if (kill_after >= 0 && committed >= kill_after) ::raise(SIGKILL);
    };
    if (progress) progress->begin(plan.objects.size());
    const std::string blocked_reason = plan.blocked() ? first_message(plan.diagnostics, "the plan failed") : "";

    struct Item {
        const PlannedObject* object;
        catalog::JournalEntry entry;
        sdk::Action action;
        bool commit;        // goes to a committer (else only its journal entry is written)
        std::string notes;  // "; "-joined plan notes, kept in the message whatever the outcome
    };
    auto finish_item = [&](Item& item) {
        if (item.entry.status == JournalStatus::failed) ++failed;
        else ++landed;
        if (progress) progress->step(*item.object, to_string(item.entry.status));
    };

    // Commits one object through its committer inside the caller's transaction: the catalog write
    // and the journal entry land together or not at all. False when anything failed.
    auto commit_in_tx = [&](Item& item, sdk::Diagnostics& d) -> bool {
        const PlannedObject& o = *item.object;
        auto committer = committers.find(o.kind);
        if (committer == committers.end()) {
            item.entry.status = JournalStatus::failed;
            item.entry.message = std::string("no committer plugin owns kind:") + sdk::to_string(o.kind);
            return false;
        }
        sdk::CommitRequest req;
        req.object = o.record;
        req.action = item.action;
        auto engine = plan.engines.find(o.record.engine_instance);
        req.engine = engine == plan.engines.end() ? nullptr : engine->second.get();
        req.commit_to_engine = o.commit_to_engine && req.engine != nullptr;
        req.statements = o.statements;
        req.resource_type = o.resource_type;
        req.workspace = &workspace;
        if (o.kind == sdk::ObjectKind::resource && !materialize_resource(o, package, req, d)) {
            item.entry.status = JournalStatus::failed;
            item.entry.message = first_message(d, "the resource's bytes could not be read");
            return false;
        }
        sdk::CommitResponse resp = committer->second->commit(req);
        bool ok = resp.ok && !resp.diagnostics.has_errors();
        if (ok) {
            // Trust, but verify: the workspace must now hold exactly what was planned.
            auto stored = catalog_.object_sha256(task_.workspace, o.kind, o.name, d);
            if (!stored || *stored != o.record.sha256) {
                ok = false;
                resp.message = "the " + std::string(sdk::to_string(o.kind)) +
                               " committer reported success but the workspace does not hold the planned object";
            }
        }
        if (!ok) {
            item.entry.status = JournalStatus::failed;
            item.entry.message = first_message(resp.diagnostics, resp.message.empty() ? "the commit failed" : resp.message);
            return false;
        }
        item.entry.status = JournalStatus::succeeded;
        if (!resp.message.empty()) item.entry.message = resp.message + item.notes;
        return catalog_.upsert_journal(item.entry, d);
    };

    // One object alone, in its own transaction (engine objects, and the slow path of a failed batch).
    auto run_alone = [&](Item& item) {
        sdk::Diagnostics d;
        if (item.commit) {
            if (item.object->commit_to_engine) {
                // Pending before any side effect on the engine, so a run killed in between knows on
                // resume that the engine's object is its own.
                catalog::JournalEntry mark = item.entry;
                mark.status = JournalStatus::pending;
                catalog_.upsert_journal(mark, d);
            }
            catalog::Transaction tx(catalog_, d);
            if (commit_in_tx(item, d) && tx.commit(d)) {
                count_commits(1);
                finish_item(item);
                return;
            }
            tx.rollback();
            if (item.entry.status != JournalStatus::failed) {
                item.entry.status = JournalStatus::failed;
                item.entry.message = first_message(d, "the catalog transaction failed");
            }
        }
        sdk::Diagnostics jd;
        catalog_.upsert_journal(item.entry, jd);
        diags.append(jd);
        finish_item(item);
    };

    // Catalog-only work is committed in batches: one transaction per object made the catalog's
    // commit cost the bulk of an import. A failed batch is redone object by object.
    std::size_t batch_limit = 500;
    if (const char* b = std::getenv("FERRY_COMMIT_BATCH"); b && std::atol(b) > 0)
        batch_limit = static_cast<std::size_t>(std::atol(b));
    std::vector<Item> batch;
    auto flush = [&]() {
        if (batch.empty()) return;
        bool ok = true;
        {
            sdk::Diagnostics d;
            catalog::Transaction tx(catalog_, d);
            long in_tx = 0;
            for (auto& item : batch) {
                if (item.commit) ok = commit_in_tx(item, d);
                else ok = catalog_.upsert_journal(item.entry, d);
                if (!ok) break;
                // The fault hook may also strike inside the open transaction.
                if (kill_after >= 0 && committed + ++in_tx >= kill_after && in_tx < static_cast<long>(batch.size()))
                    ::raise(SIGKILL);
            }
            ok = ok && tx.commit(d);
            if (!ok) tx.rollback();
        }
        if (ok) {
            count_commits(batch.size());
            for (auto& item : batch) finish_item(item);
        } else {
            for (auto& item : batch) {
                if (item.commit) item.entry.status = JournalStatus::pending;
                run_alone(item);
            }
        }
        batch.clear();
    };

    for (const auto& o : plan.objects) {
        Item item{&o, {}, o.action, false, {}};
        catalog::JournalEntry& entry = item.entry;
        entry.task = task_.name;
        entry.kind = o.kind;
        entry.name = o.name;
        entry.action = o.action;
        entry.owner_before = o.owner_before;
        entry.owner_after = o.record.owner;
        entry.engine_instance = o.record.engine_instance;
        entry.sha256 = o.record.sha256;
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
        }
        if (plan.blocked()) {
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
        if (item.commit && o.commit_to_engine) {
            flush();
            run_alone(item);
            continue;
        }
        batch.push_back(std::move(item));
        if (batch.size() >= batch_limit) flush();
    }
    flush();
    if (progress) progress->end();

    result.state = failed == 0   ? catalog::task_state::import_success
                   : landed > 0 ? catalog::task_state::partial_success
                                 : catalog::task_state::import_error;
    if (plan.blocked()) result.state = catalog::task_state::import_error;
    task->state = result.state;
    task->finished_at = catalog::now_iso8601_utc();
    catalog_.update_task(*task, diags);
    // What a later run of the same task compares against to skip an import that would change nothing.
    if (result.state == catalog::task_state::import_success)
        catalog_.set_run_digest(task_.name,
                                run_digest(registry_, task_, package.model.info.sha256,
                                           catalog_.list_stamps(task_.workspace, diags)),
                                diags);
    catalog_.save_report(task_.name,
                         build_report(*task, catalog_.count_journal(task_.name, diags), task_,
                                      package.model.info.format, plan.diagnostics)
                             .dump(),
                         diags);
    catalog_.release_lock(task_.workspace, task_.name, diags);
    return result;
}

}  // namespace ferry::host
