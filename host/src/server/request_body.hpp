// Where a request's body waits until all of it has arrived: in memory up to a threshold, then in
// a private file (0600) in the spool folder that is unlinked the moment it is made, so no
// failure, crash or kill leaves it behind. Once complete, a route reads it as a stream.
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <streambuf>
#include <string>

namespace ferry::host::web {

class RequestBody {
  public:
    RequestBody(std::string spool_dir, std::size_t memory_limit);
    ~RequestBody();
    RequestBody(const RequestBody&) = delete;
    RequestBody& operator=(const RequestBody&) = delete;

    // False when the spool file cannot be made or written (the disk is full, the folder gone).
    bool append(const char* data, std::size_t n);
    std::uint64_t size() const { return size_; }
    bool spooled() const { return fd_ >= 0; }

    // The body from its first byte; only once nothing more is appended.
    std::istream& stream();

  private:
    class Reader;
    std::string spool_dir_;
    std::size_t memory_limit_;
    std::string memory_;
    int fd_ = -1;
    std::uint64_t size_ = 0;
    std::unique_ptr<Reader> reader_;
    std::unique_ptr<std::istream> stream_;
};

}  // namespace ferry::host::web
