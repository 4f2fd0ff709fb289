#include "util/temp_dir.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "util/object_spool.hpp"
#include "util/spool_reads.hpp"

namespace ferry::host {

namespace {

constexpr std::size_t kRandomChars = 6;  // mkdtemp's XXXXXX

int open_dir(const std::filesystem::path& p) {
    return ::open(p.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

bool same_inode(const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; }

// True when `fd` is still the folder at `path` (it was not removed or replaced meanwhile).
bool still_there(int fd, const std::filesystem::path& path) {
    struct stat by_fd {}, by_path {};
    return ::fstat(fd, &by_fd) == 0 && ::lstat(path.c_str(), &by_path) == 0 && same_inode(by_fd, by_path);
}

}  // namespace

int TempDir::sweep_dead(const std::filesystem::path& base, const std::string& prefix) {
    DIR* d = ::opendir(base.c_str());
    if (!d) return 0;
    std::vector<std::string> candidates;
    while (const dirent* e = ::readdir(d)) {
        const std::string name = e->d_name;
        if (name.size() == prefix.size() + kRandomChars && name.compare(0, prefix.size(), prefix) == 0)
            candidates.push_back(name);
    }
    ::closedir(d);
    int removed = 0;
    for (const auto& name : candidates) {
        const std::filesystem::path p = base / name;
        struct stat st {};
        if (::lstat(p.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::geteuid()) continue;
        const int fd = open_dir(p);
        if (fd < 0) continue;
        // A live owner holds the lock; an owner between mkdtemp and its flock finds its folder gone
        // and makes another (the constructor's loop).
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0 && still_there(fd, p)) {
            std::error_code ec;
            std::filesystem::remove_all(p, ec);
            if (!ec) ++removed;
        }
        ::close(fd);
    }
    return removed;
}

void (*TempDir::before_lock_for_tests)(const std::filesystem::path&) = nullptr;

TempDir::TempDir(const std::string& prefix) {
    // TMPDIR as the object spools read it; a TMPDIR that is not there is the same clear error.
    const char* t = std::getenv("TMPDIR");
    const std::filesystem::path base = t && *t ? t : "/tmp";
    sweep_dead(base, prefix);
    std::string why = "another run's sweep removed each folder made";  // what ended the last attempt
    for (int attempt = 0; attempt < 8; ++attempt) {
        std::string templ = (base / (prefix + std::string(kRandomChars, 'X'))).string();
        std::vector<char> buf(templ.begin(), templ.end());
        buf.push_back('\0');
        if (::mkdtemp(buf.data()) == nullptr)
            throw SpoolError("cannot create a temporary folder in " + base.string() + " (" + std::strerror(errno) +
                             ")");
        const std::filesystem::path made = buf.data();
        if (before_lock_for_tests) before_lock_for_tests(made);
        // Until it is locked, another run's sweep may take the new folder for a dead run's. When
        // it is gone before it could be opened, another is made: a run once used a folder another
        // run's sweep had removed, and could write nothing in it (FERRY-PKG-SPOOL).
        const int fd = open_dir(made);
        if (fd < 0) {
            why = errno == ENOENT ? "another run's sweep removed each folder made"
                                  : std::string("a folder made could not be opened: ") + std::strerror(errno);
            std::error_code ec;
            std::filesystem::remove(made, ec);  // if it is still there, empty
            continue;
        }
        // A signal may interrupt the wait while a sweep holds the lock. On a filesystem without
        // locks flock fails for good; the folder then stays unlocked, and no sweep can take it
        // either (its flock fails the same way).
        while (::flock(fd, LOCK_EX) != 0 && errno == EINTR) {
        }
        if (still_there(fd, made)) {
            path_ = made;
            lock_fd_ = fd;
            return;
        }
        // Another run's sweep took it between mkdtemp and the lock: make another.
        ::close(fd);
        std::error_code ec;
        std::filesystem::remove_all(made, ec);
    }
    throw SpoolError("cannot create and lock a temporary folder in " + base.string() + " (" + why + ")");
}

TempDir::~TempDir() {
    spool_reads::forget_under(path_);  // spool files read through it are closed before they go
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
    if (lock_fd_ >= 0) ::close(lock_fd_);
}

}  // namespace ferry::host
