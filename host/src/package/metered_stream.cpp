#include "package/metered_stream.hpp"

#include <vector>

namespace ferry::host {

std::ptrdiff_t MeteredStream::read(char* buffer, std::size_t size, sdk::Diagnostics& diags) {
    if (failed_) return -1;
    if (at_end_) return 0;
    std::size_t want = size;
    if (max_size_ > 0) {
        // Ask for at most one byte past the cap: enough to know the package is too large.
        const std::uint64_t room = max_size_ + 1 - bytes_;
        if (want > room) want = static_cast<std::size_t>(room);
    }
    const std::ptrdiff_t n = inner_.read(buffer, want, diags);
    if (n < 0) {
        failed_ = true;
        return -1;
    }
    if (n == 0) {
        at_end_ = true;
        return 0;
    }
    bytes_ += static_cast<std::uint64_t>(n);
    if (max_size_ > 0 && bytes_ > max_size_) {
        failed_ = true;
        diags.error("FERRY-SRC-TOO-LARGE",
                    "the package is over the size limit of " + std::to_string(max_size_) + " bytes",
                    "raise the limit with --max-size or max_size in [source] (e.g. 2GB)", location_);
        return -1;
    }
    hash_.update(buffer, static_cast<std::size_t>(n));
    return n;
}

bool MeteredStream::drain(sdk::Diagnostics& diags) {
    std::vector<char> buf(1 << 16);
    for (;;) {
        const std::ptrdiff_t n = read(buf.data(), buf.size(), diags);
        if (n < 0) return false;
        if (n == 0) return true;
    }
}

}  // namespace ferry::host
