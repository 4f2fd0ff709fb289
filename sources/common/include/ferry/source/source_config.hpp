// Config handling the network sources share: transport keys (ca_file, timeout, retries), object
// addresses on an endpoint, and the schema rows for them.
#pragma once

#include <string>

#include "ferry/sdk/config.hpp"
#include "ferry/sdk/diagnostic.hpp"
#include "ferry/cloud/endpoint.hpp"
#include "ferry/source/http_fetch.hpp"

namespace ferry::source {

// Schema rows for the transport keys, to put in every network source's schema.
#define FERRY_SOURCE_TRANSPORT_KEYS                                                                          \
    {"ca_file", ::ferry::sdk::ValueType::string, false, nullptr,                                             \
     "PEM file of CA certificates trusted instead of the system's (HTTPS is always verified)"},              \
        {"timeout", ::ferry::sdk::ValueType::integer, false, "30",                                           \
         "seconds to wait for a connection, a response or more data"},                                       \
    {                                                                                                        \
        "retries", ::ferry::sdk::ValueType::integer, false, "3",                                             \
            "further attempts after a 5xx, a timeout or a dropped connection (resumed where it stopped)"     \
    }

// Reads ca_file, timeout (1..3600 s) and retries (0..20) into `options`; false after an error.
bool apply_transport_config(const sdk::Config& config, FetchOptions& options, sdk::Diagnostics& diags);

// The GET for bucket/key on an endpoint: https://bucket.host/key, or host/bucket/key in path style.
cloud::HttpRequest object_request(const cloud::Endpoint& endpoint, const std::string& bucket, const std::string& key,
                                  bool path_style);

bool is_loopback_host(const std::string& host);

}  // namespace ferry::source
