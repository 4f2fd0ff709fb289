// Hashing and encoding for the signers, on Poco's engines.
#pragma once

#include <string>

namespace ferry::source::detail {

std::string hmac_sha1(const std::string& key, const std::string& data);    // raw digest
std::string hmac_sha256(const std::string& key, const std::string& data);  // raw digest
std::string sha256_hex(const std::string& data);
std::string to_hex(const std::string& raw);  // lower-case
std::string base64(const std::string& raw);  // one line, padded

}  // namespace ferry::source::detail
