// Opening an http(s) object as a stream: bounded retries with backoff on 5xx, timeouts and resets;
// resume with Range after a dropped connection; the size cap enforced as bytes arrive; the length
// and x-oss-hash-crc64ecma verified before the end is reported; server errors turned into
// diagnostics that show the service's Code, Message and RequestId.
//
// Codes: FERRY-SRC-HTTP-<status>, FERRY-SRC-TIMEOUT, FERRY-SRC-CONNECT, FERRY-SRC-CONNECTION-LOST,
// FERRY-SRC-TLS, FERRY-SRC-TOO-LARGE, FERRY-SRC-LENGTH-MISMATCH, FERRY-SRC-CRC-MISMATCH,
// FERRY-SRC-RESUME, FERRY-SRC-OBJECT-CHANGED.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "ferry/sdk/plugin.hpp"
#include "ferry/sdk/source.hpp"
#include "ferry/source/http_request.hpp"

namespace ferry::source {

struct FetchOptions {
    HttpRequest request;  // a GET; Range and If-Match are added when resuming
    // Run before every attempt (a fresh Date each time, and after Range was added). May be empty.
    std::function<void(HttpRequest&)> sign;
    std::string location;               // the address users see; must hold no secret
    std::vector<std::string> secrets;   // scrubbed from everything reported, whatever a server echoes
    std::string ca_file;                // PEM file trusted instead of the system's CAs; empty: system
    std::chrono::milliseconds timeout{30000};  // connect, send and each receive
    int retries = 3;                            // further attempts after a failure without progress
    std::chrono::milliseconds backoff{500};     // before the first retry, doubled after each, max 8 s
    sdk::HostServices* host = nullptr;          // for retry and resume log lines; may be null
    std::string where;                          // config location for diagnostics
};

// On success the response holds a stream; otherwise its diagnostics say why.
sdk::OpenResponse open_http(FetchOptions options, const sdk::OpenRequest& request);

}  // namespace ferry::source
