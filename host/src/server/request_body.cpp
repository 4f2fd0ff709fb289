#include "server/request_body.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

namespace ferry::host::web {

// Reads the memory copy, or the spool file with pread (the file's offset is nobody else's).
class RequestBody::Reader : public std::streambuf {
  public:
    Reader(const std::string& memory, int fd) : memory_(memory), fd_(fd) {
        if (fd_ < 0) {
            char* begin = const_cast<char*>(memory_.data());
            setg(begin, begin, begin + memory_.size());
        }
    }

  protected:
    int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        if (fd_ < 0) return traits_type::eof();
        ssize_t n;
        do n = ::pread(fd_, buf_, sizeof buf_, offset_);
        while (n < 0 && errno == EINTR);
        if (n <= 0) return traits_type::eof();
        offset_ += n;
        setg(buf_, buf_, buf_ + n);
        return traits_type::to_int_type(buf_[0]);
    }

  private:
    const std::string& memory_;
    int fd_;
    off_t offset_ = 0;
    char buf_[64 << 10];
};

RequestBody::RequestBody(std::string spool_dir, std::size_t memory_limit)
    : spool_dir_(std::move(spool_dir)), memory_limit_(memory_limit) {}

RequestBody::~RequestBody() {
    stream_.reset();
    reader_.reset();
    if (fd_ >= 0) ::close(fd_);
}

bool RequestBody::append(const char* data, std::size_t n) {
    if (fd_ < 0 && memory_.size() + n <= memory_limit_) {
        memory_.append(data, n);
        size_ += n;
        return true;
    }
    if (fd_ < 0) {
        std::string path = (std::filesystem::path(spool_dir_) / "body.XXXXXX").string();
        fd_ = ::mkostemp(path.data(), O_CLOEXEC);  // 0600 by construction
        if (fd_ < 0) return false;
        ::unlink(path.c_str());  // only the descriptor names it from now on
        const std::string held = std::move(memory_);
        memory_.clear();
        size_ = 0;
        if (!held.empty() && !append(held.data(), held.size())) return false;
    }
    while (n > 0) {
        const ssize_t w = ::write(fd_, data, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        data += w;
        n -= static_cast<std::size_t>(w);
        size_ += static_cast<std::uint64_t>(w);
    }
    return true;
}

std::istream& RequestBody::stream() {
    if (!stream_) {
        reader_ = std::make_unique<Reader>(memory_, fd_);
        stream_ = std::make_unique<std::istream>(reader_.get());
    }
    return *stream_;
}

}  // namespace ferry::host::web
