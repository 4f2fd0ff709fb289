// A response body read from an open file: the transport sends it in pieces with sendfile(2) under
// its write deadlines, so a package of any size is never held in memory. The descriptor is the
// one the route checked: what goes out is the file it looked at, even if the name is replaced.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <memory>
#include <string>

namespace ferry::host::web {

class FileBody {
  public:
    // The file at `path`, opened for reading, with its size and identity as fstat gave them;
    // null (errno says why) when it cannot be opened or is not a regular file.
    static std::shared_ptr<FileBody> open(const std::string& path) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return nullptr;
        struct stat st {};
        if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            ::close(fd);
            errno = ENOENT;
            return nullptr;
        }
        return std::shared_ptr<FileBody>(new FileBody(fd, st));
    }

    ~FileBody() { ::close(fd_); }
    FileBody(const FileBody&) = delete;
    FileBody& operator=(const FileBody&) = delete;

    int fd() const { return fd_; }
    std::uint64_t size() const { return static_cast<std::uint64_t>(stat_.st_size); }
    const struct stat& stat() const { return stat_; }

  private:
    FileBody(int fd, const struct stat& st) : fd_(fd), stat_(st) {}
    int fd_;
    struct stat stat_;
};

}  // namespace ferry::host::web
