// A package held in a string, read as a source's stream: in pieces of at most `piece` bytes, so
// records fall across the pieces a walker is handed.
#pragma once

#include <algorithm>
#include <string>

#include "ferry/sdk/source.hpp"

namespace ferry::test {

class StringStream : public sdk::ByteStream {
  public:
    explicit StringStream(std::string s, std::size_t piece = static_cast<std::size_t>(-1))
        : s_(std::move(s)), piece_(piece) {}
    std::ptrdiff_t read(char* buffer, std::size_t size, sdk::Diagnostics&) override {
        const std::size_t n = std::min({size, s_.size() - at_, piece_});
        s_.copy(buffer, n, at_);
        at_ += n;
        return static_cast<std::ptrdiff_t>(n);
    }

  private:
    std::string s_;
    std::size_t piece_;
    std::size_t at_ = 0;
};

}  // namespace ferry::test
