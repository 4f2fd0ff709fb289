// OSS request signing: V1 (HMAC-SHA1, header or presigned query) and V4 (OSS4-HMAC-SHA256).
// The pieces are exposed so tests can check the published vectors step by step.
#pragma once

#include <ctime>
#include <string>
#include <vector>

#include "ferry/cloud/credentials.hpp"
#include "ferry/cloud/http_request.hpp"

namespace ferry::cloud {

// ---- V1; AWS SigV2 is the same algorithm (see aws_signer.hpp) ----
// `/bucket/key` (key not encoded) plus the signed sub-resources, sorted.
std::string oss_v1_canonical_resource(const std::string& bucket, const std::string& key,
                                      const std::vector<QueryParam>& query);
// VERB\nContent-MD5\nContent-Type\n<date_or_expires>\n<x-oss-* headers><resource>
std::string oss_v1_string_to_sign(const HttpRequest& request, const std::string& date_or_expires,
                                  const std::string& canonical_resource);
// Adds Date, x-oss-security-token (STS) and `Authorization: OSS <AK>:<signature>`.
void oss_v1_sign_header(HttpRequest& request, const std::string& bucket, const std::string& key,
                        const Credentials& credentials, std::time_t now);
// Adds OSSAccessKeyId, Expires, Signature (and security-token) to the query.
void oss_v1_presign(HttpRequest& request, const std::string& bucket, const std::string& key,
                    const Credentials& credentials, std::time_t expires);

// ---- V4 ----
std::string oss_v4_canonical_request(const HttpRequest& request, const std::string& bucket,
                                     const std::string& key,
                                     const std::vector<std::string>& additional_headers = {});
std::string oss_v4_string_to_sign(const std::string& canonical_request, std::time_t time,
                                  const std::string& region);
std::string oss_v4_signature(const std::string& secret, std::time_t time, const std::string& region,
                             const std::string& string_to_sign);
// Adds x-oss-date, x-oss-content-sha256, x-oss-security-token (STS) and the Authorization header.
void oss_v4_sign_header(HttpRequest& request, const std::string& bucket, const std::string& key,
                        const Credentials& credentials, const std::string& region, std::time_t now);

// "oss-cn-hangzhou.aliyuncs.com" -> "cn-hangzhou"; empty when the host says nothing about a region.
std::string oss_region_from_endpoint(const std::string& host);

}  // namespace ferry::cloud
