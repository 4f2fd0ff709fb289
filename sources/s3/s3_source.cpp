// Source "s3": an object in an S3-compatible store (AWS S3, MinIO, Ceph RGW, OSS's S3 interface...),
// public or signed with AWS Signature V4 (default) or V2.
#include <ctime>
#include <memory>
#include <regex>

#include "ferry/cloud/credentials.hpp"
#include "ferry/cloud/redact.hpp"
#include "ferry/cloud/aws_signer.hpp"
#include "ferry/sdk/sdk.hpp"
#include "ferry/source/http_fetch.hpp"
#include "ferry/source/source_config.hpp"

namespace {
using namespace ferry::sdk;
namespace src = ferry::source;
namespace cloud = ferry::cloud;

const ConfigKey kSchema[] = {
    {"url", ValueType::string, false, nullptr,
     "s3://bucket/key with endpoint, or an http(s) address fetched as given (public or presigned)"},
    {"endpoint", ValueType::string, false, nullptr, "the store's endpoint, e.g. s3.eu-west-1.amazonaws.com or "
                                                    "http://127.0.0.1:9000"},
    {"bucket", ValueType::string, false, nullptr, "bucket name (with endpoint and key)"},
    {"key", ValueType::string, false, nullptr, "object key (with endpoint and bucket)"},
    {"signature_version", ValueType::string, false, "v4", "\"v4\" (AWS4-HMAC-SHA256) or \"v2\" (HMAC-SHA1)"},
    {"region", ValueType::string, false, "us-east-1", "region for SigV4"},
    {"access_key_id_env", ValueType::string, false, nullptr, "name of the environment variable holding the access key id"},
    {"secret_access_key_env", ValueType::string, false, nullptr,
     "name of the environment variable holding the secret access key"},
    {"session_token_env", ValueType::string, false, nullptr, "name of the environment variable holding a session token"},
    {"credentials_file", ValueType::string, false, nullptr,
     "file with access_key_id=, access_key_secret= and optionally sts_token= lines (instead of the *_env keys)"},
    {"path_style", ValueType::boolean, false, "false",
     "address objects as endpoint/bucket/key (most S3-compatible stores and loopback servers) instead of "
     "bucket.endpoint/key"},
    FERRY_SOURCE_TRANSPORT_KEYS,
};

class S3Source : public Source {
  public:
    explicit S3Source(src::FetchOptions options) : options_(std::move(options)) {}
    OpenResponse open(const OpenRequest& request) override { return src::open_http(options_, request); }

  private:
    src::FetchOptions options_;
};

std::unique_ptr<S3Source> fail(Diagnostics& diags, const std::string& summary, const std::string& detail,
                               const std::string& where) {
    diags.error("FERRY-SRC-CONFIG", summary, detail, where);
    return nullptr;
}

std::unique_ptr<S3Source> make_s3(const CreateContext& ctx, Diagnostics& diags) {
    const Config& config = *ctx.config;
    src::FetchOptions o;
    o.where = config.where;
    o.host = ctx.host;
    if (!src::apply_transport_config(config, o, diags)) return nullptr;
    const char* help = "give url = \"s3://bucket/key\" with endpoint, or endpoint, bucket and key, or an https address";

    std::string url = config.string("url");
    std::string bucket = config.string("bucket");
    std::string key = config.string("key");
    bool credentials_named = config.has("access_key_id_env") || config.has("secret_access_key_env") ||
                             config.has("session_token_env") || config.has("credentials_file");
    if (!url.empty() && url.rfind("s3://", 0) != 0) {
        if (config.has("endpoint") || config.has("bucket") || config.has("key") || credentials_named)
            return fail(diags, "url is an address fetched as given; endpoint, bucket, key and credentials do not apply",
                        "to sign, write url = \"s3://bucket/key\" with endpoint", config.where_of("url"));
        std::string error;
        auto request = cloud::parse_http_url(url, error);
        if (!request) return fail(diags, "url: " + cloud::redact_url(error), help, config.where_of("url"));
        o.request = *request;
        o.location = cloud::redact_url(url);
        o.secrets = cloud::url_secrets(url);
        return std::make_unique<S3Source>(std::move(o));
    }
    if (!url.empty()) {
        if (config.has("bucket") || config.has("key"))
            return fail(diags, "url s3://... already names the bucket and key", "remove bucket and key",
                        config.where_of("url"));
        if (!cloud::split_bucket_url(url, "s3", bucket, key))
            return fail(diags, "url '" + url + "' is not of the form s3://bucket/key", help, config.where_of("url"));
    }
    if (!config.has("endpoint") || bucket.empty() || key.empty())
        return fail(diags, "the S3 object is not fully named", help, config.where);
    std::string error;
    auto endpoint = cloud::parse_endpoint(config.string("endpoint"), error);
    if (!endpoint) return fail(diags, error, "e.g. endpoint = \"s3.eu-west-1.amazonaws.com\"", config.where_of("endpoint"));
    if (!std::regex_match(bucket, std::regex("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")))
        return fail(diags, "'" + bucket + "' is not an S3 bucket name",
                    "bucket names have 3 to 63 lower-case letters, digits, dots and hyphens", config.where_of("bucket"));
    if (key[0] == '/')
        return fail(diags, "the object key must not start with '/'", {}, config.where_of("key"));
    bool path_style = config.boolean("path_style");
    o.request = src::object_request(*endpoint, bucket, key, path_style);
    o.location = o.request.url();

    cloud::CredentialSource cs{config.string("access_key_id_env"), config.string("secret_access_key_env"),
                             config.string("session_token_env"), config.string("credentials_file"), config.where};
    auto credentials = cloud::load_credentials(cs, diags);
    if (!credentials) return nullptr;
    if (credentials->empty()) return std::make_unique<S3Source>(std::move(o));

    std::string version = config.string("signature_version", "v4");
    std::string region = config.string("region", "us-east-1");
    o.secrets = credentials->secrets();
    cloud::Credentials c = *credentials;
    // SigV2's resource is /bucket/key whatever the addressing style.
    if (version == "v2")
        o.sign = [bucket, key, c](cloud::HttpRequest& r) { cloud::aws_v2_sign_header(r, bucket, key, c, std::time(nullptr)); };
    else if (version == "v4")
        o.sign = [c, region](cloud::HttpRequest& r) {
            r.set_header("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
            cloud::aws_v4_sign_header(r, c, region, "s3", std::time(nullptr));
        };
    else
        return fail(diags, "signature_version must be \"v4\" or \"v2\", not \"" + version + "\"", {},
                    config.where_of("signature_version"));
    return std::make_unique<S3Source>(std::move(o));
}

}  // namespace

FERRY_PLUGIN(source, "s3", "0.1.0", "Fetches a package from an S3-compatible store (AWS SigV2/SigV4)", kSchema,
             nullptr, make_s3)
