// The target of a request line, split and %-decoded: what routes and the access log see. A target
// whose escapes are broken, or whose decoded path or query is not UTF-8, is refused (400
// FERRY-WEB-BAD-URI) before any route reads it, so no route, answer or log line holds such bytes.
#pragma once

#include <string>

#include <Poco/URI.h>

namespace ferry::host::web {

struct RequestTarget {
    std::string path;                   // decoded, starts with '/'
    Poco::URI::QueryParameters query;   // decoded names and values ('+' is a space)
};

// Empty when the target is good, else the message of the 400.
std::string parse_request_target(const std::string& raw, RequestTarget& out);

}  // namespace ferry::host::web
