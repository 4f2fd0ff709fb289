// Temporary folders (util/temp_dir.hpp): the folder of a run that was killed is removed by the next
// run that makes one with the same prefix; a live run's folder, and anything that is not one of
// ours, is left alone.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "util/object_spool.hpp"  // SpoolError
#include "util/temp_dir.hpp"

namespace ferry::test {
namespace {

namespace fs = std::filesystem;
using host::TempDir;

class TempDirSweep : public ::testing::Test {
  protected:
    void SetUp() override {
        char templ[] = "/tmp/ferry-tempdir-test.XXXXXX";
        ASSERT_NE(::mkdtemp(templ), nullptr);
        base_ = templ;
        const char* old = std::getenv("TMPDIR");
        had_tmpdir_ = old != nullptr;
        if (old) old_tmpdir_ = old;
        ::setenv("TMPDIR", base_.c_str(), 1);
    }
    void TearDown() override {
        if (had_tmpdir_) ::setenv("TMPDIR", old_tmpdir_.c_str(), 1);
        else ::unsetenv("TMPDIR");
        fs::remove_all(base_);
    }

    // A child makes a folder, puts a file in it and is killed with SIGKILL: no destructor runs.
    fs::path folder_of_a_killed_run(const std::string& prefix) {
        int p[2];
        EXPECT_EQ(::pipe(p), 0);
        const pid_t pid = ::fork();
        if (pid == 0) {
            ::close(p[0]);
            TempDir t(prefix);
            std::ofstream(t.path() / "copy.sql") << "SELECT 1;";
            const std::string path = t.path().string() + "\n";
            if (::write(p[1], path.data(), path.size()) != static_cast<ssize_t>(path.size())) ::_exit(2);
            for (;;) ::pause();
        }
        ::close(p[1]);
        std::string path;
        char c;
        while (::read(p[0], &c, 1) == 1 && c != '\n') path += c;
        ::close(p[0]);
        ::kill(pid, SIGKILL);
        int status = 0;
        ::waitpid(pid, &status, 0);
        EXPECT_TRUE(WIFSIGNALED(status));
        return path;
    }

    fs::path base_;
    bool had_tmpdir_ = false;
    std::string old_tmpdir_;
};

TEST_F(TempDirSweep, TheFolderOfAKilledRunIsRemovedByTheNextRun) {
    const fs::path left = folder_of_a_killed_run("ferry-import-");
    ASSERT_TRUE(fs::exists(left / "copy.sql")) << "the killed run left its folder: " << left;
    {
        TempDir next("ferry-import-");
        EXPECT_FALSE(fs::exists(left));
        EXPECT_TRUE(fs::is_directory(next.path()));
        EXPECT_EQ(next.path().parent_path(), base_);
    }
    EXPECT_TRUE(fs::is_empty(base_));
}

TEST_F(TempDirSweep, OnlyFoldersOfTheSamePrefixAreSwept) {
    const fs::path convert = folder_of_a_killed_run("ferry-convert-");
    TempDir next("ferry-import-");
    EXPECT_TRUE(fs::exists(convert)) << "a sweep removes only its own prefix's folders";
    EXPECT_EQ(TempDir::sweep_dead(base_, "ferry-convert-"), 1);
    EXPECT_FALSE(fs::exists(convert));
}

TEST_F(TempDirSweep, ALiveRunsFolderIsLeftAlone) {
    TempDir live("ferry-import-");
    std::ofstream(live.path() / "copy.sql") << "SELECT 1;";
    EXPECT_EQ(TempDir::sweep_dead(base_, "ferry-import-"), 0);
    TempDir other("ferry-import-");
    EXPECT_TRUE(fs::exists(live.path() / "copy.sql"));
    EXPECT_NE(other.path(), live.path());
}

// Sets TempDir's test hook, and clears it however the test ends (a failed assertion or a throw
// left it set for every later test).
struct BeforeLock {
    explicit BeforeLock(void (*hook)(const fs::path&)) { TempDir::before_lock_for_tests = hook; }
    ~BeforeLock() { TempDir::before_lock_for_tests = nullptr; }
};

// Another run's sweep removes a new folder before its maker could open and lock it (ctest running
// two imports at once met this): the maker makes another rather than use a folder that is gone.
TEST_F(TempDirSweep, AFolderSweptBeforeItWasLockedIsMadeAgain) {
    static fs::path swept;
    static int calls = 0;
    swept.clear();
    calls = 0;
    BeforeLock hook([](const fs::path& made) {
        if (calls++ > 0) return;
        swept = made;
        EXPECT_EQ(TempDir::sweep_dead(made.parent_path(), "ferry-import-"), 1);
    });
    TempDir t("ferry-import-");
    EXPECT_EQ(calls, 2);
    EXPECT_FALSE(fs::exists(swept));
    EXPECT_NE(t.path(), swept);
    EXPECT_TRUE(fs::is_directory(t.path()));
    EXPECT_EQ(TempDir::sweep_dead(base_, "ferry-import-"), 0) << "the folder made again is locked";
    EXPECT_TRUE(fs::is_directory(t.path()));
}

// Should every folder made be swept before it is locked, the run stops with a clear error rather
// than use one that is gone.
TEST_F(TempDirSweep, FoldersSweptEveryTimeEndInAClearError) {
    BeforeLock hook([](const fs::path& made) { TempDir::sweep_dead(made.parent_path(), "ferry-import-"); });
    std::string message;
    try {
        TempDir t("ferry-import-");
    } catch (const host::SpoolError& e) {
        message = e.what();
    }
    EXPECT_EQ(message, "cannot create and lock a temporary folder in " + base_.string() +
                           " (another run's sweep removed each folder made)");
    EXPECT_TRUE(fs::is_empty(base_));
}

TEST_F(TempDirSweep, WhatIsNotAFolderOfOursIsLeftAlone) {
    // A file and a symbolic link with a folder's name, and folders whose names only start alike.
    std::ofstream(base_ / "ferry-import-aaaaaa") << "a user's file";
    const fs::path target = base_ / "elsewhere";
    fs::create_directory(target);
    std::ofstream(target / "keep") << "keep";
    fs::create_directory_symlink(target, base_ / "ferry-import-bbbbbb");
    fs::create_directory(base_ / "ferry-import-cc");
    fs::create_directory(base_ / "ferry-import-dddddddd");
    fs::create_directory(base_ / "ferry-imports-eeeee");
    EXPECT_EQ(TempDir::sweep_dead(base_, "ferry-import-"), 0);
    for (const char* name : {"ferry-import-aaaaaa", "ferry-import-bbbbbb", "ferry-import-cc", "ferry-import-dddddddd",
                             "ferry-imports-eeeee"})
        EXPECT_TRUE(fs::exists(fs::symlink_status(base_ / name))) << name;
    EXPECT_TRUE(fs::exists(target / "keep"));
}

TEST_F(TempDirSweep, AnUnlockedFolderOfOurNameIsTakenForDead) {
    // What an older ferry, which held no lock, left behind: swept like a killed run's.
    fs::create_directory(base_ / "ferry-import-Zz09Qq");
    std::ofstream(base_ / "ferry-import-Zz09Qq" / "entries.spool") << "x";
    EXPECT_EQ(TempDir::sweep_dead(base_, "ferry-import-"), 1);
    EXPECT_FALSE(fs::exists(base_ / "ferry-import-Zz09Qq"));
}

}  // namespace
}  // namespace ferry::test
