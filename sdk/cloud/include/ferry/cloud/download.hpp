// A GET read as a stream, for objects of any size: bounded retries with backoff on 5xx, 408, 429,
// timeouts and dropped connections; resume with Range (and If-Match on the first ETag) after a
// drop, or skipping what arrived when a server ignores Range; a size cap enforced as bytes arrive;
// the length and x-oss-hash-crc64ecma verified before the end is reported; a service's XML error
// shown with its Code, Message and RequestId. Failures are values naming what went wrong; callers
// turn them into their own diagnostics (sources: FERRY-SRC-*).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ferry/cloud/http_client.hpp"
#include "ferry/cloud/http_request.hpp"

namespace ferry::sdk {
class HostServices;
}

namespace ferry::cloud {

struct DownloadOptions {
    HttpRequest request;  // a GET; Range and If-Match are added when resuming
    // Run before every attempt (a fresh date each time, after Range was added). May be empty.
    std::function<void(HttpRequest&)> sign;
    std::string location;              // the address users see; must hold no secret
    std::vector<std::string> secrets;  // scrubbed from everything reported, whatever a server echoes
    TransportOptions transport;
    int retries = 3;                         // further attempts after a failure without progress
    std::chrono::milliseconds backoff{500};  // before the first retry, doubled after each, max 8 s
    std::uint64_t max_size = 0;              // 0: no cap
    sdk::HostServices* host = nullptr;       // retry and resume log lines; may be null
};

enum class DownloadError {
    none,
    http_status,      // the server refused (status in DownloadFailure), or kept failing with 5xx/408/429
    timeout,          // no response or no data within the timeout
    connect,          // unknown host, or the connection refused
    connection_lost,  // the connection kept dropping without progress
    tls,              // untrusted or wrong-name certificate, unreadable CA file
    too_large,        // over max_size
    length_mismatch,  // longer or shorter than announced
    crc_mismatch,     // x-oss-hash-crc64ecma differs
    resume,           // a resume answered with the wrong range
    object_changed,   // ETag or size changed while downloading
    already_failed,   // read again after a failure
};

struct DownloadFailure {
    DownloadError error = DownloadError::none;
    int status = 0;        // for http_status
    std::string summary;   // secrets scrubbed
    std::string detail;    // what to do; empty where only the caller knows (too_large, gave_up)
    bool gave_up = false;  // a transient failure that outlasted the retries
};

class Download {
  public:
    // Sends the first request, retrying; null with `failure` set when it cannot start.
    static std::unique_ptr<Download> start(DownloadOptions options, DownloadFailure& failure);
    ~Download();
    Download(const Download&) = delete;
    Download& operator=(const Download&) = delete;

    std::int64_t size() const;  // announced by the first response; -1 unknown
    // Up to `size` bytes; 0 at the verified end; -1 with `failure` set. Never a byte past max_size.
    std::ptrdiff_t read(char* buffer, std::size_t size, DownloadFailure& failure);

  private:
    struct State;
    explicit Download(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

}  // namespace ferry::cloud
