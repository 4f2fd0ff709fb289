// Source plugins: open a package and stream its bytes.
//
// A source is created from its config table (a path, an address, a bucket and key...). open() hands
// back a stream; the host hashes and size-caps the bytes as they arrive, so a source only has to
// refuse early what it can see before reading (a file larger than the cap, a 404) and verify what
// only it knows (a server's checksum, an announced length) before reporting the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "ferry/sdk/diagnostic.hpp"
#include "ferry/sdk/plugin.hpp"

namespace ferry::sdk {

class FERRY_SDK_EXPORT ByteStream {
  public:
    virtual ~ByteStream() = default;
    // Reads up to `size` bytes. Returns the number read, 0 at the end, or -1 after adding an error to
    // `diags` (the package must then not be used). An integrity check belongs before returning 0.
    // The host calls read() from a thread of its own (never two at once), not the one that opened
    // the stream; keep no thread-local state between open() and read().
    virtual std::ptrdiff_t read(char* buffer, std::size_t size, Diagnostics& diags) = 0;
};

struct OpenRequest {
    std::uint64_t max_size = 0;  // 0: no limit; else refuse anything larger, as early as possible
};

struct OpenResponse {
    std::unique_ptr<ByteStream> stream;  // null when an error was reported
    std::int64_t size = -1;              // announced size, -1 when unknown
    std::string location;                // what to show a user: a path or an address without secrets
    Diagnostics diagnostics;
};

class FERRY_SDK_EXPORT Source : public PluginObject {
  public:
    virtual OpenResponse open(const OpenRequest& request) = 0;
};

}  // namespace ferry::sdk
