// Keeping secrets out of what users see: the one place that knows which parts of an address are
// secret (presigned signatures, STS tokens, user:password@).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ferry::cloud {

// The address with signature and token query values (Signature, x-oss-signature, security-token,
// X-Amz-Signature, ...) and any user:password@ replaced by "REDACTED".
std::string redact_url(const std::string& url);

// The values of an address's signature and token parameters: secrets to scrub from anything a
// server echoes back.
std::vector<std::string> url_secrets(const std::string& url);

// Replaces every occurrence of each secret (and of `security-token=` style values) in `text`.
std::string scrub(std::string text, const std::vector<std::string>& secrets);

// True when a query parameter's value lets someone else make the request (a signature or token).
bool sensitive_parameter(std::string_view name);

// True when a settings key's value would be the secret itself ("password", "accessKeySecret",
// "db_passwd", "token", "privateKey"...), not where to find it ("password_env", "key_file").
bool secret_field(std::string_view key);

}  // namespace ferry::cloud
