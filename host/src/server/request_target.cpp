#include "server/request_target.hpp"

#include <Poco/Exception.h>

#include "util/utf8.hpp"

namespace ferry::host::web {

std::string parse_request_target(const std::string& raw, RequestTarget& out) {
    std::string rest = raw;
    // Absolute form (RFC 7230 §5.3.2), which a server must accept: the authority is not ours to check.
    for (const char* scheme : {"http://", "https://"})
        if (rest.rfind(scheme, 0) == 0) {
            const auto slash = rest.find_first_of("/?#", std::string(scheme).size());
            rest = slash == std::string::npos ? "/" : rest.substr(slash);
            if (rest.front() != '/') rest = "/" + rest;
        }
    if (rest.empty() || rest.front() != '/') return "the request target must be a path that starts with '/'";
    rest = rest.substr(0, rest.find('#'));  // a fragment is the client's business
    const auto q = rest.find('?');
    const std::string raw_path = rest.substr(0, q);
    try {
        out.path.clear();
        Poco::URI::decode(raw_path, out.path);
    } catch (const Poco::Exception&) {
        return "the request path has a broken %-escape";
    }
    if (!valid_utf8(out.path)) return "the request path is not UTF-8";
    out.query.clear();
    if (q == std::string::npos) return {};
    try {
        Poco::URI query;
        query.setRawQuery(rest.substr(q + 1));
        out.query = query.getQueryParameters();
    } catch (const Poco::Exception&) {
        return "the query has a broken %-escape";
    }
    for (const auto& [name, value] : out.query)
        if (!valid_utf8(name) || !valid_utf8(value)) return "the query is not UTF-8";
    return {};
}

}  // namespace ferry::host::web
