// Keeping secrets out of what users see.
#pragma once

#include <string>
#include <vector>

namespace ferry::source {

// The address with signature and token query values (Signature, x-oss-signature, security-token,
// X-Amz-Signature, ...) and any user:password@ replaced by "REDACTED".
std::string redact_url(const std::string& url);

// The values of an address's signature and token parameters: secrets to scrub from anything a
// server echoes back.
std::vector<std::string> url_secrets(const std::string& url);

// Replaces every occurrence of each secret (and of `security-token=` style values) in `text`.
std::string scrub(std::string text, const std::vector<std::string>& secrets);

}  // namespace ferry::source
