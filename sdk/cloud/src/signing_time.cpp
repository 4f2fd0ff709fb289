#include "ferry/cloud/signing_time.hpp"

namespace ferry::cloud {
namespace {

std::string utc(std::time_t time, const char* format) {
    std::tm tm{};
    gmtime_r(&time, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, format, &tm);  // C locale names, as RFC 1123 wants
    return buf;
}

}  // namespace

std::string http_date(std::time_t time) { return utc(time, "%a, %d %b %Y %H:%M:%S GMT"); }
std::string iso8601_basic(std::time_t time) { return utc(time, "%Y%m%dT%H%M%SZ"); }
std::string iso8601_utc(std::time_t time) { return utc(time, "%Y-%m-%dT%H:%M:%SZ"); }

}  // namespace ferry::cloud
