// A private temporary folder (mode 0700) removed with everything in it when the object dies. The
// package reader writes nothing anywhere else.
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

  private:
    std::filesystem::path path_;
};

}  // namespace ferry::host
