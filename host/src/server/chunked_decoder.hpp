// The chunked transfer coding (RFC 7230 §4.1) decoded as bytes arrive: the event loop feeds it
// whatever a read gave and never waits for a whole chunk. Extensions and trailers are read and
// dropped; their lines are capped so a client cannot make the decoder hold an endless line.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace ferry::host::web {

class ChunkedDecoder {
  public:
    // Receives each run of decoded bytes; returns false to stop (the body could not be kept).
    using Sink = std::function<bool(const char*, std::size_t)>;

    // Consumes from `input` up to the end of the body at most, so bytes of a next request stay
    // with the caller. Returns how many bytes were consumed.
    std::size_t feed(std::string_view input, const Sink& sink);

    bool done() const { return state_ == State::done; }
    bool failed() const { return state_ == State::failed; }
    const std::string& problem() const { return problem_; }  // why it failed
    std::uint64_t decoded() const { return decoded_; }

    static constexpr std::size_t kMaxLine = 4096;           // a chunk-size line with its extensions
    static constexpr std::size_t kMaxTrailers = 16 << 10;   // all trailer lines together

  private:
    enum class State { size_line, data, data_end, trailer, done, failed };
    bool fail(std::string why);
    bool end_of_size_line();

    State state_ = State::size_line;
    std::string line_;
    std::uint64_t left_ = 0;       // data bytes of the current chunk still to come
    std::uint64_t decoded_ = 0;
    std::size_t trailer_bytes_ = 0;
    std::string problem_;
};

}  // namespace ferry::host::web
