#include "ferry/cloud/signer_acs3.hpp"

#include <Poco/RandomStream.h>

#include <algorithm>
#include <ctime>
#include <map>

#include "ascii.hpp"
#include "ferry/cloud/digest.hpp"
#include "ferry/cloud/signing_time.hpp"

namespace ferry::cloud {
namespace {

constexpr const char* kAlgorithm = "ACS3-HMAC-SHA256";

bool signed_header(const std::string& lower_name) {
    return lower_name == "host" || lower_name == "content-type" || ascii::starts_with(lower_name, "x-acs-");
}

}  // namespace

std::string acs3_canonical_request(const HttpRequest& request, const std::string& body, std::string* signed_headers) {
    // Query: each name and value encoded once, sorted; no value still writes "name=" (the Python
    // util's bare "name" is a known trap).
    std::vector<std::pair<std::string, std::string>> query;
    for (const auto& p : request.query) query.emplace_back(uri_encode(p.name), uri_encode(p.value.value_or("")));
    std::sort(query.begin(), query.end());
    std::string canonical_query;
    for (const auto& [name, value] : query) canonical_query += (canonical_query.empty() ? "" : "&") + name + "=" + value;

    // Headers: lower-cased names, trimmed values; a repeated header's values sorted and joined by ','.
    std::map<std::string, std::vector<std::string>> headers;
    for (const auto& h : request.headers) {
        std::string name = ascii::lower(h.name);
        if (signed_header(name)) headers[name].push_back(ascii::trim(h.value));
    }
    if (!headers.count("host")) headers["host"].push_back(request.host_header());
    std::string canonical_headers, names;
    for (auto& [name, values] : headers) {
        std::sort(values.begin(), values.end());
        std::string joined;
        for (const auto& v : values) joined += (joined.empty() ? "" : ",") + v;
        canonical_headers += name + ":" + joined + "\n";
        names += (names.empty() ? "" : ";") + name;
    }
    if (signed_headers) *signed_headers = names;
    return request.method + "\n" + uri_encode(request.path.empty() ? "/" : request.path, true) + "\n" + canonical_query +
           "\n" + canonical_headers + "\n" + names + "\n" + sha256_hex(body);
}

void sign_acs3(HttpRequest& request, const std::string& body, const Credentials& c, const Acs3Request& what) {
    request.set_header("host", request.host_header());
    request.set_header("x-acs-action", what.action);
    request.set_header("x-acs-version", what.version);
    request.set_header("x-acs-date", what.date);
    request.set_header("x-acs-signature-nonce", what.nonce);
    request.set_header("x-acs-content-sha256", sha256_hex(body));
    if (!c.security_token.empty()) request.set_header("x-acs-security-token", c.security_token);
    std::string signed_headers;
    std::string string_to_sign = std::string(kAlgorithm) + "\n" + sha256_hex(acs3_canonical_request(request, body, &signed_headers));
    request.set_header("Authorization", std::string(kAlgorithm) + " Credential=" + c.access_key_id +
                                            ",SignedHeaders=" + signed_headers +
                                            ",Signature=" + to_hex(hmac_sha256(c.access_key_secret, string_to_sign)));
}

std::string acs3_utc_now() { return iso8601_utc(std::time(nullptr)); }

std::string acs3_nonce() {
    char bytes[16];
    Poco::RandomInputStream random;  // /dev/urandom on Linux
    random.read(bytes, sizeof bytes);
    return to_hex(std::string_view(bytes, sizeof bytes));
}

}  // namespace ferry::cloud
