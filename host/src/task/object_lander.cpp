#include "task/object_lander.hpp"

#include <csignal>
#include <cstdlib>
#include <optional>

#include <nlohmann/json.hpp>

#include "package/package_reader.hpp"
#include "plugin/guarded_call.hpp"
#include "task/importer.hpp"

namespace ferry::host {

namespace {

using catalog::JournalStatus;

// The destination workspace as a committer sees it. Its first put opens the catalog transaction
// the host then also writes the journal entry in: everything the committer did before (its
// engine work) ran with no transaction open.
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
        if (!tx_) {
            tx_.emplace(catalog_, diags);
            if (!tx_->active()) return false;
        }
        // Not read back: in a batch on PostgreSQL the write is queued (the commit reports a failure).
        return catalog_.write_object(name_, record, diags);
    }
    // The transaction the committer's put opened (none when it did not put).
    bool open() const { return tx_ && tx_->active(); }
    bool commit(sdk::Diagnostics& diags) { return tx_ ? tx_->commit(diags) : true; }
    void rollback() {
        if (tx_) tx_->rollback();
    }

  private:
    catalog::Catalog& catalog_;
    std::string name_;
    std::optional<catalog::Transaction> tx_;
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

// What a remote destination said, for the journal and the report: {id, version, stages}.
std::string remote_text(const sdk::CommitResponse& resp) {
    nlohmann::json stages = nlohmann::json::array();
    for (const auto& st : resp.stages)
        stages.push_back({{"code", st.code}, {"name", st.name}, {"status", st.status}, {"message", st.message}});
    return nlohmann::json{{"id", resp.remote_id}, {"version", resp.remote_version}, {"stages", stages}}.dump();
}

void fail(LandingItem& item, std::string message) {
    item.entry.status = JournalStatus::failed;
    item.entry.message = std::move(message);
}

}  // namespace

ObjectLander::ObjectLander(catalog::Catalog& catalog, std::string workspace, const LoadedPackage& package,
                           const Plan& plan, std::map<sdk::ObjectKind, sdk::Committer*> committers,
                           std::function<void(const LandingItem&)> done)
    : catalog_(catalog),
      workspace_(std::move(workspace)),
      package_(package),
      plan_(plan),
      committers_(std::move(committers)),
      done_(std::move(done)) {
    if (const char* b = std::getenv("FERRY_COMMIT_BATCH"); b && std::atol(b) > 0)
        batch_limit_ = static_cast<std::size_t>(std::atol(b));
    if (const char* k = std::getenv("FERRY_FAULT_KILL_AFTER_COMMITS"); k && *k) kill_after_ = std::atol(k);
    if (const char* p = std::getenv("FERRY_FAULT_PAUSE_AFTER_COMMITS"); p && *p) pause_after_ = std::atol(p);
    if (const char* at = std::getenv("FERRY_FAULT_KILL_AT"); at && std::string(at) == "after-land")
        kill_after_land_ = true;
}

void ObjectLander::count_commits(std::size_t n) {
    committed_ += static_cast<long>(n);
    if (kill_after_ >= 0 && committed_ >= kill_after_) ::raise(SIGKILL);
    if (pause_after_ >= 0 && committed_ >= pause_after_) {
        pause_after_ = -1;
        ::raise(SIGSTOP);  // the test stops the catalog's server, then lets the import go on (SIGCONT)
    }
}

// One object through its committer; its workspace write and journal entry land in one
// transaction (the caller's batch, or the one its put opens). False when anything failed.
bool ObjectLander::commit_one(LandingItem& item, sdk::Diagnostics& d) {
    const PlannedObject& o = item.object;
    auto committer = committers_.find(o.kind);
    if (committer == committers_.end() || !committer->second) {
        fail(item, "the destination takes no " + std::string(sdk::to_string(o.kind)) + "s");
        return false;
    }
    CatalogWorkspace workspace(catalog_, workspace_);
    sdk::CommitRequest req;
    req.object = o.record;
    req.action = item.action;
    auto engine = plan_.engines.find(o.record.engine_instance);
    // Only an object that goes to its engine gets the engine: in a batch (a transaction is open)
    // no committer can reach one.
    req.engine = o.commit_to_engine && engine != plan_.engines.end() ? engine->second.get() : nullptr;
    req.commit_to_engine = req.engine != nullptr;
    req.statements = o.statements;
    req.resource_type = o.resource_type;
    req.workspace = &workspace;
    req.known_remote_id = o.remote_id;
    req.deploy = o.deploy;
    if (o.kind == sdk::ObjectKind::resource && !materialize_resource(o, package_, req, d)) {
        fail(item, first_message(d, "the resource's bytes could not be read"));
        return false;
    }
    const std::string what = std::string("committer for kind ") + sdk::to_string(o.kind) + " committing " + o.name;
    sdk::CommitResponse resp =
        guarded_call<sdk::CommitResponse>(what, o.name, [&] { return committer->second->commit(req); });
    bool ok = resp.ok && !resp.diagnostics.has_errors() && workspace.open();
    if (ok) {
        // Trust, but verify: the workspace must now hold exactly what was planned.
        auto stored = catalog_.object_sha256(workspace_, o.kind, o.name, d);
        if (!stored || *stored != o.record.sha256) {
            ok = false;
            resp.message = "the " + std::string(sdk::to_string(o.kind)) +
                           " committer reported success but the workspace does not hold the planned object";
        }
    } else if (resp.ok && !resp.diagnostics.has_errors()) {
        resp.message = "the " + std::string(sdk::to_string(o.kind)) +
                       " committer reported success without storing the object in the workspace";
    }
    if (o.remote) item.entry.remote = remote_text(resp);
    // The crash tests' hook for the narrowest window: the object is on its engine or remote
    // destination, its record and journal entry not yet committed (FERRY_FAULT_KILL_AT=after-land).
    if (ok && kill_after_land_) ::raise(SIGKILL);
    if (ok) {
        item.entry.status = JournalStatus::succeeded;
        if (!resp.message.empty()) item.entry.message = resp.message + item.notes;
        ok = catalog_.upsert_journal(item.entry, d) && workspace.commit(d);
        if (!ok && item.entry.status != JournalStatus::failed) fail(item, first_message(d, "the catalog transaction failed"));
        return ok;
    }
    workspace.rollback();
    fail(item, first_message(resp.diagnostics, resp.message.empty() ? "the commit failed" : resp.message));
    return false;
}

// One object alone: engine objects, and the slow path of a failed batch.
void ObjectLander::run_alone(LandingItem& item) {
    sdk::Diagnostics d;
    if (item.commit) {
        if (item.object.commit_to_engine || item.object.remote) {
            // Pending before any side effect on the engine or the remote destination, so a run
            // killed in between knows on resume that the object there is its own.
            catalog::JournalEntry mark = item.entry;
            mark.status = JournalStatus::pending;
            catalog_.upsert_journal(mark, d);
        }
        if (commit_one(item, d)) {
            count_commits(1);
            done_(item);
            return;
        }
    }
    sdk::Diagnostics jd;
    catalog_.upsert_journal(item.entry, jd);
    done_(item);
}

void ObjectLander::add(LandingItem item) {
    if (item.commit && (item.object.commit_to_engine || item.object.remote)) {
        flush();
        run_alone(item);
        return;
    }
    batch_.push_back(std::move(item));
    if (batch_.size() >= batch_limit_) flush();
}

void ObjectLander::flush() {
    if (batch_.empty()) return;
    bool ok = true;
    {
        sdk::Diagnostics d;
        catalog::Transaction tx(catalog_, d);
        ok = tx.active();
        long in_tx = 0;
        for (auto& item : batch_) {
            if (!ok) break;
            ok = item.commit ? commit_one(item, d) : catalog_.upsert_journal(item.entry, d);
            // The fault hook may also strike inside the open transaction.
            if (kill_after_ >= 0 && committed_ + ++in_tx >= kill_after_ && in_tx < static_cast<long>(batch_.size()))
                ::raise(SIGKILL);
        }
        ok = ok && tx.commit(d);
        if (!ok) tx.rollback();
    }
    if (ok) {
        count_commits(batch_.size());
        for (auto& item : batch_) done_(item);
    } else {
        for (auto& item : batch_) {
            if (item.commit) item.entry.status = JournalStatus::pending;
            run_alone(item);
        }
    }
    batch_.clear();
}

}  // namespace ferry::host
