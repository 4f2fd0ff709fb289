// The SQLite catalog's background checkpoints (src/wal_checkpointer.hpp), on a database of its own.
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include "wal_checkpointer.hpp"

using ferry::catalog::WalCheckpointer;

namespace {

class WalCheckpointerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() / ("ferry-wal-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_);
        file_ = (dir_ / "catalog.db").string();
        ASSERT_EQ(sqlite3_open(file_.c_str(), &db_), SQLITE_OK);
        exec("PRAGMA journal_mode = WAL");
        exec("PRAGMA synchronous = NORMAL");
        exec("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)");
    }
    void TearDown() override {
        if (db_) sqlite3_close(db_);
        std::filesystem::remove_all(dir_);
    }
    void exec(const std::string& sql) {
        char* error = nullptr;
        ASSERT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
    }
    // `batches` transactions of 100 rows of 4 KiB each: a page and more per row.
    void write(int batches) {
        for (int b = 0; b < batches; ++b) {
            exec("BEGIN");
            for (int i = 0; i < 100; ++i) exec("INSERT INTO t (body) VALUES (randomblob(4096))");
            exec("COMMIT");
        }
    }
    long count() {
        sqlite3_stmt* st = nullptr;
        EXPECT_EQ(sqlite3_prepare_v2(db_, "SELECT count(*) FROM t", -1, &st, nullptr), SQLITE_OK);
        EXPECT_EQ(sqlite3_step(st), SQLITE_ROW);
        const long n = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return n;
    }
    // Waits for the thread to report at least `frames` copied; it runs on its own schedule.
    static bool copied_at_least(const WalCheckpointer& c, long frames) {
        for (int i = 0; i < 1000 && c.frames_copied() < frames; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        return c.frames_copied() >= frames;
    }

    std::filesystem::path dir_;
    std::string file_;
    sqlite3* db_ = nullptr;
};

TEST_F(WalCheckpointerTest, CopiesTheWalIntoTheDatabaseWhileTheWriterGoesOn) {
    const auto empty_size = std::filesystem::file_size(file_);
    WalCheckpointer checkpointer(db_);
    write(30);  // 3,000 rows: three times the threshold
    ASSERT_TRUE(copied_at_least(checkpointer, WalCheckpointer::kFramesPerCheckpoint));
    // The copy is in the database file itself, with the writer's connection still open.
    EXPECT_GT(std::filesystem::file_size(file_), empty_size + 1000u * 4096u);
    EXPECT_EQ(count(), 3000);
}

TEST_F(WalCheckpointerTest, WhatIsLeftBelowTheThresholdIsCopiedOnceTheWriterRests) {
    WalCheckpointer checkpointer(db_);
    write(12);  // 1,200 rows: past the threshold once
    ASSERT_TRUE(copied_at_least(checkpointer, WalCheckpointer::kFramesPerCheckpoint));
    write(1);  // 100 rows more: no wake of their own
    for (int i = 0; i < 1000 && checkpointer.frames_copied() < checkpointer.frames_in_wal(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(checkpointer.frames_copied(), checkpointer.frames_in_wal());
}

// The order the test above only sometimes met: the thread has copied the whole WAL and waits for
// work when a few commits, too few to wake it, start a new WAL. It must still copy them once the
// writer rests, not leave them for the last connection's close.
TEST_F(WalCheckpointerTest, CommitsAfterTheThreadCaughtUpAreCopiedOnceTheWriterRests) {
    WalCheckpointer checkpointer(db_);
    write(12);
    ASSERT_TRUE(copied_at_least(checkpointer, WalCheckpointer::kFramesPerCheckpoint));
    for (int i = 0; i < 1000 && checkpointer.frames_copied() < checkpointer.frames_in_wal(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_EQ(checkpointer.frames_copied(), checkpointer.frames_in_wal());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the thread is waiting for work
    write(1);  // 100 rows: a new WAL, a tenth of the threshold
    ASSERT_LT(checkpointer.frames_in_wal(), WalCheckpointer::kFramesPerCheckpoint);
    for (int i = 0; i < 1000 && checkpointer.frames_copied() < checkpointer.frames_in_wal(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(checkpointer.frames_copied(), checkpointer.frames_in_wal());
    EXPECT_GT(checkpointer.frames_copied(), 0);
}

TEST_F(WalCheckpointerTest, BelowTheThresholdNothingIsCopiedAtOnce) {
    WalCheckpointer checkpointer(db_);
    write(1);  // 100 rows: a tenth of the threshold
    EXPECT_EQ(checkpointer.frames_copied(), 0);
}

TEST_F(WalCheckpointerTest, EverythingCommittedIsThereAfterCloseAndReopen) {
    {
        WalCheckpointer checkpointer(db_);
        write(25);
    }  // stopped, possibly with a checkpoint pending; the writer goes on without it
    write(5);
    sqlite3_close(db_);
    db_ = nullptr;
    EXPECT_FALSE(std::filesystem::exists(file_ + "-wal"));  // the last connection copied the rest
    ASSERT_EQ(sqlite3_open(file_.c_str(), &db_), SQLITE_OK);
    EXPECT_EQ(count(), 3000);
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db_, "PRAGMA integrity_check", -1, &st, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "ok");
    sqlite3_finalize(st);
}

TEST(WalCheckpointer, AnInMemoryDatabaseKeepsSqlitesOwnCheckpoints) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
    {
        WalCheckpointer checkpointer(db);
        ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t (x); INSERT INTO t VALUES (1)", nullptr, nullptr, nullptr), SQLITE_OK);
        EXPECT_EQ(checkpointer.frames_copied(), 0);
    }
    sqlite3_close(db);
}

}  // namespace
