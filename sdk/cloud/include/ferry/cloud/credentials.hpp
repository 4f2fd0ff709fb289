// AccessKey credentials. A config names where they are (environment variables or a file), never
// the secrets themselves, so configs can be shared and logged.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ferry/sdk/diagnostic.hpp"

namespace ferry::cloud {

struct Credentials {
    std::string access_key_id;
    std::string access_key_secret;
    std::string security_token;  // STS; empty for a long-term AccessKey

    bool empty() const { return access_key_id.empty(); }
    // The strings no diagnostic, log line or location may contain.
    std::vector<std::string> secrets() const;
};

struct CredentialSource {
    std::string id_env;      // names of environment variables
    std::string secret_env;
    std::string token_env;
    std::string file;        // `access_key_id=` / `access_key_secret=` / `sts_token=` lines
    std::string where;       // config location for diagnostics
};

// Empty Credentials when nothing is configured (anonymous access); nullopt after adding an error
// (FERRY-CLOUD-CREDENTIALS) naming the variable or file, never its content.
std::optional<Credentials> load_credentials(const CredentialSource& source, sdk::Diagnostics& diags);

}  // namespace ferry::cloud
