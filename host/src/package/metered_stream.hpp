// Wraps a source's byte stream: counts, hashes (SHA-256) and size-caps the package as it arrives.
#pragma once

#include <cstdint>
#include <string>

#include "ferry/sdk/source.hpp"
#include "util/sha256.hpp"

namespace ferry::host {

class MeteredStream {
  public:
    MeteredStream(sdk::ByteStream& inner, std::uint64_t max_size, std::string location)
        : inner_(inner), max_size_(max_size), location_(std::move(location)) {}

    // As ByteStream::read; going over the cap is an error (FERRY-SRC-TOO-LARGE) and nothing past
    // cap+1 bytes is ever requested from the source.
    std::ptrdiff_t read(char* buffer, std::size_t size, sdk::Diagnostics& diags);
    // Reads what is left (so the hash covers the whole package); false on error.
    bool drain(sdk::Diagnostics& diags);

    std::uint64_t bytes() const { return bytes_; }
    bool failed() const { return failed_; }
    bool at_end() const { return at_end_; }
    std::string sha256_hex() { return hash_.hex(); }

  private:
    sdk::ByteStream& inner_;
    std::uint64_t max_size_;
    std::string location_;
    std::uint64_t bytes_ = 0;
    bool failed_ = false;
    bool at_end_ = false;
    Sha256 hash_;
};

}  // namespace ferry::host
