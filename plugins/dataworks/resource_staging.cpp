#include "resource_staging.hpp"

#include <ctime>

#include "ferry/cloud/digest.hpp"
#include "ferry/cloud/endpoint.hpp"
#include "ferry/cloud/http_request.hpp"
#include "ferry/cloud/oss_signer.hpp"
#include "ferry/cloud/redact.hpp"

namespace ferry::dataworks {

namespace {

bool loopback(const std::string& host) { return host == "127.0.0.1" || host == "localhost" || host == "::1"; }

}  // namespace

bool ResourceStaging::configure(const sdk::Config& config, const cloud::Credentials& credentials,
                                const cloud::TransportOptions& transport, sdk::Diagnostics& diags) {
    const std::string url = config.string("resource_staging");
    if (url.empty()) return true;
    where_ = config.where_of("resource_staging");
    std::string bucket, key;
    if (!cloud::split_bucket_url(url, "oss", bucket, key) || bucket.empty()) {
        diags.error("FERRY-DW-CONFIG", "resource_staging must be oss://BUCKET/PREFIX, not '" + url + "'",
                    "name the OSS bucket (and folder) where ferry may put resource files for DataWorks to fetch",
                    where_);
        return false;
    }
    std::string error;
    const auto endpoint = cloud::parse_endpoint(config.string("staging_endpoint"), error);
    if (!endpoint || endpoint->host.empty()) {
        diags.error("FERRY-DW-CONFIG", "staging_endpoint: " + (error.empty() ? std::string("missing") : error),
                    "the OSS endpoint of the staging bucket, e.g. oss-cn-shanghai.aliyuncs.com",
                    config.where_of("staging_endpoint"));
        return false;
    }
    path_style_ = config.boolean("staging_path_style");
    if (path_style_ && !loopback(endpoint->host)) {
        diags.error("FERRY-DW-CONFIG", "staging_path_style is meant for loopback test servers",
                    "OSS refuses path-style addresses; remove staging_path_style", config.where_of("staging_path_style"));
        return false;
    }
    base_.scheme = endpoint->scheme;
    base_.host = path_style_ ? endpoint->host : bucket + "." + endpoint->host;
    base_.port = endpoint->port;
    bucket_ = bucket;
    prefix_ = key;
    while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
    link_minutes_ = std::chrono::minutes(config.integer("staging_link_minutes", 60));
    credentials_ = credentials;
    transport_ = transport;
    return true;
}

std::string ResourceStaging::stage(const std::string& name, const std::string& bytes, std::vector<std::string>& secrets,
                                   sdk::Diagnostics& diags) const {
    const std::string key = (prefix_.empty() ? "" : prefix_ + "/") + cloud::sha256_hex(bytes) + "/" + name;
    auto request_for = [&](const char* method) {
        cloud::HttpRequest r = base_;
        r.raw_target.clear();
        r.method = method;
        r.path = "/" + (path_style_ ? bucket_ + "/" : std::string()) + key;
        return r;
    };
    cloud::RetryPolicy policy;  // a PUT of the same bytes to the same key is idempotent
    const cloud::CallResult put = cloud::call(
        request_for("PUT"), bytes,
        [&](cloud::HttpRequest& r, const std::string&) {
            r.set_header("Content-Type", "application/octet-stream");
            cloud::oss_v1_sign_header(r, bucket_, key, credentials_, std::time(nullptr));
        },
        transport_, policy);
    if (!put.answered || put.response.status / 100 != 2) {
        const std::string why = put.answered ? "HTTP " + std::to_string(put.response.status) + " " +
                                                   cloud::scrub(put.response.body.substr(0, 300), credentials_.secrets())
                                             : cloud::scrub(put.error, credentials_.secrets());
        diags.error("FERRY-DW-STAGING", "cannot stage resource " + name + " in oss://" + bucket_ + "/" + key + ": " + why,
                    "check resource_staging and staging_endpoint, and that the AccessKey may write there", where_);
        return {};
    }
    cloud::HttpRequest get = request_for("GET");
    const auto expires = std::time(nullptr) + std::chrono::duration_cast<std::chrono::seconds>(link_minutes_).count();
    cloud::oss_v1_presign(get, bucket_, key, credentials_, expires);
    const std::string link = get.url();
    secrets.push_back(link);
    for (const auto& s : cloud::url_secrets(link)) secrets.push_back(s);
    return link;
}

}  // namespace ferry::dataworks
