// Wraps a source's byte stream: counts, hashes (SHA-256) and size-caps the package as it arrives.
//
// The source is read, and its bytes hashed, on a thread of their own a few chunks ahead of the
// reader: on a large package the SHA-256 alone was a fifth of `ferry check`, and a remote source's
// download can go on while the archive is being inflated. At most kChunks chunks of kChunkSize
// bytes wait, so memory stays flat. Only that thread touches the source's stream.
//
// Every chunk but the last is full (short reads from the source are gathered), and a view stays
// valid one call longer than asked: the archive walker then finds the bytes libarchive read ahead
// but did not use (a zip's central directory, a local header) among the last two views.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ferry/sdk/source.hpp"
#include "util/sha256.hpp"

namespace ferry::host {

class MeteredStream {
  public:
    MeteredStream(sdk::ByteStream& inner, std::uint64_t max_size, std::string location)
        : inner_(inner), max_size_(max_size), location_(std::move(location)) {}
    ~MeteredStream();  // stops the read-ahead (after the source's current read returns)
    MeteredStream(const MeteredStream&) = delete;
    MeteredStream& operator=(const MeteredStream&) = delete;

    // As ByteStream::read; going over the cap is an error (FERRY-SRC-TOO-LARGE) and nothing past
    // cap+1 bytes is ever requested from the source.
    std::ptrdiff_t read(char* buffer, std::size_t size, sdk::Diagnostics& diags);
    // As read(), without a copy: points `out` at the next bytes. They stay valid until the call
    // after next (to read() or read_view()), so the two latest views are always readable.
    std::ptrdiff_t read_view(const char** out, sdk::Diagnostics& diags);
    // Reads what is left (so the hash covers the whole package); false on error.
    bool drain(sdk::Diagnostics& diags);

    std::uint64_t bytes() const { return bytes_; }  // handed to the reader so far
    bool failed() const { return failed_; }
    bool at_end() const { return at_end_; }
    // The SHA-256 of every byte read; valid once read() has returned 0.
    std::string sha256_hex();

    static constexpr std::size_t kChunkSize = 256u << 10;
    static constexpr std::size_t kChunks = 8;

  private:
    void read_ahead();  // the thread's body
    // Bytes left in the current chunk, taking the next one when it is used up; 0 at the end, -1
    // after a failure (its diagnostics appended).
    std::ptrdiff_t fill(sdk::Diagnostics& diags);

    sdk::ByteStream& inner_;
    std::uint64_t max_size_;
    std::string location_;
    // Consumer side (the thread that calls read()).
    std::uint64_t bytes_ = 0;
    bool failed_ = false;
    bool at_end_ = false;
    std::vector<char> current_;   // the chunk being handed out
    std::vector<char> previous_;  // the chunk before it, kept for read_view's promise
    std::size_t current_pos_ = 0;
    // Shared with the read-ahead thread, under mutex_.
    std::mutex mutex_;
    std::condition_variable filled_, drained_;
    std::deque<std::vector<char>> chunks_;
    bool source_done_ = false;    // the source said end of stream
    bool source_failed_ = false;  // the source failed or the cap was passed; see source_diags_
    std::atomic<bool> stop_{false};  // set under mutex_; also read between a chunk's source reads
    sdk::Diagnostics source_diags_;
    Sha256 hash_;  // written by the read-ahead thread only, until source_done_
    std::thread thread_;
};

}  // namespace ferry::host
