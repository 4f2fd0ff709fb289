// Private to the catalog library: what the WAL checkpointer (wal_checkpointer.hpp) knows of the WAL,
// kept apart from its thread so its rules can be tested in any interleaving of commits and
// checkpoints. Not thread-safe: the checkpointer calls it under its own mutex.
//
// The writer reports the WAL's length after each commit; SQLite starts the WAL over once a
// checkpoint copied all of it, so a shorter length than last time means a new WAL. A checkpoint
// runs without the mutex, and the writer may start a new WAL while it runs (it needs only that
// the checkpoint, inside SQLite, has finished copying): the count a checkpoint returns then
// belongs to the old WAL. A ticket taken before the checkpoint says which WAL the count belongs
// to, so the ledger never claims frames of a new WAL as copied when nothing copied them.
#pragma once

namespace ferry::catalog {

class WalLedger {
  public:
    explicit WalLedger(int frames_per_wake) : frames_per_wake_(frames_per_wake) {}

    // The writer committed and the WAL is now `frames` long. True when enough was written since
    // the last wake to wake the checkpoints' thread.
    bool committed(int frames) {
        if (frames < in_wal_) {  // a new WAL
            ++generation_;
            at_last_wake_ = copied_ = 0;
        }
        in_wal_ = frames;
        if (frames - at_last_wake_ < frames_per_wake_) return false;
        at_last_wake_ = frames;
        return true;
    }

    // Taken before a checkpoint starts; handed back with its result.
    using Ticket = unsigned long;
    Ticket ticket() const { return generation_; }

    // A checkpoint ended. `ok`: it ran and `copied` frames of the WAL are in the database file.
    // A failed one counts as having copied everything, so the thread does not retry at every
    // rest while nothing is written; the next commit leaves it behind, and the rest after it
    // retries. A result from an older WAL says nothing of this one.
    void checkpointed(Ticket ticket, bool ok, int copied) {
        if (ticket != generation_) return;
        copied_ = ok ? copied : in_wal_;
    }

    // True while the WAL holds frames no checkpoint has copied: the thread copies them once the
    // writer rests.
    bool behind() const { return in_wal_ > copied_; }

    long copied() const { return copied_; }
    long in_wal() const { return in_wal_; }

  private:
    int frames_per_wake_;
    int in_wal_ = 0;
    int at_last_wake_ = 0;
    long copied_ = 0;
    Ticket generation_ = 0;
};

}  // namespace ferry::catalog
