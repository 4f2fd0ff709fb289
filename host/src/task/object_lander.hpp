// Lands planned objects through their committer plugins, each with its journal entry in the same
// catalog transaction, so a killed import resumes with no object doubled or lost.
//
// Two paths. Catalog-only work (no engine touched) is committed in batches of FERRY_COMMIT_BATCH
// (default 500) objects per transaction; a batch that fails is redone object by object so each
// failure is recorded against its own object. An object that goes to an engine runs alone: it is
// journaled "pending" first (so a resumed run knows an engine object is its own), then the
// committer does its engine work with no catalog transaction open (a slow engine never holds the
// catalog's write lock), and its workspace write opens the transaction that also takes the journal
// entry. An object bound for a remote destination (a DataWorks workspace) runs alone the same way:
// pending first, then the committer's remote calls, then the record and the journal entry.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ferry/catalog/catalog.hpp"
#include "ferry/sdk/committer.hpp"
#include "task/planner.hpp"

namespace ferry::host {

struct LoadedPackage;

// One planned object on its way: the journal entry it will leave and whether a committer runs.
struct LandingItem {
    PlannedObject object;  // a copy read back from the plan's spool (a batch holds at most a few hundred)
    catalog::JournalEntry entry;
    sdk::Action action = sdk::Action::create;
    bool commit = false;  // goes to a committer (else only its journal entry is written)
    std::string notes;    // "; "-joined plan notes, kept in the message whatever the outcome
};

class ObjectLander {
  public:
    // `done(item)` is called once per object when its outcome is final.
    ObjectLander(catalog::Catalog& catalog, std::string workspace, const LoadedPackage& package, const Plan& plan,
                 std::map<sdk::ObjectKind, sdk::Committer*> committers,
                 std::function<void(const LandingItem&)> done);

    // Queues or lands one object (engine objects land at once, after flushing the batch).
    void add(LandingItem item);
    // Lands what is queued.
    void flush();

  private:
    bool commit_one(LandingItem& item, sdk::Diagnostics& d);
    void run_alone(LandingItem& item);
    void count_commits(std::size_t n);

    catalog::Catalog& catalog_;
    std::string workspace_;
    const LoadedPackage& package_;
    const Plan& plan_;
    std::map<sdk::ObjectKind, sdk::Committer*> committers_;  // the destination's, which the plan keeps alive
    std::function<void(const LandingItem&)> done_;
    std::vector<LandingItem> batch_;
    std::size_t batch_limit_ = 500;
    // The crash tests' fault hook: die like `kill -9` once N objects are committed, or while the
    // transaction holding the Nth is still open (FERRY_FAULT_KILL_AFTER_COMMITS=N).
    long kill_after_ = -1;
    long committed_ = 0;
    // FERRY_FAULT_PAUSE_AFTER_COMMITS=N: stop (SIGSTOP) once, after N objects are committed.
    long pause_after_ = -1;
    bool kill_after_land_ = false;  // FERRY_FAULT_KILL_AT=after-land: die before the first landed object's commit
};

}  // namespace ferry::host
