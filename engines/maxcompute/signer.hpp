// MaxCompute's request signature (protocols.md): HMAC-SHA1 over
//   METHOD \n Content-MD5 \n Content-Type \n Date \n sorted x-odps-* headers \n resource
// where the resource is the path after /api, URL-decoded, then '?' and every query parameter
// sorted ("k=v", or "k" alone). Header: "Authorization: ODPS <AccessKeyId>:<signature>".
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ferry::engines::maxcompute {

struct SignInput {
    std::string method;
    std::string content_md5;
    std::string content_type;
    std::string date;                                           // RFC 1123, GMT
    std::map<std::string, std::string> headers;                 // all request headers; x-odps-* are signed
    std::string resource;                                       // decoded path after /api, e.g. /projects/p/instances
    std::vector<std::pair<std::string, std::string>> query;     // decoded; empty value: bare key
};

// The canonical resource: resource + "?" + sorted query ("k=v" or bare "k"), joined by "&".
std::string canonical_resource(const std::string& resource, std::vector<std::pair<std::string, std::string>> query);
std::string canonical_string(const SignInput& in);
// base64(HMAC-SHA1(secret, canonical))
std::string signature(const std::string& secret, const std::string& canonical);
// "ODPS <ak>:<signature>"
std::string authorization(const std::string& access_key_id, const std::string& secret, const SignInput& in);

}  // namespace ferry::engines::maxcompute
