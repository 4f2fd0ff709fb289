// OSS signature V4 (OSS4-HMAC-SHA256): a canonical request over the URI, the whole query and the
// x-oss-* headers, hashed into a string to sign, signed with a key derived from date and region.
#include <algorithm>
#include <map>

#include "ascii.hpp"
#include "ferry/cloud/digest.hpp"
#include "ferry/cloud/oss_signer.hpp"
#include "ferry/cloud/signing_time.hpp"

namespace ferry::cloud {
namespace {

constexpr const char* kAlgorithm = "OSS4-HMAC-SHA256";
constexpr const char* kUnsignedPayload = "UNSIGNED-PAYLOAD";

using ascii::lower;
using ascii::trim;

std::string scope(std::time_t time, const std::string& region) {
    return iso8601_basic(time).substr(0, 8) + "/" + region + "/oss/aliyun_v4_request";
}

}  // namespace

std::string oss_v4_canonical_request(const HttpRequest& req, const std::string& bucket, const std::string& key,
                                     const std::vector<std::string>& additional_headers) {
    std::string uri = "/";
    if (!bucket.empty()) uri += bucket + "/";
    uri = uri_encode(uri + key, true);

    std::vector<std::pair<std::string, std::optional<std::string>>> query;
    for (const auto& p : req.query) {
        if (p.name == "x-oss-signature") continue;
        query.emplace_back(uri_encode(p.name), p.value ? std::optional(uri_encode(*p.value)) : std::nullopt);
    }
    std::sort(query.begin(), query.end());
    std::string canonical_query;
    for (const auto& [name, value] : query) {
        if (!canonical_query.empty()) canonical_query += '&';
        canonical_query += name;
        if (value && !value->empty()) canonical_query += "=" + *value;
    }

    std::vector<std::string> additional;
    for (const auto& h : additional_headers) additional.push_back(lower(h));
    std::sort(additional.begin(), additional.end());
    std::map<std::string, std::string> headers;
    for (const auto& h : req.headers) {
        std::string name = lower(h.name);
        bool include = name.rfind("x-oss-", 0) == 0 || name == "content-type" || name == "content-md5" ||
                       std::find(additional.begin(), additional.end(), name) != additional.end();
        if (include) headers[name] = trim(h.value);
    }
    std::string canonical_headers;
    for (const auto& [name, value] : headers) canonical_headers += name + ":" + value + "\n";
    std::string additional_list;
    for (const auto& h : additional) additional_list += (additional_list.empty() ? "" : ";") + h;

    const std::string* payload = req.header("x-oss-content-sha256");
    return req.method + "\n" + uri + "\n" + canonical_query + "\n" + canonical_headers + "\n" + additional_list + "\n" +
           (payload ? *payload : kUnsignedPayload);
}

std::string oss_v4_string_to_sign(const std::string& canonical_request, std::time_t time, const std::string& region) {
    return std::string(kAlgorithm) + "\n" + iso8601_basic(time) + "\n" + scope(time, region) + "\n" +
           sha256_hex(canonical_request);
}

std::string oss_v4_signature(const std::string& secret, std::time_t time, const std::string& region,
                             const std::string& string_to_sign) {
    std::string k = hmac_sha256("aliyun_v4" + secret, iso8601_basic(time).substr(0, 8));
    k = hmac_sha256(k, region);
    k = hmac_sha256(k, "oss");
    k = hmac_sha256(k, "aliyun_v4_request");
    return to_hex(hmac_sha256(k, string_to_sign));
}

void oss_v4_sign_header(HttpRequest& req, const std::string& bucket, const std::string& key, const Credentials& c,
                        const std::string& region, std::time_t now) {
    req.set_header("x-oss-date", iso8601_basic(now));
    req.set_header("x-oss-content-sha256", kUnsignedPayload);
    if (!c.security_token.empty()) req.set_header("x-oss-security-token", c.security_token);
    std::string sts = oss_v4_string_to_sign(oss_v4_canonical_request(req, bucket, key), now, region);
    req.set_header("Authorization", std::string(kAlgorithm) + " Credential=" + c.access_key_id + "/" +
                                        scope(now, region) +
                                        ",Signature=" + oss_v4_signature(c.access_key_secret, now, region, sts));
}

std::string oss_region_from_endpoint(const std::string& host) {
    std::string label = lower(host.substr(0, host.find('.')));
    if (host.find(".aliyuncs.com") == std::string::npos || label.rfind("oss-", 0) != 0) return {};
    label.erase(0, 4);
    for (const char* suffix : {"-internal", "-vpc"}) {
        std::string s(suffix);
        if (label.size() > s.size() && label.compare(label.size() - s.size(), s.size(), s) == 0)
            label.erase(label.size() - s.size());
    }
    return label == "accelerate" ? std::string{} : label;
}

}  // namespace ferry::cloud
