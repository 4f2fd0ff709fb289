#include "ferry/cloud/credentials.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "ascii.hpp"

namespace ferry::cloud {
namespace {

constexpr const char* kCode = "FERRY-CLOUD-CREDENTIALS";

// Reads one variable; an unset or empty variable is an error naming it (never a value).
bool from_env(const std::string& name, const char* what, std::string& out, const CredentialSource& src,
              sdk::Diagnostics& diags) {
    const char* value = std::getenv(name.c_str());
    if (!value || !*value) {
        diags.error(kCode,
                    std::string("the environment variable ") + name + " (named for the " + what + ") is not set",
                    "export it in the environment ferry runs in; ferry never reads a secret from its config", src.where);
        return false;
    }
    out = value;
    return true;
}

bool from_file(const CredentialSource& src, Credentials& c, sdk::Diagnostics& diags) {
    std::ifstream in(src.file);
    if (!in) {
        diags.error(kCode, "cannot read the credentials file " + src.file,
                    "check the path in credentials_file and that ferry may read it", src.where);
        return false;
    }
    std::error_code ec;
    auto perms = std::filesystem::status(src.file, ec).permissions();
    using P = std::filesystem::perms;
    if (!ec && (perms & (P::group_read | P::others_read)) != P::none)
        diags.warning("FERRY-CLOUD-CREDENTIALS-PERMISSIONS",
                      "the credentials file " + src.file + " is readable by other users",
                      "chmod 600 " + src.file, src.where);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();  // a file written on Windows
        line = ascii::trim(line);
        if (line.empty() || line[0] == '#') continue;
        auto eq = line.find('=');
        std::string name = eq == std::string::npos ? line : ascii::trim(line.substr(0, eq));
        std::string value = eq == std::string::npos ? std::string{} : ascii::trim(line.substr(eq + 1));
        if (name == "access_key_id") c.access_key_id = value;
        else if (name == "access_key_secret") c.access_key_secret = value;
        else if (name == "sts_token") c.security_token = value;
        else {
            // Only the name is shown: a malformed line may well hold a secret.
            diags.error(kCode,
                        src.file + ":" + std::to_string(number) + ": unknown key '" + name + "'",
                        "the file holds access_key_id=, access_key_secret= and optionally sts_token= lines",
                        src.where);
            return false;
        }
    }
    if (c.access_key_id.empty() || c.access_key_secret.empty()) {
        diags.error(kCode, "the credentials file " + src.file + " lacks access_key_id or access_key_secret",
                    "the file holds access_key_id=, access_key_secret= and optionally sts_token= lines", src.where);
        return false;
    }
    return true;
}

}  // namespace

std::vector<std::string> Credentials::secrets() const {
    std::vector<std::string> out;
    if (!access_key_secret.empty()) out.push_back(access_key_secret);
    if (!security_token.empty()) out.push_back(security_token);
    return out;
}

std::optional<Credentials> load_credentials(const CredentialSource& src, sdk::Diagnostics& diags) {
    Credentials c;
    bool any_env = !src.id_env.empty() || !src.secret_env.empty() || !src.token_env.empty();
    if (any_env && !src.file.empty()) {
        diags.error(kCode, "credentials are named both by environment variables and by credentials_file",
                    "keep one of the two", src.where);
        return std::nullopt;
    }
    if (!src.file.empty()) {
        if (!from_file(src, c, diags)) return std::nullopt;
        return c;
    }
    if (!any_env) return c;  // anonymous: a public-read object
    if (src.id_env.empty() || src.secret_env.empty()) {
        diags.error(kCode, "both the AccessKey id and secret variables must be named",
                    "set access_key_id_env and access_key_secret_env", src.where);
        return std::nullopt;
    }
    bool ok = from_env(src.id_env, "AccessKey id", c.access_key_id, src, diags);
    ok = from_env(src.secret_env, "AccessKey secret", c.access_key_secret, src, diags) && ok;
    if (!src.token_env.empty()) ok = from_env(src.token_env, "STS token", c.security_token, src, diags) && ok;
    if (!ok) return std::nullopt;
    return c;
}

}  // namespace ferry::cloud
