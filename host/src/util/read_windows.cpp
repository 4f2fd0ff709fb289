#include "util/read_windows.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace ferry::host {

std::uint64_t pread_full(int fd, char* into, std::uint64_t n, std::uint64_t offset) {
    std::uint64_t got = 0;
    while (got < n) {
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(n - got, 1u << 30));
        const ssize_t r = ::pread(fd, into + got, want, static_cast<off_t>(offset + got));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += static_cast<std::uint64_t>(r);
    }
    return got;
}

bool ReadWindows::read(int fd, std::uint64_t limit, std::uint64_t offset, std::uint64_t size, std::string& out) {
    errno = 0;
    if (offset > limit || size > limit - offset) return false;
    const std::uint64_t end = offset + size;
    ++clock_;
    Window* continued = nullptr;
    Window* oldest = &windows_[0];
    for (auto& w : windows_) {
        if (offset >= w.offset && end <= w.offset + w.bytes.size()) {
            out.assign(w.bytes, static_cast<std::size_t>(offset - w.offset), static_cast<std::size_t>(size));
            w.last_end = end;
            w.used = clock_;
            return true;
        }
        if (w.last_end == offset) continued = &w;
        if (w.used < oldest->used) oldest = &w;
    }
    // A read larger than a window goes straight into `out`: a window never holds a whole resource.
    if (size > kWindow) continued = nullptr;
    // A read where one of the passes left off fills that pass's window ahead; any other read takes
    // just its bytes, and the least recently used window follows it from there.
    Window& w = continued ? *continued : *oldest;
    w.last_end = end;
    w.used = clock_;
    if (!continued) {
        out.resize(static_cast<std::size_t>(size));
        if (pread_full(fd, out.data(), size, offset) == size) return true;
        out.clear();
        return false;
    }
    const std::uint64_t want = std::min<std::uint64_t>(kWindow, limit - offset);
    w.bytes.resize(static_cast<std::size_t>(want));
    const std::uint64_t got = pread_full(fd, w.bytes.data(), want, offset);
    w.offset = offset;
    w.bytes.resize(static_cast<std::size_t>(got));  // short at the file's end
    if (got < size) {
        w.bytes.clear();
        return false;
    }
    out.assign(w.bytes, 0, static_cast<std::size_t>(size));
    return true;
}

}  // namespace ferry::host
