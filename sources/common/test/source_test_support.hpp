// Shared by the source test executables: server addresses from the environment, the generated
// object bytes the test server serves, a recording HostServices, and draining a ByteStream.
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include "ferry/sdk/plugin.hpp"
#include "ferry/sdk/source.hpp"

namespace ferry::source::testing {

// A missing server is a failure, never a skip: the suite is only green when it really ran.
#define FERRY_REQUIRE_ENV(var, NAME)                                                                  \
    const std::string var = [] {                                                                      \
        const char* v = std::getenv(NAME);                                                            \
        return std::string(v ? v : "");                                                               \
    }();                                                                                              \
    if (var.empty())                                                                                  \
    FAIL() << NAME " is not set: start the test servers with "                                        \
              "`eval \"$(tests/servers/start_source_servers.sh start DIR)\"` and run the tests again"

// What tests/servers/http_server.py generates for an object of `size` bytes.
inline std::string generated_bytes(std::size_t size) {
    std::string s(size, '\0');
    for (std::size_t i = 0; i < size; ++i) s[i] = static_cast<char>((i * 131 + 7) % 251);
    return s;
}

// A process-unique path segment, so the server's per-object request counters start at zero.
inline std::string nonce() {
    static int counter = 0;
    return "n" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

class RecordingHost : public sdk::HostServices {
  public:
    void log(sdk::Severity severity, const std::string& message) override {
        std::lock_guard<std::mutex> lock(mutex_);
        lines.push_back(std::string(sdk::to_string(severity)) + ": " + message);
    }
    std::string joined() const {
        std::string out;
        for (const auto& l : lines) out += l + "\n";
        return out;
    }
    std::vector<std::string> lines;

  private:
    std::mutex mutex_;
};

struct Drained {
    bool ok = false;  // reached 0 without an error
    std::string bytes;
    sdk::Diagnostics diagnostics;
};

inline Drained drain(sdk::ByteStream& stream, std::size_t chunk = 16 * 1024) {
    Drained d;
    std::string buffer(chunk, '\0');
    for (;;) {
        auto n = stream.read(buffer.data(), buffer.size(), d.diagnostics);
        if (n < 0) return d;
        if (n == 0) break;
        d.bytes.append(buffer.data(), static_cast<std::size_t>(n));
    }
    d.ok = !d.diagnostics.has_errors();
    return d;
}

// All diagnostics as text, for failure messages and for checking that no secret leaked.
inline std::string describe(const sdk::Diagnostics& diags) {
    std::string out;
    for (const auto& d : diags.items())
        out += std::string(sdk::to_string(d.severity)) + " " + d.code + ": " + d.summary + " | " + d.detail + " @ " +
               d.where + "\n";
    return out;
}

inline std::string first_code(const sdk::Diagnostics& diags) {
    return diags.items().empty() ? std::string("<none>") : diags.items().front().code;
}

}  // namespace ferry::source::testing
