#include "util/object_spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace ferry::host {

namespace {
constexpr std::size_t kFlushAt = 1u << 20;   // pending bytes written in 1 MiB steps

std::string temp_dir() {
    const char* t = std::getenv("TMPDIR");
    return t && *t ? t : "/tmp";
}
}  // namespace

ObjectSpool::ObjectSpool() {
    std::string path = temp_dir() + "/ferry-objects-XXXXXX";
    fd_ = ::mkstemp(path.data());
    if (fd_ < 0)
        throw SpoolError("cannot create a temporary file in " + temp_dir() + " (" + std::strerror(errno) + ")");
    ::unlink(path.c_str());  // nothing is left behind, however the process ends
    ::fcntl(fd_, F_SETFD, FD_CLOEXEC);
}

ObjectSpool::~ObjectSpool() {
    if (fd_ >= 0) ::close(fd_);
}

void ObjectSpool::flush_locked() {
    std::size_t done = 0;
    while (done < pending_.size()) {
        const ssize_t n = ::pwrite(fd_, pending_.data() + done, pending_.size() - done,
                                   static_cast<off_t>(flushed_ + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
            throw SpoolError(std::string("cannot write the temporary file of the objects (") + std::strerror(errno) + ")");
        done += static_cast<std::size_t>(n);
    }
    flushed_ += pending_.size();
    pending_.clear();
}

std::uint64_t ObjectSpool::append(std::string_view bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::uint64_t at = flushed_ + pending_.size();
    pending_.append(bytes);
    if (pending_.size() >= kFlushAt) flush_locked();
    return at;
}

void ObjectSpool::read(std::uint64_t offset, std::uint32_t size, std::string& out) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (offset >= flushed_) {  // still in memory (objects are appended whole)
        out.assign(pending_, static_cast<std::size_t>(offset - flushed_), size);
        return;
    }
    if (!windows_.read(fd_, flushed_, offset, size, out))
        throw SpoolError(std::string("cannot read the temporary file of the objects (") +
                         (errno ? std::strerror(errno) : "short read") + ")");
}

// ---- the binary form ---------------------------------------------------------------------------

void SpoolWriter::u64_long(std::uint64_t v) {
    // LEB128: most values (lengths, small counters) take one byte.
    do {
        std::uint8_t b = v & 0x7f;
        v >>= 7;
        if (v) b |= 0x80;
        out_.push_back(static_cast<char>(b));
    } while (v);
}

void SpoolWriter::str(const std::string& s) {
    u64(s.size());
    out_.append(s);
}

void SpoolWriter::strings(const std::vector<std::string>& v) {
    u64(v.size());
    for (const auto& s : v) str(s);
}

void SpoolReader::need(std::size_t n) const {
    if (n > in_.size() - at_) throw SpoolError("a spooled object is cut short (a bug in ferry)");
}

std::uint64_t SpoolReader::u64_long() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        need(1);
        const auto b = static_cast<std::uint8_t>(in_[at_++]);
        v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
        if (!(b & 0x80)) return v;
    }
    throw SpoolError("a spooled number is malformed (a bug in ferry)");
}

bool SpoolReader::boolean() {
    need(1);
    return in_[at_++] != 0;
}

std::string SpoolReader::str() {
    const std::uint64_t n = u64();
    need(static_cast<std::size_t>(n));
    std::string s(in_.substr(at_, static_cast<std::size_t>(n)));
    at_ += static_cast<std::size_t>(n);
    return s;
}

std::string_view SpoolReader::view() {
    const std::uint64_t n = u64();
    need(static_cast<std::size_t>(n));
    const std::string_view s = in_.substr(at_, static_cast<std::size_t>(n));
    at_ += static_cast<std::size_t>(n);
    return s;
}

void SpoolReader::skip_strings() {
    const std::uint64_t n = u64();
    for (std::uint64_t i = 0; i < n; ++i) view();
}

std::vector<std::string> SpoolReader::strings() {
    const std::uint64_t n = u64();
    need(static_cast<std::size_t>(n));  // every string takes at least its length byte
    std::vector<std::string> v(static_cast<std::size_t>(n));
    for (auto& s : v) s = str();
    return v;
}

}  // namespace ferry::host
