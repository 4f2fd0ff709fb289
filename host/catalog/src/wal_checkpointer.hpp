// Private to the catalog library: a SQLite catalog's WAL copied back into the database file on a
// thread of its own.
//
// In WAL mode every committed page is written twice: to the WAL at commit, and into the database
// file by a checkpoint. SQLite's automatic checkpoint runs inside the commit that crosses its
// threshold, on the writer's thread, and in an import that was a sixth of the writing. A
// WalCheckpointer takes its place: the connection's WAL hook only wakes a second connection on
// another thread, which runs PASSIVE checkpoints (they never wait for, nor block, the writer;
// what a reader or the writer holds is simply copied later). Nothing about durability changes:
// the WAL holds every commit until it is copied, and the last connection to close copies the rest.
// The price: SQLite starts the WAL over only when a write begins after a checkpoint copied all of
// it, which a busy writer seldom leaves time for, so during an import the WAL grows to about what
// the import wrote. Once the writer rests (kRest), the thread copies what is left; the next write
// then starts the WAL over, cut back to the catalog's journal_size_limit, and the last connection
// to close removes it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "wal_ledger.hpp"

struct sqlite3;

namespace ferry::catalog {

class WalCheckpointer {
  public:
    // Hooks `db` (a connection in WAL mode on a file). The thread starts at the first wake, so a
    // short command never starts one.
    explicit WalCheckpointer(sqlite3* db);
    // Unhooks `db` and stops the thread; `db` must still be open.
    ~WalCheckpointer();
    WalCheckpointer(const WalCheckpointer&) = delete;
    WalCheckpointer& operator=(const WalCheckpointer&) = delete;

    // SQLite's default threshold for its automatic checkpoint, in frames (pages).
    static constexpr int kFramesPerCheckpoint = 1000;

    // How long the writer must rest before what it left below the threshold is copied.
    static constexpr std::chrono::milliseconds kRest{500};

    // How many frames of the current WAL the last checkpoint had copied into the database (for
    // the tests: a checkpoint that did nothing reports none), and the WAL's length at the last
    // commit.
    long frames_copied() const;
    long frames_in_wal() const;

  private:
    static int on_commit(void* self, sqlite3* db, const char* schema, int frames);
    void wake(int frames);
    void run();

    sqlite3* db_;
    sqlite3* own_ = nullptr;  // the checkpoints' connection; used only by the thread once it runs
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::thread thread_;
    WalLedger ledger_{kFramesPerCheckpoint};  // under mutex_
    bool pending_ = false;
    bool stopping_ = false;
    bool idle_ = false;  // the thread waits with nothing left to copy (under mutex_)
};

}  // namespace ferry::catalog
