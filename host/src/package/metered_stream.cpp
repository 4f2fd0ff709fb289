#include "package/metered_stream.hpp"

#include <algorithm>
#include <cstring>
#include <exception>

namespace ferry::host {

MeteredStream::~MeteredStream() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    drained_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void MeteredStream::read_ahead() {
    std::uint64_t total = 0;
    for (;;) {
        // Reads are gathered until the chunk is full (or the source ends, fails or passes the cap):
        // the walker counts on every chunk but the last being whole.
        std::vector<char> chunk(kChunkSize);
        std::size_t filled = 0;
        bool ended = false, failed = false, too_large = false;
        sdk::Diagnostics diags;
        while (filled < kChunkSize && !stop_) {
            std::size_t want = kChunkSize - filled;
            if (max_size_ > 0) {
                // Ask for at most one byte past the cap: enough to know the package is too large.
                const std::uint64_t room = max_size_ + 1 - (total + filled);
                if (want > room) want = static_cast<std::size_t>(room);
            }
            std::ptrdiff_t n = -1;
            try {
                n = inner_.read(chunk.data() + filled, want, diags);
            } catch (const std::exception& e) {
                // Nothing may escape this thread; a source that throws has failed.
                diags.error("FERRY-SRC-READ", std::string("the source failed while reading: ") + e.what(),
                            "try again; if it persists, report it to the source plugin's authors", location_);
            }
            if (n < 0) {
                failed = true;
                break;
            }
            if (n == 0) {
                ended = true;
                break;
            }
            filled += static_cast<std::size_t>(n);
            if (max_size_ > 0 && total + filled > max_size_) {
                too_large = true;
                break;
            }
        }
        std::unique_lock<std::mutex> lock(mutex_);
        source_diags_.append(diags);
        if (too_large) {
            // The chunk that went past the cap is not handed on.
            source_failed_ = true;
            source_diags_.error("FERRY-SRC-TOO-LARGE",
                                "the package is over the size limit of " + std::to_string(max_size_) + " bytes",
                                "raise the limit with --max-size or max_size in [source] (e.g. 2GB)", location_);
        } else {
            if (filled > 0) {  // bytes before an end or a failure still arrive, in order
                total += filled;
                chunk.resize(filled);
                lock.unlock();
                hash_.update(chunk.data(), chunk.size());
                lock.lock();
                chunks_.push_back(std::move(chunk));
            }
            if (failed) source_failed_ = true;
            if (ended) source_done_ = true;
        }
        filled_.notify_all();
        if (source_failed_ || source_done_ || stop_) return;
        drained_.wait(lock, [this] { return stop_ || chunks_.size() < kChunks; });
        if (stop_) return;
    }
}

std::ptrdiff_t MeteredStream::fill(sdk::Diagnostics& diags) {
    if (failed_) return -1;
    if (at_end_) return 0;
    if (current_pos_ < current_.size()) return static_cast<std::ptrdiff_t>(current_.size() - current_pos_);
    std::unique_lock<std::mutex> lock(mutex_);
    if (!thread_.joinable()) thread_ = std::thread([this] { read_ahead(); });
    filled_.wait(lock, [this] { return !chunks_.empty() || source_done_ || source_failed_; });
    if (chunks_.empty()) {
        // Everything before the failure has been handed out; now the failure itself.
        diags.append(source_diags_);  // on success: warnings a source may have left
        if (source_failed_) {
            failed_ = true;
            return -1;
        }
        at_end_ = true;
        return 0;
    }
    previous_ = std::move(current_);  // a view into it may still be read (see read_view)
    current_ = std::move(chunks_.front());
    chunks_.pop_front();
    current_pos_ = 0;
    drained_.notify_all();
    return static_cast<std::ptrdiff_t>(current_.size());
}

std::ptrdiff_t MeteredStream::read(char* buffer, std::size_t size, sdk::Diagnostics& diags) {
    const std::ptrdiff_t available = fill(diags);
    if (available <= 0) return available;
    const std::size_t n = std::min(size, static_cast<std::size_t>(available));
    std::memcpy(buffer, current_.data() + current_pos_, n);
    current_pos_ += n;
    bytes_ += n;
    return static_cast<std::ptrdiff_t>(n);
}

std::ptrdiff_t MeteredStream::read_view(const char** out, sdk::Diagnostics& diags) {
    const std::ptrdiff_t available = fill(diags);
    if (available <= 0) return available;
    *out = current_.data() + current_pos_;
    current_pos_ = current_.size();
    bytes_ += static_cast<std::uint64_t>(available);
    return available;
}

bool MeteredStream::drain(sdk::Diagnostics& diags) {
    std::vector<char> buf(kChunkSize);
    for (;;) {
        const std::ptrdiff_t n = read(buf.data(), buf.size(), diags);
        if (n < 0) return false;
        if (n == 0) return true;
    }
}

std::string MeteredStream::sha256_hex() {
    // At the end the read-ahead thread has returned; join it so its last hash update is visible.
    if (at_end_ && thread_.joinable()) thread_.join();
    return hash_.hex();
}

}  // namespace ferry::host
