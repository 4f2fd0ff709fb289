#include "wal_checkpointer.hpp"

#include <sqlite3.h>

namespace ferry::catalog {

WalCheckpointer::WalCheckpointer(sqlite3* db) : db_(db) {
    // An in-memory or temporary database has no file for a second connection to open: it keeps
    // SQLite's own checkpoints.
    const char* file = sqlite3_db_filename(db, "main");
    if (!file || !*file) return;
    // Opening does not read the file yet; should it fail all the same, SQLite's own checkpoints
    // stay.
    if (sqlite3_open_v2(file, &own_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
        sqlite3_close(own_);
        own_ = nullptr;
        return;
    }
    sqlite3_busy_timeout(own_, 5000);
    sqlite3_wal_hook(db_, &WalCheckpointer::on_commit, this);  // replaces wal_autocheckpoint
}

WalCheckpointer::~WalCheckpointer() {
    if (!own_) return;
    sqlite3_wal_hook(db_, nullptr, nullptr);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_one();
    if (thread_.joinable()) thread_.join();
    sqlite3_close(own_);
    // Back to SQLite's own checkpoints for whatever the connection still commits.
    sqlite3_wal_autocheckpoint(db_, kFramesPerCheckpoint);
}

long WalCheckpointer::frames_copied() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return ledger_.copied();
}

long WalCheckpointer::frames_in_wal() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return ledger_.in_wal();
}

int WalCheckpointer::on_commit(void* self, sqlite3* db, const char* schema, int frames) {
    // Nothing may be thrown through SQLite: should the thread not start, this commit copies the
    // WAL itself, as SQLite's own hook would.
    try {
        static_cast<WalCheckpointer*>(self)->wake(frames);
    } catch (...) {
        if (frames >= kFramesPerCheckpoint) sqlite3_wal_checkpoint(db, schema);
    }
    return SQLITE_OK;
}

// Called on the writer's thread after each commit with the WAL's length in frames.
void WalCheckpointer::wake(int frames) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (ledger_.committed(frames)) {
            pending_ = true;
            if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
        } else if (!idle_) {
            // Below the threshold: the thread, when it runs, is already counting the writer's rest.
            return;
        }
        // An idle thread had copied everything; these frames are new, so it starts counting the
        // rest after which it copies them.
    }
    cv_.notify_one();
}

void WalCheckpointer::run() {
    bool primed = false;
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        const auto woken = [this] { return pending_ || stopping_; };
        // What the last commits left below the threshold is copied once the writer rests, so a
        // connection that lives on (ferry serve) does not keep it in the WAL until it closes.
        if (ledger_.behind()) {
            if (!cv_.wait_for(lock, kRest, woken)) pending_ = true;
        } else {
            // Nothing left to copy: waits for enough new frames, or for any at all (wake), after
            // which it waits for the writer to rest. Waiting for enough only once left commits
            // below the threshold in the WAL until the connection closed.
            idle_ = true;
            cv_.wait(lock, [&] { return woken() || ledger_.behind(); });
            idle_ = false;
            if (!pending_ && !stopping_) continue;
        }
        if (stopping_) break;
        pending_ = false;
        const WalLedger::Ticket ticket = ledger_.ticket();
        lock.unlock();
        // A connection that has read nothing yet does not know the file is in WAL mode, and its
        // checkpoints would do nothing; reading may meet a lock (busy timeout), so until it has
        // read, it tries again each time.
        if (!primed) primed = sqlite3_exec(own_, "SELECT 1 FROM sqlite_master LIMIT 1", nullptr, nullptr, nullptr) == SQLITE_OK;
        // PASSIVE: copies what no reader still needs and returns; never waits on a lock.
        int in_wal = 0, copied = 0;
        const int rc = sqlite3_wal_checkpoint_v2(own_, "main", SQLITE_CHECKPOINT_PASSIVE, &in_wal, &copied);
        lock.lock();
        ledger_.checkpointed(ticket, rc == SQLITE_OK && primed, copied);
    }
}

}  // namespace ferry::catalog
