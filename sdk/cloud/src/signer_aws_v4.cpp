// AWS Signature Version 4 for S3-compatible stores.
#include <algorithm>
#include <map>

#include "ascii.hpp"
#include "ferry/cloud/digest.hpp"
#include "ferry/cloud/aws_signer.hpp"
#include "ferry/cloud/signing_time.hpp"

namespace ferry::cloud {
namespace {

constexpr const char* kAlgorithm = "AWS4-HMAC-SHA256";

using ascii::lower;

// Trims and collapses runs of spaces, as SigV4's canonical header values want.
std::string normalize(const std::string& v) {
    std::string out;
    bool space = false;
    for (char c : v) {
        if (c == ' ' || c == '\t') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

std::string scope(std::time_t time, const std::string& region, const std::string& service) {
    return iso8601_basic(time).substr(0, 8) + "/" + region + "/" + service + "/aws4_request";
}

}  // namespace

std::string aws_v4_canonical_request(const HttpRequest& req, std::string& signed_headers) {
    std::vector<std::pair<std::string, std::string>> query;
    for (const auto& p : req.query)
        if (p.name != "X-Amz-Signature") query.emplace_back(uri_encode(p.name), uri_encode(p.value.value_or("")));
    std::sort(query.begin(), query.end());
    std::string canonical_query;
    for (const auto& [name, value] : query)
        canonical_query += (canonical_query.empty() ? "" : "&") + name + "=" + value;

    std::map<std::string, std::string> headers;
    headers["host"] = req.host_header();
    for (const auto& h : req.headers) {
        std::string name = lower(h.name);
        if (name == "host" || name == "range" || name == "content-type" || name == "content-md5" ||
            name.rfind("x-amz-", 0) == 0)
            headers[name] = normalize(h.value);
    }
    std::string canonical_headers;
    signed_headers.clear();
    for (const auto& [name, value] : headers) {
        canonical_headers += name + ":" + value + "\n";
        signed_headers += (signed_headers.empty() ? "" : ";") + name;
    }
    const std::string* payload = req.header("x-amz-content-sha256");
    return req.method + "\n" + uri_encode(req.path.empty() ? "/" : req.path, true) + "\n" + canonical_query + "\n" +
           canonical_headers + "\n" + signed_headers + "\n" + (payload ? *payload : sha256_hex(""));
}

std::string aws_v4_string_to_sign(const std::string& canonical_request, std::time_t time, const std::string& region,
                                  const std::string& service) {
    return std::string(kAlgorithm) + "\n" + iso8601_basic(time) + "\n" + scope(time, region, service) + "\n" +
           sha256_hex(canonical_request);
}

std::string aws_v4_signature(const std::string& secret, std::time_t time, const std::string& region,
                             const std::string& service, const std::string& string_to_sign) {
    std::string k = hmac_sha256("AWS4" + secret, iso8601_basic(time).substr(0, 8));
    k = hmac_sha256(k, region);
    k = hmac_sha256(k, service);
    k = hmac_sha256(k, "aws4_request");
    return to_hex(hmac_sha256(k, string_to_sign));
}

void aws_v4_sign_header(HttpRequest& req, const Credentials& c, const std::string& region, const std::string& service,
                        std::time_t now) {
    req.set_header("x-amz-date", iso8601_basic(now));
    if (!c.security_token.empty()) req.set_header("x-amz-security-token", c.security_token);
    std::string signed_headers;
    std::string sts = aws_v4_string_to_sign(aws_v4_canonical_request(req, signed_headers), now, region, service);
    req.set_header("Authorization", std::string(kAlgorithm) + " Credential=" + c.access_key_id + "/" +
                                        scope(now, region, service) + ", SignedHeaders=" + signed_headers +
                                        ", Signature=" + aws_v4_signature(c.access_key_secret, now, region, service, sts));
}

}  // namespace ferry::cloud
