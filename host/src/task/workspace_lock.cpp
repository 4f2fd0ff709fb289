#include "task/workspace_lock.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>

namespace ferry::host {

namespace {
std::string host_name() {
    char host[256] = {0};
    ::gethostname(host, sizeof host - 1);
    return host;
}

std::string describe(const catalog::WorkspaceLock& lock) {
    return "task '" + lock.task + "' (" + lock.holder + ", since " + lock.since +
           (lock.renewed_at.empty() ? "" : ", last heartbeat " + lock.renewed_at) + ")";
}
}  // namespace

double lock_lease_seconds() {
    if (const char* v = std::getenv("FERRY_LOCK_LEASE_SECONDS"); v && *v) {
        char* end = nullptr;
        const double s = std::strtod(v, &end);
        if (end && *end == '\0' && s >= 1) return s;
    }
    return 120;
}

std::string this_holder() { return host_name() + ":" + std::to_string(::getpid()); }

bool holder_is_dead(const std::string& holder) {
    const auto colon = holder.rfind(':');
    if (colon == std::string::npos || holder.substr(0, colon) != host_name()) return false;
    char* end = nullptr;
    const long pid = std::strtol(holder.c_str() + colon + 1, &end, 10);
    if (!end || *end != '\0' || pid <= 0) return false;
    return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

std::string stale_reason(const catalog::WorkspaceLock& lock) {
    if (holder_is_dead(lock.holder)) return "its process " + lock.holder + " is not running";
    const std::string& beat = lock.renewed_at.empty() ? lock.since : lock.renewed_at;
    const auto age = catalog::seconds_since(beat);
    const double lease = lock_lease_seconds();
    if (age && *age > lease)
        return "its lease ran out: no heartbeat for " + std::to_string(static_cast<long>(*age)) + " s (lease " +
               std::to_string(static_cast<long>(lease)) + " s)";
    return {};
}

bool lock_workspace(catalog::Catalog& catalog, const std::string& workspace, const std::string& task,
                    const std::string& holder, sdk::Diagnostics& diags) {
    // Each round either takes the lock or breaks a stale one and tries again; a lock that keeps
    // being stale and re-taken by others ends the loop as "locked".
    for (int round = 0; round < 4; ++round) {
        auto got = catalog.try_acquire_lock(workspace, task, holder, diags);
        if (diags.has_errors()) return false;
        const catalog::WorkspaceLock& lock = got.lock;
        if (got.acquired && lock.holder == holder) return true;
        const std::string stale = stale_reason(lock);
        if (got.acquired) {
            // Our task's lock, held by another process: a second run of the same task, or the
            // remains of one that died.
            if (stale.empty()) {
                diags.error("FERRY-TASK-LOCKED",
                            "task '" + task + "' is already importing in " + lock.holder + " since " + lock.since,
                            "wait for it to finish", workspace);
                return false;
            }
            if (catalog.take_over_lock(workspace, task, lock.holder, holder, diags)) {
                diags.warning(kLockBroken,
                              "took over the lock of workspace '" + workspace + "' from " + describe(lock) + ": " + stale,
                              "", workspace);
                return true;
            }
            continue;
        }
        if (stale.empty()) {
            diags.error("FERRY-TASK-LOCKED",
                        "workspace '" + workspace + "' is being imported by " + describe(lock),
                        "wait for it to finish (one import at a time per workspace); if that import is gone, the "
                        "lock expires " + std::to_string(static_cast<long>(lock_lease_seconds())) +
                            " s after its last heartbeat, or break it with `ferry unlock " + workspace + "`",
                        workspace);
            return false;
        }
        if (catalog.break_lock(workspace, lock.task, lock.holder, diags))
            diags.warning(kLockBroken, "broke the lock of workspace '" + workspace + "' held by " + describe(lock) + ": " + stale,
                          "that task stays IMPORTING until `ferry reimport " + lock.task + "` finishes it", workspace);
        if (diags.has_errors()) return false;
    }
    diags.error("FERRY-TASK-LOCKED", "workspace '" + workspace + "' keeps being locked by other imports",
                "try again", workspace);
    return false;
}

bool unlock_workspace(catalog::Catalog& catalog, const std::string& workspace, sdk::Diagnostics& diags) {
    auto lock = catalog.lock_of(workspace, diags);
    if (diags.has_errors()) return false;
    if (!lock) {
        diags.error("FERRY-TASK-NOT-LOCKED", "workspace '" + workspace + "' is not locked",
                    "`ferry tasks` shows which tasks are IMPORTING", workspace);
        return false;
    }
    if (!catalog.break_lock(workspace, lock->task, lock->holder, diags)) {
        if (!diags.has_errors())
            diags.error("FERRY-TASK-NOT-LOCKED", "the lock of workspace '" + workspace + "' changed hands meanwhile",
                        "run `ferry unlock` again if it is still needed", workspace);
        return false;
    }
    const std::string stale = stale_reason(*lock);
    diags.warning(kLockBroken, "broke the lock of workspace '" + workspace + "' held by " + describe(*lock),
                  stale.empty() ? "that holder may still be running: it stops at its next heartbeat, and `ferry "
                                  "reimport " + lock->task + "` finishes the task"
                                : stale + "; `ferry reimport " + lock->task + "` finishes the task",
                  workspace);
    return true;
}

bool importer_alive(catalog::Catalog& catalog, const catalog::Task& task) {
    if (holder_is_dead(task.claimed_by)) return false;
    sdk::Diagnostics d;
    auto lock = catalog.lock_of(task.workspace, d);
    if (d.has_errors()) return true;  // cannot tell: assume it runs
    if (!lock || lock->task != task.name || lock->holder != task.claimed_by) return false;
    return stale_reason(*lock).empty();
}

HeldLock::HeldLock(catalog::Catalog& catalog, std::string workspace, std::string task, std::string holder)
    : catalog_(catalog), workspace_(std::move(workspace)), task_(std::move(task)), holder_(std::move(holder)) {
    thread_ = std::thread([this] { heartbeat(); });
}

HeldLock::~HeldLock() {
    stop_heartbeat();
    if (!released_ && !lost_) {
        sdk::Diagnostics ignored;  // best effort on the way out; a lock left behind expires
        catalog_.release_lock(workspace_, task_, ignored);
    }
}

void HeldLock::stop_heartbeat() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void HeldLock::heartbeat() {
    const auto every = std::chrono::milliseconds(static_cast<long>(lock_lease_seconds() * 250));
    std::unique_ptr<catalog::Catalog> own;
    std::unique_lock<std::mutex> lock(mutex_);
    while (!wake_.wait_for(lock, every, [this] { return stop_; })) {
        lock.unlock();
        sdk::Diagnostics d;
        if (!own) own = catalog_.reopen(d);
        bool still_ours = true;
        if (own) {
            still_ours = own->renew_lock(workspace_, task_, holder_, d);
            if (d.has_errors()) still_ours = true;  // the catalog hiccupped: try again next beat
        }
        lock.lock();
        if (!still_ours) {
            lost_ = true;
            return;
        }
    }
}

}  // namespace ferry::host
