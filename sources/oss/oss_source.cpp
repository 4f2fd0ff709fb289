// Source "oss": an object in Alibaba Cloud OSS, by full address (public or presigned, what the
// product's "OSS Endpoint" field takes) or by endpoint + bucket + key signed with an AccessKey.
#include <memory>

#include "ferry/sdk/sdk.hpp"
#include "ferry/source/http_fetch.hpp"
#include "ferry/source/source_config.hpp"
#include "oss_target.hpp"

namespace {
using namespace ferry::sdk;
namespace src = ferry::source;

const ConfigKey kSchema[] = {
    {"url", ValueType::string, false, nullptr,
     "the object's address: https://bucket.endpoint/key (public or presigned), or oss://bucket/key with endpoint"},
    {"endpoint", ValueType::string, false, nullptr, "OSS endpoint, e.g. oss-cn-hangzhou.aliyuncs.com (https unless "
                                                    "written http://)"},
    {"bucket", ValueType::string, false, nullptr, "bucket name (with endpoint and key)"},
    {"key", ValueType::string, false, nullptr, "object key (with endpoint and bucket)"},
    {"signature_version", ValueType::string, false, "v4", "\"v4\" (OSS4-HMAC-SHA256) or \"v1\" (HMAC-SHA1)"},
    {"region", ValueType::string, false, nullptr, "region for signature V4; derived from the endpoint by default"},
    {"access_key_id_env", ValueType::string, false, nullptr, "name of the environment variable holding the AccessKey id"},
    {"access_key_secret_env", ValueType::string, false, nullptr,
     "name of the environment variable holding the AccessKey secret"},
    {"sts_token_env", ValueType::string, false, nullptr, "name of the environment variable holding an STS token"},
    {"credentials_file", ValueType::string, false, nullptr,
     "file with access_key_id=, access_key_secret= and optionally sts_token= lines (instead of the *_env keys)"},
    {"path_style", ValueType::boolean, false, "false",
     "TEST ONLY: address loopback test servers as endpoint/bucket/key; OSS itself refuses path style"},
    FERRY_SOURCE_TRANSPORT_KEYS,
};

class OssSource : public Source {
  public:
    explicit OssSource(src::FetchOptions options) : options_(std::move(options)) {}
    OpenResponse open(const OpenRequest& request) override { return src::open_http(options_, request); }

  private:
    src::FetchOptions options_;
};

std::unique_ptr<OssSource> make_oss(const CreateContext& ctx, Diagnostics& diags) {
    auto options = src::oss::make_target(*ctx.config, diags);
    if (!options) return nullptr;
    options->host = ctx.host;
    return std::make_unique<OssSource>(std::move(*options));
}

}  // namespace

FERRY_PLUGIN(source, "oss", "0.1.0", "Fetches a package from Alibaba Cloud OSS (public, presigned, V1/V4, STS)",
             kSchema, nullptr, make_oss)
