// MaxCompute's request signature (protocols.md): HMAC-SHA1 over
//   METHOD \n Content-MD5 \n Content-Type \n Date \n sorted x-odps-* headers \n resource
// where the resource is the decoded path after the API root ("/api"), then '?' and every query
// parameter sorted ("k=v", or "k" alone). Header: "Authorization: ODPS <AccessKeyId>:<signature>".
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/cloud/credentials.hpp"
#include "ferry/cloud/http_request.hpp"

namespace ferry::cloud {

// The canonical resource: resource + "?" + sorted query ("k=v", or "k" for no or an empty value).
std::string maxcompute_canonical_resource(std::string_view resource, const std::vector<QueryParam>& query);
// The string to sign from the request's Content-MD5, Content-Type, Date and x-odps-* headers; the
// resource is the request's path without `api_root` (the endpoint's path, e.g. "/api").
std::string maxcompute_string_to_sign(const HttpRequest& request, std::string_view api_root);
// Adds Date (`now`), Content-MD5 (hex MD5 of a non-empty body, as MaxCompute's SDKs send it),
// authorization-sts-token (STS; not signed) and the Authorization header.
void sign_maxcompute(HttpRequest& request, const std::string& body, const Credentials& credentials,
                     std::string_view api_root, std::time_t now);

}  // namespace ferry::cloud
