#include "ferry/cloud/endpoint.hpp"

#include "ferry/cloud/http_request.hpp"

namespace ferry::cloud {

std::optional<Endpoint> parse_endpoint(const std::string& text, std::string& error) {
    std::string url = text.find("://") == std::string::npos ? "https://" + text : text;
    auto parsed = parse_http_url(url, error);
    if (!parsed) {
        error = "endpoint '" + text + "': " + error;
        return std::nullopt;
    }
    if (parsed->path != "/" || !parsed->query.empty()) {
        error = "endpoint '" + text + "' must be a host (and port), without a path or query";
        return std::nullopt;
    }
    return Endpoint{parsed->scheme, parsed->host, parsed->port};
}

bool split_bucket_url(const std::string& url, const std::string& scheme, std::string& bucket, std::string& key) {
    std::string prefix = scheme + "://";
    if (url.compare(0, prefix.size(), prefix) != 0) return false;
    auto slash = url.find('/', prefix.size());
    if (slash == std::string::npos) return false;
    bucket = url.substr(prefix.size(), slash - prefix.size());
    key = url.substr(slash + 1);
    return !bucket.empty() && !key.empty();
}

}  // namespace ferry::cloud
