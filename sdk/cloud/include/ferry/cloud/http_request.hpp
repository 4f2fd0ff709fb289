// One HTTP request as signers see it: decoded pieces, so that each signature scheme can encode them
// its own way, and the wire form derived from them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::cloud {

struct QueryParam {
    std::string name;                  // decoded
    std::optional<std::string> value;  // decoded; nullopt for a bare `?acl`
};

struct Header {
    std::string name;
    std::string value;
};

struct HttpRequest {
    std::string method = "GET";
    std::string scheme = "https";
    std::string host;
    unsigned short port = 0;  // 0: the scheme's default
    std::string path = "/";   // decoded, starting with '/'
    std::vector<QueryParam> query;
    std::vector<Header> headers;
    // The path and query exactly as a user wrote them (a presigned address): sent verbatim, since
    // re-encoding could change the bytes a signature covers. Empty: built from path and query.
    std::string raw_target;

    unsigned short effective_port() const;
    std::string host_header() const;  // host, plus ":port" when not the scheme's default
    std::string target() const;       // what goes on the request line
    std::string url() const;          // scheme://host[:port]target
    const std::string* header(std::string_view name) const;  // case-insensitive
    void set_header(std::string name, std::string value);    // replaces case-insensitively
};

// RFC 3986 percent-encoding: keeps A-Z a-z 0-9 - . _ ~ (and '/' when keep_slash), upper-case hex.
std::string uri_encode(std::string_view text, bool keep_slash = false);
// Decodes %XX escapes ('+' stays '+'); nullopt on a malformed escape.
std::optional<std::string> uri_decode(std::string_view text);

// An application/x-www-form-urlencoded body, "a=1&b=x%20y": the pairs in the given order, names and
// values encoded by uri_encode (space %20, '*' %2A, '~' kept), as Alibaba Cloud's RPC APIs sign it.
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

// Parses an http:// or https:// address. Returns nullopt and sets `error` to a sentence otherwise.
std::optional<HttpRequest> parse_http_url(const std::string& url, std::string& error);

}  // namespace ferry::cloud
