// One import at a time per destination workspace, and a dead importer never blocks one.
//
// The lock is a row in the catalog, held as a lease: its holder (host:pid) renews it on a thread
// of its own while it imports. The next import into the workspace takes the lock over when the
// holder is a process of this host that no longer runs, or when the lease ran out (a holder on
// another host that died or lost the catalog), with a warning naming what it broke; `ferry unlock`
// breaks one by hand. An importer whose lock was taken away stops before its next object.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "ferry/catalog/catalog.hpp"
#include "ferry/sdk/diagnostic.hpp"

namespace ferry::host {

inline constexpr const char* kLockBroken = "FERRY-TASK-LOCK-BROKEN";

// How long a lock lives without a heartbeat: FERRY_LOCK_LEASE_SECONDS, default 120. The holder
// renews it every quarter of that.
double lock_lease_seconds();

// host:pid of this process.
std::string this_holder();

// Whether `holder` (host:pid) is a process of this host that no longer runs. A holder on another
// host cannot be asked: false (its lease tells instead).
bool holder_is_dead(const std::string& holder);

// Why the lock's holder can be assumed gone ("its process ... is not running", "its lease ran out
// ..."), or empty when it may still be working.
std::string stale_reason(const catalog::WorkspaceLock& lock);

// Takes the workspace's lock for `task`, breaking a stale one (with a kLockBroken warning). False
// with FERRY-TASK-LOCKED naming the live holder.
bool lock_workspace(catalog::Catalog& catalog, const std::string& workspace, const std::string& task,
                    const std::string& holder, sdk::Diagnostics& diags);

// Breaks whatever lock `workspace` has (`ferry unlock`); a kLockBroken warning says what it was.
// False with an error when there is none or the catalog fails.
bool unlock_workspace(catalog::Catalog& catalog, const std::string& workspace, sdk::Diagnostics& diags);

// Whether a task left IMPORTING is still being imported: false when its holder is a dead process
// of this host, or no longer holds the workspace's lock, or its lease ran out.
bool importer_alive(catalog::Catalog& catalog, const catalog::Task& task);

// A lock this process holds: a heartbeat renews it until release() or destruction, on its own
// catalog connection (the importer's may sit in a long transaction or engine call). Destroying it
// releases the lock if nothing did: every path out of an import, a throw included.
class HeldLock {
  public:
    HeldLock(catalog::Catalog& catalog, std::string workspace, std::string task, std::string holder);
    ~HeldLock();
    HeldLock(const HeldLock&) = delete;
    HeldLock& operator=(const HeldLock&) = delete;

    // True once a renewal found the lock gone (broken by hand, or taken over after the lease ran out).
    bool lost() const { return lost_; }
    // Stops the heartbeat (before the transaction that ends the task and releases the lock).
    void stop_heartbeat();
    // That transaction committed: nothing is left to release.
    void mark_released() { released_ = true; }

  private:
    void heartbeat();
    catalog::Catalog& catalog_;
    std::string workspace_, task_, holder_;
    std::atomic<bool> lost_{false};
    bool released_ = false;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace ferry::host
