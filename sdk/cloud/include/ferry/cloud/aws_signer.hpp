// AWS request signing for S3-compatible stores: SigV2 (HMAC-SHA1) and SigV4 (AWS4-HMAC-SHA256).
#pragma once

#include <ctime>
#include <string>
#include <vector>

#include "ferry/cloud/credentials.hpp"
#include "ferry/cloud/http_request.hpp"

namespace ferry::cloud {

// ---- SigV2 ----
std::string aws_v2_canonical_resource(const std::string& bucket, const std::string& key,
                                      const std::vector<QueryParam>& query);
std::string aws_v2_string_to_sign(const HttpRequest& request, const std::string& date,
                                  const std::string& canonical_resource);
// Adds x-amz-date (the Date line of the StringToSign then stays empty, as SigV2 specifies),
// x-amz-security-token (session token) and `Authorization: AWS <AK>:<signature>`.
void aws_v2_sign_header(HttpRequest& request, const std::string& bucket, const std::string& key,
                        const Credentials& credentials, std::time_t now);

// ---- SigV4 ----
// Signs host, range, content-type, content-md5 and every x-amz-* header present. The payload hash is
// the x-amz-content-sha256 header when present, else the hash of an empty body.
std::string aws_v4_canonical_request(const HttpRequest& request, std::string& signed_headers);
std::string aws_v4_string_to_sign(const std::string& canonical_request, std::time_t time,
                                  const std::string& region, const std::string& service);
std::string aws_v4_signature(const std::string& secret, std::time_t time, const std::string& region,
                             const std::string& service, const std::string& string_to_sign);
// Adds x-amz-date (and x-amz-security-token) and the Authorization header. Callers that want
// UNSIGNED-PAYLOAD set x-amz-content-sha256 first.
void aws_v4_sign_header(HttpRequest& request, const Credentials& credentials, const std::string& region,
                        const std::string& service, std::time_t now);

}  // namespace ferry::cloud
