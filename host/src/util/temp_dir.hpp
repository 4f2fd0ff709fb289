// A private temporary folder (mode 0700) removed with everything in it when the object dies. The
// package reader writes nothing anywhere else.
//
// A process that is killed cannot run the destructor, and an import's folder holds a copy of the
// package's code and resources, so a killed run would leave the package's size behind in TMPDIR
// for each kill. The owner therefore holds a flock on its folder for as long as it lives (the
// kernel drops it however the process ends), and making a folder first removes the folders of the
// same prefix, ours, whose lock nobody holds: those of runs that died.
#pragma once

#include <filesystem>
#include <string>

namespace ferry::host {

class TempDir {
  public:
    explicit TempDir(const std::string& prefix = "ferry-");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

    // Removes the folders `base/prefix??????` left by processes that died; returns how many. Only
    // folders of this user, not symbolic links, whose lock can be taken at once.
    static int sweep_dead(const std::filesystem::path& base, const std::string& prefix);

    // For the tests: called with each folder made, before it is opened and locked: the moment
    // another run's sweep can take it for a dead run's.
    static void (*before_lock_for_tests)(const std::filesystem::path& made);

  private:
    std::filesystem::path path_;
    int lock_fd_ = -1;
};

}  // namespace ferry::host
