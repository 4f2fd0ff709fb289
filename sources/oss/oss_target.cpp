#include "oss_target.hpp"

#include <ctime>
#include <regex>

#include "ferry/cloud/credentials.hpp"
#include "ferry/cloud/redact.hpp"
#include "ferry/cloud/oss_signer.hpp"
#include "ferry/source/source_config.hpp"

namespace ferry::source::oss {
namespace {

bool config_error(sdk::Diagnostics& diags, const std::string& summary, const std::string& detail,
                  const std::string& where) {
    diags.error("FERRY-SRC-CONFIG", summary, detail, where);
    return false;
}

constexpr const char* kAddressHelp =
    "give either url (an https address, public or presigned, or oss://bucket/key with endpoint) or endpoint, bucket "
    "and key";

}  // namespace

std::optional<FetchOptions> make_target(const sdk::Config& config, sdk::Diagnostics& diags) {
    FetchOptions o;
    o.where = config.where;
    bool ok = apply_transport_config(config, o, diags);

    std::string url = config.string("url");
    std::string bucket = config.string("bucket");
    std::string key = config.string("key");
    bool credentials_named = config.has("access_key_id_env") || config.has("access_key_secret_env") ||
                             config.has("sts_token_env") || config.has("credentials_file");

    // (a) A full address, public or presigned: fetched as given, never re-signed.
    if (!url.empty() && url.rfind("oss://", 0) != 0) {
        if (config.has("endpoint") || config.has("bucket") || config.has("key") || credentials_named) {
            config_error(diags, "url is an address fetched as given; endpoint, bucket, key and credentials do not apply",
                         "to sign with an AccessKey, write url = \"oss://bucket/key\" with endpoint, or use endpoint, "
                         "bucket and key",
                         config.where_of("url"));
            return std::nullopt;
        }
        std::string error;
        auto request = cloud::parse_http_url(url, error);
        if (!request) {
            config_error(diags, "url: " + cloud::redact_url(error), kAddressHelp, config.where_of("url"));
            return std::nullopt;
        }
        o.request = *request;
        o.location = cloud::redact_url(url);
        o.secrets = cloud::url_secrets(url);  // a presigned signature and STS token are as secret as a password
        if (!ok) return std::nullopt;
        return o;
    }

    // (b) oss://bucket/key or bucket + key, on an endpoint.
    if (!url.empty()) {
        if (config.has("bucket") || config.has("key")) {
            config_error(diags, "url oss://... already names the bucket and key", "remove bucket and key",
                         config.where_of("url"));
            return std::nullopt;
        }
        if (!cloud::split_bucket_url(url, "oss", bucket, key)) {
            config_error(diags, "url '" + url + "' is not of the form oss://bucket/key", kAddressHelp,
                         config.where_of("url"));
            return std::nullopt;
        }
    }
    if (!config.has("endpoint") || bucket.empty() || key.empty()) {
        config_error(diags, "the OSS object is not fully named", kAddressHelp, config.where);
        return std::nullopt;
    }
    std::string error;
    auto endpoint = cloud::parse_endpoint(config.string("endpoint"), error);
    if (!endpoint) {
        config_error(diags, error, "e.g. endpoint = \"oss-cn-hangzhou.aliyuncs.com\"", config.where_of("endpoint"));
        return std::nullopt;
    }
    // OSS bucket names: 3-63 lower-case letters, digits and hyphens; they become a host name label.
    if (!std::regex_match(bucket, std::regex("[a-z0-9][a-z0-9-]{1,61}[a-z0-9]"))) {
        config_error(diags, "'" + bucket + "' is not an OSS bucket name",
                     "bucket names have 3 to 63 lower-case letters, digits and hyphens", config.where_of("bucket"));
        return std::nullopt;
    }
    if (key.size() > 1023 || key[0] == '/') {
        config_error(diags, "the object key must not start with '/' and has at most 1023 bytes", {},
                     config.where_of("key"));
        return std::nullopt;
    }
    bool path_style = config.boolean("path_style");
    if (path_style && !is_loopback_host(endpoint->host))
        diags.warning("FERRY-SRC-OSS-PATH-STYLE",
                      "path_style is meant for loopback test servers; OSS itself refuses path-style addresses "
                      "(SecondLevelDomainForbidden)",
                      "remove path_style", config.where_of("path_style"));
    o.request = object_request(*endpoint, bucket, key, path_style);
    o.location = o.request.url();

    cloud::CredentialSource cs{config.string("access_key_id_env"), config.string("access_key_secret_env"),
                        config.string("sts_token_env"), config.string("credentials_file"), config.where};
    auto credentials = cloud::load_credentials(cs, diags);
    if (!credentials) return std::nullopt;
    if (credentials->empty()) return ok ? std::optional(o) : std::nullopt;  // public-read object

    std::string version = config.string("signature_version", "v4");
    if (version != "v1" && version != "v4") {
        config_error(diags, "signature_version must be \"v1\" or \"v4\", not \"" + version + "\"", {},
                     config.where_of("signature_version"));
        return std::nullopt;
    }
    std::string region = config.string("region");
    if (region.empty()) region = cloud::oss_region_from_endpoint(endpoint->host);
    if (version == "v4" && region.empty()) {
        config_error(diags, "cannot derive the region from the endpoint '" + endpoint->host + "'",
                     "set region (e.g. region = \"cn-hangzhou\"), which signature V4 needs", config.where_of("endpoint"));
        return std::nullopt;
    }
    if (endpoint->scheme == "http" && !is_loopback_host(endpoint->host) && !credentials->security_token.empty())
        diags.warning("FERRY-SRC-INSECURE-TRANSPORT", "the STS token would travel unencrypted over http",
                      "use an https endpoint", config.where_of("endpoint"));
    o.secrets = credentials->secrets();
    cloud::Credentials c = *credentials;
    if (version == "v1")
        o.sign = [bucket, key, c](cloud::HttpRequest& r) { cloud::oss_v1_sign_header(r, bucket, key, c, std::time(nullptr)); };
    else
        o.sign = [bucket, key, c, region](cloud::HttpRequest& r) {
            cloud::oss_v4_sign_header(r, bucket, key, c, region, std::time(nullptr));
        };
    if (!ok) return std::nullopt;
    return o;
}

}  // namespace ferry::source::oss
