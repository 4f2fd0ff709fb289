// How long and how much the transport waits for a client before it gives up on it. Defaults suit
// people on a LAN; FERRY_WEB_* variables change them (docs/web.md, "Limits"), which tests use to
// make the deadlines short.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "ferry/sdk/diagnostic.hpp"

namespace ferry::host::web {

struct FrontLimits {
    // The whole request head, from its first byte: a total, so a byte a second cannot stretch it.
    std::chrono::milliseconds header_timeout{5000};
    // A connection with no request under way (a new one, or kept alive after an answer).
    std::chrono::milliseconds idle_timeout{5000};
    // Bodies in and answers out may take this long, plus a second per `min_rate` bytes moved.
    std::chrono::milliseconds body_timeout{10000};
    std::uint64_t min_rate = 32 << 10;
    // After a last answer: how long unread bytes are drained so the client reads the answer, not a reset.
    std::chrono::milliseconds linger{2000};

    std::size_t max_head = 64 << 10;        // request line and headers (Poco's own limits apply within)
    std::size_t memory_body = 1 << 20;      // larger bodies wait in a spool file
    std::size_t max_connections = 512;      // beyond it new connections are closed at once
    unsigned threads = 8;                   // workers that run routes
    std::string spool_dir;                  // the data dir's uploads/
};

// Reads FERRY_WEB_HEADER_TIMEOUT_MS, FERRY_WEB_IDLE_TIMEOUT_MS, FERRY_WEB_BODY_TIMEOUT_MS and
// FERRY_WEB_MIN_RATE (bytes a second) over the defaults. A value that is not a positive whole
// number is FERRY-WEB-LIMITS.
bool read_limits_from_environment(FrontLimits& limits, sdk::Diagnostics& diags);

}  // namespace ferry::host::web
