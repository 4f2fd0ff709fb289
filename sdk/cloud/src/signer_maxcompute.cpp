#include "ferry/cloud/maxcompute_signer.hpp"

#include <algorithm>
#include <map>

#include "ascii.hpp"
#include "ferry/cloud/digest.hpp"
#include "ferry/cloud/signing_time.hpp"

namespace ferry::cloud {

std::string maxcompute_canonical_resource(std::string_view resource, const std::vector<QueryParam>& query) {
    std::string out(resource);
    if (query.empty()) return out;
    std::vector<std::pair<std::string, std::string>> sorted;
    for (const auto& p : query) sorted.emplace_back(p.name, p.value.value_or(""));
    std::sort(sorted.begin(), sorted.end());
    out += '?';
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        if (i) out += '&';
        out += sorted[i].first;
        if (!sorted[i].second.empty()) out += "=" + sorted[i].second;
    }
    return out;
}

std::string maxcompute_string_to_sign(const HttpRequest& request, std::string_view api_root) {
    auto get = [&](const char* name) {
        const std::string* v = request.header(name);
        return v ? *v : std::string{};
    };
    std::string s = request.method + "\n" + get("Content-MD5") + "\n" + get("Content-Type") + "\n" + get("Date") + "\n";
    std::map<std::string, std::string> odps;  // sorted by lower-cased name
    for (const auto& h : request.headers) {
        std::string name = ascii::lower(h.name);
        if (ascii::starts_with(name, "x-odps-")) odps[name] = ascii::trim(h.value);
    }
    for (const auto& [name, value] : odps) s += name + ":" + value + "\n";
    std::string_view resource = request.path;
    if (!api_root.empty() && ascii::starts_with(resource, api_root)) resource.remove_prefix(api_root.size());
    return s + maxcompute_canonical_resource(resource, request.query);
}

void sign_maxcompute(HttpRequest& request, const std::string& body, const Credentials& c, std::string_view api_root,
                     std::time_t now) {
    request.set_header("Date", http_date(now));
    if (!body.empty()) request.set_header("Content-MD5", md5_hex(body));
    if (!c.security_token.empty()) request.set_header("authorization-sts-token", c.security_token);
    request.set_header("Authorization",
                       "ODPS " + c.access_key_id + ":" +
                           hmac_sha1_base64(c.access_key_secret, maxcompute_string_to_sign(request, api_root)));
}

}  // namespace ferry::cloud
