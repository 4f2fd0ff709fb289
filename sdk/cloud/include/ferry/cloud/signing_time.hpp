// The dates signatures carry, always in UTC and in the C locale's names.
#pragma once

#include <ctime>
#include <string>

namespace ferry::cloud {

std::string http_date(std::time_t time);      // RFC 1123: "Thu, 17 Nov 2005 18:49:58 GMT"
std::string iso8601_basic(std::time_t time);  // "20231216T162057Z" (OSS V4, AWS SigV4)
std::string iso8601_utc(std::time_t time);    // "2023-12-16T16:20:57Z" (ACS3)

}  // namespace ferry::cloud
