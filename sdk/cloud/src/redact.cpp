#include "ferry/cloud/redact.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "ascii.hpp"
#include "ferry/cloud/http_request.hpp"

namespace ferry::cloud {
namespace {

std::string lower(std::string_view s) { return ascii::lower(std::string(s)); }

}  // namespace

bool secret_field(std::string_view key) {
    std::string k = lower(key);
    k.erase(std::remove_if(k.begin(), k.end(), [](char c) { return c == '_' || c == '-' || c == '.'; }), k.end());
    auto ends_with = [&](std::string_view tail) { return k.size() >= tail.size() && k.compare(k.size() - tail.size(), tail.size(), tail) == 0; };
    if (ends_with("env") || ends_with("file") || ends_with("path")) return false;
    for (std::string_view word : {"password", "passwd", "secret", "token", "privatekey", "credential"})
        if (k.find(word) != std::string::npos) return true;
    return k == "pwd" || ends_with("pwd");
}

// Query parameters whose values let someone else make the request: signatures and tokens.
bool sensitive_parameter(std::string_view name) {
    static const std::array<std::string_view, 8> names = {
        "signature", "x-oss-signature", "security-token", "x-oss-security-token",
        "x-amz-signature", "x-amz-security-token", "x-oss-credential-token", "sts-token"};
    std::string n = lower(name);
    return std::find(names.begin(), names.end(), n) != names.end();
}

std::string redact_url(const std::string& url) {
    std::string out = url;
    auto scheme = out.find("://");
    if (scheme != std::string::npos) {
        auto end = out.find_first_of("/?#", scheme + 3);
        auto at = out.rfind('@', end == std::string::npos ? out.size() : end);
        if (at != std::string::npos && at > scheme) out.replace(scheme + 3, at - scheme - 3, "REDACTED");
    }
    auto q = out.find('?');
    if (q == std::string::npos) return out;
    std::string result = out.substr(0, q + 1);
    bool first = true;
    for (std::string_view item : ascii::query_items(std::string_view(out).substr(q + 1))) {
        if (!first) result += '&';
        first = false;
        auto eq = item.find('=');
        if (eq != std::string_view::npos && sensitive_parameter(item.substr(0, eq)))
            result += std::string(item.substr(0, eq)) + "=REDACTED";
        else
            result += item;
    }
    return result;
}

std::vector<std::string> url_secrets(const std::string& url) {
    std::vector<std::string> out;
    auto q = url.find('?');
    if (q == std::string::npos) return out;
    for (std::string_view item : ascii::query_items(std::string_view(url).substr(q + 1))) {
        auto eq = item.find('=');
        if (eq == std::string_view::npos || !sensitive_parameter(item.substr(0, eq))) continue;
        std::string raw(item.substr(eq + 1));
        out.push_back(raw);  // as written (percent-encoded) and decoded, since servers echo either
        // A malformed escape leaves the raw form, all a server could echo.
        if (auto decoded = uri_decode(raw); decoded && *decoded != raw) out.push_back(*decoded);
    }
    return out;
}

std::string scrub(std::string text, const std::vector<std::string>& secrets) {
    for (const auto& secret : secrets) {
        if (secret.size() < 4) continue;  // too short to tell apart from ordinary text
        for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 8))
            text.replace(pos, secret.size(), "REDACTED");
    }
    // A server's StringToSign carries an STS token as a signed sub-resource: "security-token=...".
    for (std::string_view marker : {"security-token=", "security-token:"}) {
        for (auto pos = text.find(marker); pos != std::string::npos; pos = text.find(marker, pos + 1)) {
            auto start = pos + marker.size();
            auto end = text.find_first_of("&\n\r< ", start);
            if (end == std::string::npos) end = text.size();
            if (text.compare(start, end - start, "REDACTED") != 0) text.replace(start, end - start, "REDACTED");
        }
    }
    return text;
}

}  // namespace ferry::cloud
