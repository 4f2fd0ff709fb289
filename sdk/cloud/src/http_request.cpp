#include "ferry/cloud/http_request.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "ascii.hpp"

namespace ferry::cloud {
namespace {

using ascii::iequals;

unsigned short default_port(const std::string& scheme) { return scheme == "https" ? 443 : 80; }

}  // namespace

unsigned short HttpRequest::effective_port() const { return port ? port : default_port(scheme); }

std::string HttpRequest::host_header() const {
    std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;  // IPv6 literal
    if (port && port != default_port(scheme)) h += ":" + std::to_string(port);
    return h;
}

std::string HttpRequest::target() const {
    if (!raw_target.empty()) return raw_target;
    std::string t = uri_encode(path.empty() ? "/" : path, true);
    for (std::size_t i = 0; i < query.size(); ++i) {
        t += i == 0 ? '?' : '&';
        t += uri_encode(query[i].name);
        if (query[i].value) t += "=" + uri_encode(*query[i].value);
    }
    return t;
}

std::string HttpRequest::url() const { return scheme + "://" + host_header() + target(); }

const std::string* HttpRequest::header(std::string_view name) const {
    for (const auto& h : headers)
        if (iequals(h.name, name)) return &h.value;
    return nullptr;
}

void HttpRequest::set_header(std::string name, std::string value) {
    headers.erase(std::remove_if(headers.begin(), headers.end(), [&](const Header& h) { return iequals(h.name, name); }),
                  headers.end());
    headers.push_back({std::move(name), std::move(value)});
}

std::string uri_encode(std::string_view text, bool keep_slash) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || (keep_slash && c == '/')) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out;
    for (const auto& [name, value] : fields) {
        if (!out.empty()) out += '&';
        out += uri_encode(name) + "=" + uri_encode(value);
    }
    return out;
}

std::optional<std::string> uri_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        unsigned value = 0;
        if (i + 2 >= text.size()) return std::nullopt;
        auto [p, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
        if (ec != std::errc() || p != text.data() + i + 3) return std::nullopt;
        out += static_cast<char>(value);
        i += 2;
    }
    return out;
}

std::optional<HttpRequest> parse_http_url(const std::string& url, std::string& error) {
    HttpRequest r;
    auto sep = url.find("://");
    if (sep == std::string::npos) {
        error = "'" + url + "' is not an address (expected http:// or https://)";
        return std::nullopt;
    }
    r.scheme = url.substr(0, sep);
    r.scheme = ascii::lower(r.scheme);
    if (r.scheme != "http" && r.scheme != "https") {
        error = "the scheme '" + r.scheme + "' is not supported (expected http or https)";
        return std::nullopt;
    }
    std::string rest = url.substr(sep + 3);
    if (auto hash = rest.find('#'); hash != std::string::npos) rest.erase(hash);
    auto slash = rest.find_first_of("/?");
    std::string authority = rest.substr(0, slash);
    std::string target = slash == std::string::npos ? "/" : rest.substr(slash);
    if (target[0] == '?') target = "/" + target;
    if (authority.find('@') != std::string::npos) {
        error = "the address carries a user name or password; credentials never go into an address";
        return std::nullopt;
    }
    std::string port_text;
    if (!authority.empty() && authority[0] == '[') {  // [IPv6]:port
        auto close = authority.find(']');
        if (close == std::string::npos) {
            error = "the address has an unterminated IPv6 literal";
            return std::nullopt;
        }
        r.host = authority.substr(1, close - 1);
        if (close + 1 < authority.size() && authority[close + 1] == ':') port_text = authority.substr(close + 2);
    } else {
        auto colon = authority.rfind(':');
        r.host = authority.substr(0, colon);
        if (colon != std::string::npos) port_text = authority.substr(colon + 1);
    }
    r.host = ascii::lower(r.host);
    if (r.host.empty()) {
        error = "the address has no host";
        return std::nullopt;
    }
    if (!port_text.empty()) {
        unsigned value = 0;
        auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
        if (ec != std::errc() || p != port_text.data() + port_text.size() || value == 0 || value > 65535) {
            error = "the port '" + port_text + "' is not a number from 1 to 65535";
            return std::nullopt;
        }
        r.port = static_cast<unsigned short>(value);
    }
    auto q = target.find('?');
    auto path = uri_decode(target.substr(0, q));
    if (!path) {
        error = "the address has a malformed %-escape in its path";
        return std::nullopt;
    }
    r.path = *path;
    if (q != std::string::npos) {
        for (std::string_view item : ascii::query_items(std::string_view(target).substr(q + 1))) {
            if (item.empty()) continue;
            auto eq = item.find('=');
            auto name = uri_decode(item.substr(0, eq));
            std::optional<std::string> value;
            if (eq != std::string_view::npos) value = uri_decode(item.substr(eq + 1));
            if (!name || (eq != std::string_view::npos && !value)) {
                error = "the address has a malformed %-escape in its query";
                return std::nullopt;
            }
            r.query.push_back({*name, eq == std::string_view::npos ? std::nullopt : value});
        }
    }
    r.raw_target = target;
    return r;
}

}  // namespace ferry::cloud
