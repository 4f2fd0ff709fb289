#include "server/chunked_decoder.hpp"

#include <algorithm>

namespace ferry::host::web {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

bool ChunkedDecoder::fail(std::string why) {
    state_ = State::failed;
    problem_ = std::move(why);
    return false;
}

// chunk-size [ BWS ";" extensions ] — the size in hex, at most 15 digits so it cannot overflow.
bool ChunkedDecoder::end_of_size_line() {
    std::size_t i = 0;
    std::uint64_t size = 0;
    for (; i < line_.size() && hex_value(line_[i]) >= 0; ++i) {
        if (i == 15) return fail("a chunk size has too many digits");
        size = size * 16 + static_cast<std::uint64_t>(hex_value(line_[i]));
    }
    if (i == 0) return fail("a chunk does not start with its size in hex");
    while (i < line_.size() && (line_[i] == ' ' || line_[i] == '\t')) ++i;
    if (i < line_.size() && line_[i] != ';') return fail("a chunk size is followed by something else than ';'");
    line_.clear();
    left_ = size;
    state_ = size == 0 ? State::trailer : State::data;
    return true;
}

std::size_t ChunkedDecoder::feed(std::string_view input, const Sink& sink) {
    std::size_t pos = 0;
    while (pos < input.size() && state_ != State::done && state_ != State::failed) {
        if (state_ == State::data) {
            const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left_, input.size() - pos));
            if (!sink(input.data() + pos, n)) {
                fail("the body could not be kept");
                return pos;
            }
            pos += n;
            left_ -= n;
            decoded_ += n;
            if (left_ == 0) state_ = State::data_end;
            continue;
        }
        // The other states read lines; a bare LF ends a line too (RFC 7230 §3.5).
        const char c = input[pos++];
        if (c != '\n') {
            line_ += c;
            if (line_.size() > kMaxLine) {
                fail(state_ == State::trailer ? "a trailer line is too long" : "a chunk-size line is too long");
                return pos;
            }
            continue;
        }
        if (!line_.empty() && line_.back() == '\r') line_.pop_back();
        switch (state_) {
            case State::size_line:
                if (!end_of_size_line()) return pos;
                break;
            case State::data_end:
                if (!line_.empty()) {
                    fail("a chunk is longer than its size says");
                    return pos;
                }
                state_ = State::size_line;
                break;
            case State::trailer:
                if (line_.empty()) {
                    state_ = State::done;
                    break;
                }
                trailer_bytes_ += line_.size();
                line_.clear();
                if (trailer_bytes_ > kMaxTrailers) {
                    fail("the trailers are too long");
                    return pos;
                }
                break;
            default:
                break;
        }
    }
    return pos;
}

}  // namespace ferry::host::web
