// Hashing and encoding for signers and integrity checks: the one set every signer uses, on
// OpenSSL through Poco Crypto (Poco Foundation's Base64).
#pragma once

#include <string>
#include <string_view>

namespace ferry::cloud {

std::string hmac_sha1(std::string_view key, std::string_view data);    // raw digest
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw digest
std::string sha256(std::string_view data);                             // raw digest
std::string sha256_hex(std::string_view data);                         // lower-case hex
std::string md5_hex(std::string_view data);                            // lower-case hex
std::string to_hex(std::string_view raw);                              // lower-case
std::string base64(std::string_view raw);                              // one line, padded
// base64(HMAC-SHA1(secret, text)): OSS V1, AWS SigV2 and MaxCompute sign this way.
std::string hmac_sha1_base64(std::string_view secret, std::string_view string_to_sign);

}  // namespace ferry::cloud
