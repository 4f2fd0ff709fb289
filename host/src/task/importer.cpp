#include "task/importer.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <map>

#include "config/schema_validation.hpp"
#include "ferry/sdk/committer.hpp"
#include "ferry/sdk/source.hpp"
#include "package/package_reader.hpp"
#include "task/report.hpp"

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

}  // namespace

bool load_task_package(const PluginRegistry& registry, const TaskConfig& task, LoadedPackage& out,
                       sdk::Diagnostics& diags) {
    const PluginInfo* plugin = registry.find(sdk::PluginKind::source, task.source_plugin);
    if (!plugin) {
        diags.error("FERRY-CONFIG-PLUGIN", "no source plugin '" + task.source_plugin + "' is loaded", "", task.path);
        return false;
    }
    auto source = registry.create_as<sdk::Source>(*plugin, task.source_config, "", diags);
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

Importer::Importer(const PluginRegistry& registry, catalog::Catalog& catalog, const TaskConfig& task)
    : registry_(registry), catalog_(catalog), task_(task) {}

RunResult Importer::run(const LoadedPackage& package, Plan& plan, bool resume, ProgressSink* progress,
                        sdk::Diagnostics& diags) {
    RunResult result;
    const std::string holder = holder_id();
    auto lock = catalog_.try_acquire_lock(task_.workspace, task_.name, holder, diags);
    if (diags.has_errors()) {
        result.refused = true;
        return result;
    }
    if (!lock.acquired) {
        diags.error("FERRY-TASK-LOCKED",
                    "workspace '" + task_.workspace + "' is being imported by task '" + lock.lock.task + "' (" +
                        lock.lock.holder + ") since " + lock.lock.since,
                    "wait for it to finish; one import at a time per workspace", task_.workspace);
        result.refused = true;
        return result;
    }
    if (lock.lock.holder != holder && !holder_is_dead(lock.lock.holder)) {
        // Our own task's lock, held by a process that still runs: a second run of the same task.
        diags.error("FERRY-TASK-LOCKED",
                    "task '" + task_.name + "' is already importing in " + lock.lock.holder + " since " + lock.lock.since,
                    "wait for it to finish", task_.workspace);
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

    // What already succeeded in an earlier run of this task is not redone.
    std::map<std::pair<sdk::ObjectKind, std::string>, catalog::JournalEntry> done;
    if (resume)
        for (auto& e : catalog_.list_journal(task_.name, diags))
            if (e.status == JournalStatus::succeeded || e.status == JournalStatus::unchanged)
                done.emplace(std::make_pair(e.kind, e.name), e);

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
    // Fault injection for the crash tests: die like `kill -9` after N commits of this run.
    long kill_after = -1;
    if (const char* k = std::getenv("FERRY_FAULT_KILL_AFTER_COMMITS"); k && *k) kill_after = std::atol(k);
    long commits = 0;
    if (progress) progress->begin(plan.objects.size());
    const std::string blocked_reason = plan.blocked() ? first_message(plan.diagnostics, "the plan failed") : "";

    for (const auto& o : plan.objects) {
        catalog::JournalEntry entry;
        entry.task = task_.name;
        entry.kind = o.kind;
        entry.name = o.name;
        entry.action = o.action;
        entry.owner_before = o.owner_before;
        entry.owner_after = o.record.owner;
        entry.engine_instance = o.record.engine_instance;
        entry.sha256 = o.record.sha256;
        entry.message = o.reason;
        for (const auto& n : o.notes) entry.message += (entry.message.empty() ? "" : "; ") + n.summary;

        if (auto it = done.find({o.kind, o.name}); it != done.end() && it->second.sha256 == o.record.sha256) {
            ++landed;
            if (progress) progress->step(o, to_string(it->second.status));
            continue;
        }
        sdk::Diagnostics d;
        if (plan.blocked()) {
            entry.status = JournalStatus::failed;
            entry.action = sdk::Action::fail;
            entry.message = "not imported: " + blocked_reason;
        } else if (o.action == sdk::Action::unchanged) {
            entry.status = JournalStatus::unchanged;
        } else if (o.action == sdk::Action::conflict) {
            entry.status = JournalStatus::conflict;
        } else if (o.action == sdk::Action::fail) {
            entry.status = JournalStatus::failed;
        } else {
            auto committer = committers.find(o.kind);
            if (committer == committers.end()) {
                entry.status = JournalStatus::failed;
                entry.message = std::string("no committer plugin owns kind:") + sdk::to_string(o.kind);
            } else {
                // The catalog write and the journal entry commit together, or neither does.
                catalog::Transaction tx(catalog_, d);
                sdk::CommitRequest req;
                req.object = o.record;
                req.action = o.action;
                auto engine = plan.engines.find(o.record.engine_instance);
                req.engine = engine == plan.engines.end() ? nullptr : engine->second.get();
                req.commit_to_engine = o.commit_to_engine && req.engine != nullptr;
                req.statements = o.statements;
                req.content_path = o.content_path;
                req.resource_type = o.resource_type;
                req.workspace = &workspace;
                sdk::CommitResponse resp = committer->second->commit(req);
                bool ok = resp.ok && !resp.diagnostics.has_errors();
                if (ok) {
                    // Trust, but verify: the workspace must now hold exactly what was planned.
                    auto stored = catalog_.find_object(task_.workspace, o.kind, o.name, d);
                    if (!stored || stored->sha256 != o.record.sha256) {
                        ok = false;
                        resp.message = "the " + std::string(sdk::to_string(o.kind)) +
                                       " committer reported success but the workspace does not hold the planned object";
                    }
                }
                entry.status = ok ? JournalStatus::succeeded : JournalStatus::failed;
                if (ok) {
                    if (!resp.message.empty()) entry.message = resp.message;
                    catalog_.upsert_journal(entry, d);
                    if (tx.commit(d)) {
                        if (kill_after >= 0 && ++commits >= kill_after) ::raise(SIGKILL);
                        ++landed;
                        if (progress) progress->step(o, to_string(entry.status));
                        continue;
                    }
                    entry.status = JournalStatus::failed;
                    entry.message = first_message(d, "the catalog transaction failed");
                } else {
                    entry.message = first_message(resp.diagnostics, resp.message.empty() ? "the commit failed" : resp.message);
                    tx.rollback();
                }
            }
        }
        if (entry.status == JournalStatus::failed) ++failed;
        else ++landed;
        sdk::Diagnostics jd;
        catalog_.upsert_journal(entry, jd);
        diags.append(jd);
        if (progress) progress->step(o, to_string(entry.status));
    }
    if (progress) progress->end();

    result.state = failed == 0   ? catalog::task_state::import_success
                   : landed > 0 ? catalog::task_state::partial_success
                                 : catalog::task_state::import_error;
    if (plan.blocked()) result.state = catalog::task_state::import_error;
    task->state = result.state;
    task->finished_at = catalog::now_iso8601_utc();
    catalog_.update_task(*task, diags);
    catalog_.save_report(task_.name, build_report(*task, catalog_.list_journal(task_.name, diags), task_, package.model,
                                                  plan.diagnostics)
                                         .dump(),
                         diags);
    catalog_.release_lock(task_.workspace, task_.name, diags);
    return result;
}

}  // namespace ferry::host
