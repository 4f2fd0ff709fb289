#include "ferry/source/source_config.hpp"

namespace ferry::source {

bool apply_transport_config(const sdk::Config& config, FetchOptions& o, sdk::Diagnostics& diags) {
    bool ok = true;
    o.transport.ca_file = config.string("ca_file");
    auto timeout = config.integer("timeout", 30);
    if (timeout < 1 || timeout > 3600) {
        diags.error("FERRY-SRC-CONFIG", "timeout must be from 1 to 3600 seconds, not " + std::to_string(timeout), {},
                    config.where_of("timeout"));
        ok = false;
    }
    o.transport.timeout = std::chrono::seconds(timeout);
    auto retries = config.integer("retries", 3);
    if (retries < 0 || retries > 20) {
        diags.error("FERRY-SRC-CONFIG", "retries must be from 0 to 20, not " + std::to_string(retries), {},
                    config.where_of("retries"));
        ok = false;
    }
    o.retries = static_cast<int>(retries);
    return ok;
}

cloud::HttpRequest object_request(const cloud::Endpoint& endpoint, const std::string& bucket, const std::string& key,
                           bool path_style) {
    cloud::HttpRequest r;
    r.scheme = endpoint.scheme;
    r.port = endpoint.port;
    r.host = path_style ? endpoint.host : bucket + "." + endpoint.host;
    r.path = path_style ? "/" + bucket + "/" + key : "/" + key;
    return r;
}

bool is_loopback_host(const std::string& host) {
    return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

}  // namespace ferry::source
