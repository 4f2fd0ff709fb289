// OSS V1 and AWS SigV2: one algorithm (HMAC-SHA1 over VERB, Content-MD5, Content-Type, Date, the
// vendor's headers and the resource), spelled with "OSS"/"x-oss-" or "AWS"/"x-amz-".
#include <algorithm>
#include <ctime>
#include <map>
#include <set>

#include "ascii.hpp"
#include "ferry/cloud/digest.hpp"
#include "ferry/cloud/aws_signer.hpp"
#include "ferry/cloud/oss_signer.hpp"
#include "ferry/cloud/signing_time.hpp"

namespace ferry::cloud {
namespace {

struct Dialect {
    const char* auth_scheme;    // "OSS" / "AWS"
    const char* header_prefix;  // "x-oss-" / "x-amz-"
    const char* token_header;
    const std::set<std::string>* subresources;
    bool sign_prefixed_params;  // OSS signs every x-oss-* query parameter
    // SigV2 allows the date in x-amz-date, signed with the vendor headers and an empty Date line;
    // some S3-compatible servers (s3rver 3) only verify that form.
    bool date_in_vendor_header;
};

const std::set<std::string> kOssSubresources = {
    "acl", "uploads", "uploadId", "partNumber", "versionId", "security-token", "location", "cors",
    "lifecycle", "logging", "website", "referer", "delete", "append", "position", "symlink", "restore",
    "tagging", "objectMeta", "qos", "versioning", "versions", "encryption", "policy", "replication",
    "response-content-type", "response-content-language", "response-expires", "response-cache-control",
    "response-content-disposition", "response-content-encoding", "process"};

const std::set<std::string> kAwsSubresources = {
    "acl", "cors", "delete", "lifecycle", "location", "logging", "notification", "partNumber", "policy",
    "requestPayment", "restore", "tagging", "torrent", "uploadId", "uploads", "versionId", "versioning",
    "versions", "website", "response-cache-control", "response-content-disposition",
    "response-content-encoding", "response-content-language", "response-content-type", "response-expires"};

const Dialect kOss{"OSS", "x-oss-", "x-oss-security-token", &kOssSubresources, true, false};
const Dialect kAws{"AWS", "x-amz-", "x-amz-security-token", &kAwsSubresources, false, true};

using ascii::lower;
using ascii::trim;

std::string canonical_resource(const Dialect& d, const std::string& bucket, const std::string& key,
                               const std::vector<QueryParam>& query) {
    std::string r = "/";
    if (!bucket.empty()) r += bucket + "/";
    r += key;
    std::vector<const QueryParam*> signed_params;
    for (const auto& p : query)
        if (d.subresources->count(p.name) || (d.sign_prefixed_params && lower(p.name).rfind(d.header_prefix, 0) == 0))
            signed_params.push_back(&p);
    std::stable_sort(signed_params.begin(), signed_params.end(),
                     [](const QueryParam* a, const QueryParam* b) { return a->name < b->name; });
    for (std::size_t i = 0; i < signed_params.size(); ++i) {
        r += i == 0 ? '?' : '&';
        r += signed_params[i]->name;
        if (signed_params[i]->value && !signed_params[i]->value->empty()) r += "=" + *signed_params[i]->value;
    }
    return r;
}

std::string string_to_sign(const Dialect& d, const HttpRequest& req, const std::string& date,
                           const std::string& resource) {
    auto get = [&](const char* name) {
        const std::string* v = req.header(name);
        return v ? trim(*v) : std::string{};
    };
    std::map<std::string, std::string> vendor;  // sorted by lower-cased name
    for (const auto& h : req.headers) {
        std::string name = lower(h.name);
        if (name.rfind(d.header_prefix, 0) != 0) continue;
        auto& slot = vendor[name];
        slot += (slot.empty() ? "" : ",") + trim(h.value);
    }
    std::string s = req.method + "\n" + get("Content-MD5") + "\n" + get("Content-Type") + "\n" + date + "\n";
    for (const auto& [name, value] : vendor) s += name + ":" + value + "\n";
    return s + resource;
}

void sign_header(const Dialect& d, HttpRequest& req, const std::string& bucket, const std::string& key,
                 const Credentials& c, std::time_t now) {
    std::string date = http_date(now);
    if (d.date_in_vendor_header) {
        req.set_header("x-amz-date", date);
        date.clear();
    } else {
        req.set_header("Date", date);
    }
    if (!c.security_token.empty()) req.set_header(d.token_header, c.security_token);
    std::string sts = string_to_sign(d, req, date, canonical_resource(d, bucket, key, req.query));
    req.set_header("Authorization", std::string(d.auth_scheme) + " " + c.access_key_id + ":" +
                                        hmac_sha1_base64(c.access_key_secret, sts));
}

}  // namespace

std::string oss_v1_canonical_resource(const std::string& bucket, const std::string& key,
                                      const std::vector<QueryParam>& query) {
    return canonical_resource(kOss, bucket, key, query);
}

std::string oss_v1_string_to_sign(const HttpRequest& request, const std::string& date_or_expires,
                                  const std::string& resource) {
    return string_to_sign(kOss, request, date_or_expires, resource);
}

void oss_v1_sign_header(HttpRequest& request, const std::string& bucket, const std::string& key,
                        const Credentials& credentials, std::time_t now) {
    sign_header(kOss, request, bucket, key, credentials, now);
}

void oss_v1_presign(HttpRequest& request, const std::string& bucket, const std::string& key,
                    const Credentials& c, std::time_t expires) {
    std::string exp = std::to_string(static_cast<long long>(expires));
    if (!c.security_token.empty()) request.query.push_back({"security-token", c.security_token});
    std::string sts = string_to_sign(kOss, request, exp, canonical_resource(kOss, bucket, key, request.query));
    request.query.push_back({"OSSAccessKeyId", c.access_key_id});
    request.query.push_back({"Expires", exp});
    request.query.push_back({"Signature", hmac_sha1_base64(c.access_key_secret, sts)});
}

std::string aws_v2_canonical_resource(const std::string& bucket, const std::string& key,
                                      const std::vector<QueryParam>& query) {
    return canonical_resource(kAws, bucket, key, query);
}

std::string aws_v2_string_to_sign(const HttpRequest& request, const std::string& date,
                                  const std::string& resource) {
    return string_to_sign(kAws, request, date, resource);
}

void aws_v2_sign_header(HttpRequest& request, const std::string& bucket, const std::string& key,
                        const Credentials& credentials, std::time_t now) {
    sign_header(kAws, request, bucket, key, credentials, now);
}

}  // namespace ferry::cloud
