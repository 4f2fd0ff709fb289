// An object store's endpoint as users write it: "oss-cn-hangzhou.aliyuncs.com",
// "https://s3.eu-west-1.amazonaws.com" or "http://127.0.0.1:9000".
#pragma once

#include <optional>
#include <string>

namespace ferry::cloud {

struct Endpoint {
    std::string scheme = "https";  // https unless the endpoint says otherwise
    std::string host;              // lower-cased
    unsigned short port = 0;       // 0: the scheme's default
};

std::optional<Endpoint> parse_endpoint(const std::string& text, std::string& error);

// "bucket/key" from "oss://bucket/key" or "s3://bucket/key" (scheme given without "://").
bool split_bucket_url(const std::string& url, const std::string& scheme, std::string& bucket,
                      std::string& key);

}  // namespace ferry::cloud
