// What the WAL checkpointer knows of the WAL (src/wal_ledger.hpp), in the interleavings of commits
// and checkpoints its thread cannot be made to meet on cue.
#include <gtest/gtest.h>

#include "wal_ledger.hpp"

using ferry::catalog::WalLedger;

namespace {

TEST(WalLedger, WakesOnceAThresholdOfFramesWasWrittenSinceTheLastWake) {
    WalLedger ledger(1000);
    EXPECT_FALSE(ledger.committed(400));
    EXPECT_FALSE(ledger.committed(999));
    EXPECT_TRUE(ledger.committed(1000));
    EXPECT_FALSE(ledger.committed(1999));
    EXPECT_TRUE(ledger.committed(2100));
}

TEST(WalLedger, IsBehindUntilACheckpointCopiedTheWholeWal) {
    WalLedger ledger(1000);
    ledger.committed(1200);
    const auto ticket = ledger.ticket();
    ledger.checkpointed(ticket, true, 800);
    EXPECT_TRUE(ledger.behind());
    ledger.checkpointed(ledger.ticket(), true, 1200);
    EXPECT_FALSE(ledger.behind());
    EXPECT_EQ(ledger.copied(), 1200);
    EXPECT_EQ(ledger.in_wal(), 1200);
}

TEST(WalLedger, CommitsDuringACheckpointLeaveItBehind) {
    WalLedger ledger(1000);
    ledger.committed(1000);
    const auto ticket = ledger.ticket();
    ledger.committed(1300);  // the writer goes on while the checkpoint copies the first 1,000
    ledger.checkpointed(ticket, true, 1000);
    EXPECT_TRUE(ledger.behind());
}

TEST(WalLedger, AShorterWalIsANewOneWithNothingCopiedAndAFreshThreshold) {
    WalLedger ledger(1000);
    ledger.committed(2400);
    ledger.checkpointed(ledger.ticket(), true, 2400);
    EXPECT_FALSE(ledger.committed(200));
    EXPECT_EQ(ledger.copied(), 0);
    EXPECT_TRUE(ledger.behind());
    EXPECT_TRUE(ledger.committed(1000));
}

// The race CI met: the checkpoint copied the whole WAL, the writer started a new one and
// committed before the thread took the mutex back. The old WAL's count must not be taken for
// the new one's, or the ledger would claim more than the WAL holds and never copy the rest.
TEST(WalLedger, ACheckpointThatEndsAfterANewWalBeganClaimsNothingOfIt) {
    WalLedger ledger(1000);
    ledger.committed(2400);
    const auto ticket = ledger.ticket();
    ledger.committed(200);  // a new WAL
    ledger.checkpointed(ticket, true, 2400);
    EXPECT_EQ(ledger.copied(), 0);
    EXPECT_EQ(ledger.in_wal(), 200);
    EXPECT_TRUE(ledger.behind());
    ledger.checkpointed(ledger.ticket(), true, 200);
    EXPECT_FALSE(ledger.behind());
}

TEST(WalLedger, AFailedCheckpointIsNotRetriedUntilTheWriterCommitsAgain) {
    WalLedger ledger(1000);
    ledger.committed(1500);
    ledger.checkpointed(ledger.ticket(), false, 0);
    EXPECT_FALSE(ledger.behind());
    EXPECT_FALSE(ledger.committed(1600));
    EXPECT_TRUE(ledger.behind());
}

}  // namespace
