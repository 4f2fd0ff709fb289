// Opening an http(s) object as a package stream: ferry::cloud's resumable download (retries with
// backoff, Range resume, size cap, length and x-oss-hash-crc64ecma checks, the service's error
// shown) as an sdk::ByteStream whose failures are the sources' diagnostics.
//
// Codes: FERRY-SRC-HTTP-<status>, FERRY-SRC-TIMEOUT, FERRY-SRC-CONNECT, FERRY-SRC-CONNECTION-LOST,
// FERRY-SRC-TLS, FERRY-SRC-TOO-LARGE, FERRY-SRC-LENGTH-MISMATCH, FERRY-SRC-CRC-MISMATCH,
// FERRY-SRC-RESUME, FERRY-SRC-OBJECT-CHANGED, FERRY-SRC-STREAM-FAILED.
#pragma once

#include <string>

#include "ferry/cloud/download.hpp"
#include "ferry/sdk/source.hpp"

namespace ferry::source {

// What to fetch and how (ferry::cloud::DownloadOptions; max_size comes from the OpenRequest), and
// the config location the diagnostics point at.
struct FetchOptions : cloud::DownloadOptions {
    std::string where;
};

// On success the response holds a stream; otherwise its diagnostics say why.
sdk::OpenResponse open_http(FetchOptions options, const sdk::OpenRequest& request);

}  // namespace ferry::source
